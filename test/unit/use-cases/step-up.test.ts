import { describe, expect, it } from 'vitest';
import { type MemoryContext, memoryContext } from '../../../shared/adapters/memory/context.js';
import { cancelVerification } from '../../../shared/use-cases/console/send.js';
import { awaitStage } from '../../../shared/use-cases/lifecycle/await-stage.js';
import { startStepUp } from '../../../shared/use-cases/lifecycle/start-step-up.js';
import { stepUpTimedOut } from '../../../shared/use-cases/lifecycle/step-up-timeout.js';
import { writeToTicket } from '../../../shared/use-cases/lifecycle/ticket-write.js';
import { completeVerification } from '../../../shared/use-cases/portal/complete.js';
import { decideAsManager } from '../../../shared/use-cases/portal/manager-decide.js';
import { viewManagerRequest } from '../../../shared/use-cases/portal/manager-view.js';
import { reportNotMe } from '../../../shared/use-cases/portal/not-me.js';
import { openPortalSession } from '../../../shared/use-cases/portal/open.js';
import { actions, answerAll, opened, SOURCE_IP } from './journey.js';

const MANAGER_EMAIL = 'ana.duarte@example.com';

/** Zoe (u001) made privileged in the directory: her password reset needs a strong proof. */
function privilegedCtx(edit: (ctx: MemoryContext) => void = () => {}) {
  const ctx = memoryContext();
  const zoe = ctx.directory.users.find((u) => u.userId === 'u001');
  if (zoe) zoe.privileged = true;
  edit(ctx);
  return ctx;
}

/** Answered right and completed: in step_up; then the stage asks the manager. */
async function steppedUp(ctx = privilegedCtx(), beforeStage: (ctx: MemoryContext) => void = () => {}) {
  const journey = await opened(ctx);
  await answerAll(ctx, journey.sessionToken, 'right');
  const outcome = await completeVerification(ctx, journey.sessionToken);
  beforeStage(ctx);
  const stage = await startStepUp(ctx, journey.verificationId);
  const message = ctx.messenger.outbox.at(-1);
  const managerToken = /#m=([A-Za-z0-9_-]+)/.exec(message?.text ?? '')?.[1] ?? '';
  return { ...journey, outcome, stage, message, managerToken };
}

const stored = (ctx: MemoryContext, id: string) => ctx.verifications.getVerification(id);

describe('step-up with the manager', () => {
  it('a privileged person who answered right goes to step_up and the manager gets a link on their own contact', async () => {
    const ctx = privilegedCtx();
    const s = await steppedUp(ctx);
    expect(s.outcome.outcome).toBe('step_up');
    expect(s.stage).toMatchObject({ status: 'step_up', stepUpSeconds: 1800 });
    expect(s.message).toMatchObject({ channel: 'email', to: MANAGER_EMAIL });
    expect(s.message?.text).toContain('Zoe Martin asked the IT help desk for a password reset');
    expect(s.message?.text).toContain('Portugal');
    expect(s.message?.text).not.toMatch(/score|answer/i);
    expect(s.managerToken).toHaveLength(43);
    const v = await stored(ctx, s.verificationId);
    expect(v?.stepUp).toMatchObject({ managerId: 'u008', managerName: 'Ana Duarte', channel: 'email' });
    expect(JSON.stringify(v)).not.toContain(s.managerToken);
    // A re-run of the stage sends nothing more.
    await startStepUp(ctx, s.verificationId);
    expect(ctx.messenger.outbox.filter((m) => m.to === MANAGER_EMAIL)).toHaveLength(1);
  });

  it('approve: recomputed with the proof given, Passed, the stage resumed, audited as the manager', async () => {
    const ctx = privilegedCtx();
    const s = await steppedUp(ctx);
    await awaitStage(ctx, { verificationId: s.verificationId, stage: 'step_up', taskToken: 'step-up-token' });
    const view = await viewManagerRequest(ctx, s.managerToken, SOURCE_IP);
    expect(view).toMatchObject({
      requesterName: 'Zoe Martin',
      action: 'a password reset',
      country: 'Portugal',
    });
    expect(JSON.stringify(view)).not.toMatch(/riskScore|answers/);

    await decideAsManager(ctx, { token: s.managerToken, decision: 'approve' }, SOURCE_IP);

    const v = await stored(ctx, s.verificationId);
    expect(v?.status).toBe('passed');
    expect(v?.assessment?.assurance).toMatchObject({ given: ['manager_approval'], missing: 0 });
    expect(v?.action.state).toBe('none');
    expect(ctx.workflow.callbacks.at(-1)).toMatchObject({
      token: 'step-up-token',
      output: { status: 'passed' },
    });
    const audit = await ctx.audit.listAudit(s.verificationId);
    expect(audit.find((e) => e.action === 'step_up.approved')?.actor).toBe('manager:u008');
    expect(await actions(ctx, s.verificationId)).toEqual(
      expect.arrayContaining([
        'verification.step_up',
        'step_up.requested',
        'step_up.viewed',
        'step_up.approved',
      ]),
    );
  });

  it('deny: Failed, with the manager-denied recommendation', async () => {
    const ctx = privilegedCtx();
    const s = await steppedUp(ctx);
    await decideAsManager(ctx, { token: s.managerToken, decision: 'deny' }, SOURCE_IP);
    const v = await stored(ctx, s.verificationId);
    expect(v?.status).toBe('failed');
    expect(v?.assessment?.reasons.map((r) => r.code)).toContain('MANAGER_DENIED');
    expect(v?.assessment?.recommendation).toMatch(/manager declined/);
  });

  it('"This is not right": Failed, High, URGENT, outranking everything', async () => {
    const ctx = privilegedCtx();
    const s = await steppedUp(ctx);
    await decideAsManager(ctx, { token: s.managerToken, decision: 'not_right' }, SOURCE_IP);
    const v = await stored(ctx, s.verificationId);
    expect(v).toMatchObject({ status: 'failed', assessment: { riskLevel: 'high', riskScore: 10 } });
    expect(v?.assessment?.recommendation).toMatch(/^URGENT/);
    await writeToTicket(ctx, { verificationId: s.verificationId, write: 'outcome' });
    const notes = ctx.ticketSystems
      .of('local-desk')
      .notesOf(s.ticket.ticketId)
      .map((n) => n.text)
      .join('\n');
    expect(notes).toContain('URGENT - Helpdesk Verify');
    expect(notes).toContain('Ana Duarte reported "This is not right"');
  });

  it('timeout: Failed, Medium, strong proof missing, the manager did not answer', async () => {
    const ctx = privilegedCtx();
    const s = await steppedUp(ctx);
    ctx.clock.advance(1801_000);
    const outcome = await stepUpTimedOut(ctx, s.verificationId);
    expect(outcome.status).toBe('failed');
    const v = await stored(ctx, s.verificationId);
    expect(v?.assessment?.riskLevel).toBe('medium');
    expect(v?.assessment?.reasons.map((r) => r.code)).toEqual(
      expect.arrayContaining(['STRONG_PROOF_MISSING', 'MANAGER_NO_ANSWER']),
    );
    await expect(
      decideAsManager(ctx, { token: s.managerToken, decision: 'approve' }, SOURCE_IP),
    ).rejects.toMatchObject({
      code: 'MANAGER_LINK_USED',
    });
  });

  it.each([
    ['no manager on record', (ctx: MemoryContext) => setUser(ctx, 'u001', { managerId: undefined })],
    ['the manager is the requester', (ctx: MemoryContext) => setUser(ctx, 'u001', { managerId: 'u001' })],
    ['the manager is disabled', (ctx: MemoryContext) => setUser(ctx, 'u008', { enabled: false })],
    [
      'the manager has no contact',
      (ctx: MemoryContext) => setUser(ctx, 'u008', { email: '', mobilePhone: undefined }),
    ],
  ])('%s: MANAGER_UNAVAILABLE, Failed, nobody messaged', async (_name, edit) => {
    // The directory changes after the answers (the manager question was asked about the old record).
    const ctx = privilegedCtx();
    const s = await steppedUp(ctx, edit);
    expect(s.stage.status).toBe('failed');
    const v = await stored(ctx, s.verificationId);
    expect(v?.assessment?.reasons.map((r) => r.code)).toContain('MANAGER_UNAVAILABLE');
    expect(v?.assessment?.recommendation).toMatch(/no manager on record can approve/);
    expect(ctx.messenger.outbox.filter((m) => m.to === MANAGER_EMAIL)).toHaveLength(0);
  });

  it('the manager link works once; an expired one is refused; stable codes', async () => {
    const ctx = privilegedCtx();
    const s = await steppedUp(ctx);
    await decideAsManager(ctx, { token: s.managerToken, decision: 'approve' }, SOURCE_IP);
    await expect(
      decideAsManager(ctx, { token: s.managerToken, decision: 'deny' }, SOURCE_IP),
    ).rejects.toMatchObject({
      code: 'MANAGER_LINK_USED',
    });

    const other = await steppedUp(privilegedCtx());
    const late = privilegedCtx();
    const t = await steppedUp(late);
    late.clock.advance(1801_000);
    await expect(viewManagerRequest(late, t.managerToken, SOURCE_IP)).rejects.toMatchObject({
      code: 'MANAGER_LINK_EXPIRED',
    });
    await expect(viewManagerRequest(late, other.managerToken, SOURCE_IP)).rejects.toMatchObject({
      code: 'MANAGER_LINK_NOT_FOUND',
    });
  });

  it("the requester's own link cannot approve, and no longer opens the portal", async () => {
    const ctx = privilegedCtx();
    const s = await steppedUp(ctx);
    await expect(
      decideAsManager(ctx, { token: s.linkToken, decision: 'approve' }, SOURCE_IP),
    ).rejects.toMatchObject({
      code: 'MANAGER_LINK_NOT_FOUND',
    });
    await expect(openPortalSession(ctx, s.managerToken, SOURCE_IP)).rejects.toMatchObject({
      code: 'LINK_ALREADY_USED',
    });
    await expect(completeVerification(ctx, s.sessionToken)).rejects.toMatchObject({
      code: 'VERIFICATION_AWAITING_PROOF',
    });
    expect((await stored(ctx, s.verificationId))?.status).toBe('step_up');
  });

  it('"I did not ask for this" during the step-up ends it and resumes the step-up stage', async () => {
    const ctx = privilegedCtx();
    const s = await steppedUp(ctx);
    await awaitStage(ctx, { verificationId: s.verificationId, stage: 'step_up', taskToken: 'step-up-token' });
    await reportNotMe(ctx, s.sessionToken);
    expect((await stored(ctx, s.verificationId))?.status).toBe('failed');
    expect(ctx.workflow.callbacks.at(-1)?.token).toBe('step-up-token');
  });

  it("an agent's cancel during the step-up resumes the step-up stage; the manager's link is then used up", async () => {
    const ctx = privilegedCtx();
    const s = await steppedUp(ctx);
    await awaitStage(ctx, { verificationId: s.verificationId, stage: 'step_up', taskToken: 'step-up-token' });
    await cancelVerification(
      ctx,
      s.verificationId,
      { username: 'alice', roles: ['agent'] },
      'caller hung up',
    );
    expect(ctx.workflow.callbacks.at(-1)).toMatchObject({
      token: 'step-up-token',
      output: { status: 'cancelled' },
    });
    await expect(
      decideAsManager(ctx, { token: s.managerToken, decision: 'approve' }, SOURCE_IP),
    ).rejects.toMatchObject({ code: 'MANAGER_LINK_USED' });
  });

  it('a standard person with a password reset never steps up', async () => {
    const ctx = memoryContext();
    const journey = await opened(ctx);
    await answerAll(ctx, journey.sessionToken, 'right');
    expect((await completeVerification(ctx, journey.sessionToken)).outcome).toBe('passed');
  });

  it('a privileged person with wrong answers fails without a step-up', async () => {
    const ctx = privilegedCtx();
    const journey = await opened(ctx);
    await answerAll(ctx, journey.sessionToken, 'wrong');
    expect((await completeVerification(ctx, journey.sessionToken)).outcome).toBe('failed');
  });
});

function setUser(ctx: MemoryContext, userId: string, fields: Record<string, unknown>) {
  const user = ctx.directory.users.find((u) => u.userId === userId);
  if (user) Object.assign(user, fields);
}
