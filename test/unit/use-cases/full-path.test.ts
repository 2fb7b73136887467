import { describe, expect, it } from 'vitest';
import { memoryContext } from '../../../shared/adapters/memory/context.js';
import { awaitStage } from '../../../shared/use-cases/lifecycle/await-stage.js';
import { sendLink } from '../../../shared/use-cases/lifecycle/send-link.js';
import { ticketWriteTask } from '../../../shared/use-cases/lifecycle/ticket-write.js';
import { performAction } from '../../../shared/use-cases/portal/action.js';
import { completeVerification } from '../../../shared/use-cases/portal/complete.js';
import { openPortalSession } from '../../../shared/use-cases/portal/open.js';
import { SELF_SERVICE_ACCEPTED, startSelfService } from '../../../shared/use-cases/self-service.js';
import { actions, answerAll, opened, REQUESTER_EMAIL, SOURCE_IP } from './journey.js';

describe('the whole path, as the state machine and the portal take it', () => {
  it('sent, opened, answered, passed, password reset, written back and resolved; each stage resumed once', async () => {
    // Arrange: the state machine waits for the open before the requester gets there.
    const ctx = memoryContext();
    const { verificationId, ticket, sessionToken } = await opened(ctx);
    const resumed = () => ctx.workflow.callbacks.map((c) => c.token);
    await awaitStage(ctx, { verificationId, stage: 'open', taskToken: 'open-token' });
    await ticketWriteTask(ctx, { verificationId, write: 'sent' });
    await ticketWriteTask(ctx, { verificationId, write: 'opened' });
    await awaitStage(ctx, { verificationId, stage: 'completion', taskToken: 'completion-token' });

    // Act
    await answerAll(ctx, sessionToken, 'right');
    const done = await completeVerification(ctx, sessionToken);
    await awaitStage(ctx, { verificationId, stage: 'action', taskToken: 'action-token' });
    await performAction(ctx, sessionToken, {
      action: 'password_reset',
      newPassword: 'correct horse battery staple',
    });
    for (const write of ['outcome', 'action', 'resolve'] as const)
      await ticketWriteTask(ctx, { verificationId, write });

    // Assert
    expect(done.outcome).toBe('passed');
    // The open was already over when AwaitOpen ran (opened() opens the link), so it resumed itself.
    expect(resumed()).toEqual(['open-token', 'completion-token', 'action-token']);
    expect(ctx.workflow.ignored).toEqual([]);
    expect(ctx.workflow.callbacks[1]?.output).toEqual({
      status: 'passed',
      awaitAction: true,
      actionWindowSeconds: 900,
      autoClose: true,
    });
    const v = await ctx.verifications.getVerification(verificationId);
    expect(v).toMatchObject({
      status: 'passed',
      action: { state: 'done' },
      writeBack: { state: 'done', written: ['sent', 'opened', 'outcome', 'action', 'resolve'] },
    });
    expect(ctx.ticketSystems.of('local-desk').resolutions.has(ticket.ticketId)).toBe(true);
    expect(ctx.directory.resets.map((r) => r.userId)).toEqual(['u001']);
    expect(await actions(ctx, verificationId)).toEqual([
      'verification.sent',
      'link.delivered',
      'verification.opened',
      'ticket.sent_written',
      'ticket.opened_written',
      'verification.passed',
      'device.credential_issued',
      'action.started',
      'action.password_reset',
      'action.sessions_revoked',
      'action.notice_sent',
      'ticket.outcome_written',
      'ticket.action_written',
      'ticket.resolve_written',
    ]);
  });
});

describe('self-service start', () => {
  const ctxWithoutFloor = () => memoryContext({ env: { SELF_SERVICE_MIN_MS: '0' } });

  it('sends a password-reset link to the contact on record, with no ticket writes', async () => {
    const ctx = ctxWithoutFloor();

    expect(await startSelfService(ctx, { email: ' Zoe.Martin@example.com ' })).toEqual(SELF_SERVICE_ACCEPTED);

    const [v] = await ctx.verifications.listVerificationsByTicket({
      connectionId: 'local-desk',
      ticketId: 'self-u001',
    });
    expect(v).toMatchObject({
      origin: 'self_service',
      agent: 'self-service',
      requestedAction: 'password_reset',
    });
    await sendLink(ctx, v?.verificationId ?? '');
    expect(ctx.messenger.outbox).toMatchObject([{ to: REQUESTER_EMAIL, subject: 'Reset your password' }]);
    const token = /#t=(\S+)/.exec(ctx.messenger.outbox[0]?.text ?? '')?.[1];
    expect((await openPortalSession(ctx, token, SOURCE_IP)).origin).toBe('self_service');
    expect(await ticketWriteTask(ctx, { verificationId: v?.verificationId ?? '', write: 'sent' })).toEqual({
      result: 'written',
    });
    expect(ctx.ticketSystems.of('local-desk').notesOf('self-u001')).toEqual([]);
  });

  it('answers the same for an unknown or disabled account and for a flood, and sends nothing more', async () => {
    const ctx = ctxWithoutFloor();

    const answers = [
      await startSelfService(ctx, { email: 'nobody@example.com' }),
      ...(await Promise.all(
        Array.from({ length: 5 }, () => startSelfService(ctx, { email: REQUESTER_EMAIL })),
      )),
    ];

    expect(answers.every((a) => a === SELF_SERVICE_ACCEPTED)).toBe(true);
    expect(await ctx.verifications.listVerificationsSince(new Date(0))).toHaveLength(1);
    expect(ctx.workflow.started).toHaveLength(1);
  });
});
