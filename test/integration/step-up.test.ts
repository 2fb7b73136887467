/**
 * The step-up stage through the real ASL on the local stack: a privileged person (by a group the
 * connection lists) who answered right waits for their manager, who answers on their own page
 * with the link sent to their own mailbox: approve (Passed, written back), deny, "This is not
 * right" (URGENT), no answer (timed out: Failed); and an impostor who holds the requester's link
 * but not the manager's inbox never passes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ASSURANCE } from '../../shared/domain/assurance.js';
import {
  call,
  complete,
  finished,
  type Harness,
  inbox,
  openLink,
  openTicket,
  putConnection,
  sendLink,
  sharedHarness,
  until,
  verification,
} from './harness.js';

/** The demo requester's manager in the seeded organisation (u008). */
const MANAGER_EMAIL = 'sren.lindqvist@example.com';
const assurance = { ...DEFAULT_ASSURANCE, privilegedGroups: ['FIN-Managers'] };

let h: Harness;
beforeAll(async () => {
  h = await sharedHarness();
  await putConnection(h, { connectionId: 'step-up', assurance });
  await putConnection(h, { connectionId: 'step-up-short', assurance, managerApprovalSeconds: 2 });
});

const notes = (ticketId: string) => h.stack.desk.get(ticketId)?.notes.map((n) => n.text) ?? [];

/** Answered right on the requester's link: in step_up, and the manager's link in their inbox. */
async function steppedUp(connectionId = 'step-up') {
  const ticket = await openTicket(h, connectionId);
  const { verificationId, linkToken } = await sendLink(h, ticket.id, { connectionId });
  const session = await openLink(h, linkToken);
  const done = await complete(h, session, 'right');
  expect(done.json.outcome).toBe('step_up');
  const message = await until('the manager message', async () =>
    (await inbox(h)).find((m) => m.verificationId === verificationId && m.text.includes('#m=')),
  );
  expect(message.to).toBe(MANAGER_EMAIL);
  const managerToken = /#m=([\w-]+)/.exec(message.text)?.[1] ?? '';
  await until('the step-up note', async () =>
    (await verification(h, verificationId)).writeBack.written?.includes('step_up'),
  );
  return { ticket, verificationId, linkToken, session, managerToken, message };
}

const decide = (token: string, decision: string) =>
  call(h, 'POST', '/portal/manager/decision', { body: { token, decision } });

describe('step-up with the manager through the state machine', () => {
  it('approve: Passed and written back, with the step-up trail on the ticket', async () => {
    const s = await steppedUp();
    expect(s.message.text).toContain('asked the IT help desk for a password reset');
    const shown = await call(h, 'POST', '/portal/manager/request', { body: { token: s.managerToken } });
    expect(shown.status).toBe(200);
    expect(shown.json).toMatchObject({ ticketNumber: expect.any(String), action: 'a password reset' });
    expect(JSON.stringify(shown.json)).not.toMatch(/riskScore|answers/);

    const res = await decide(s.managerToken, 'approve');
    expect(res.status).toBe(200);
    const exec = await finished(h, s.verificationId);
    expect(exec.status).toBe('SUCCEEDED');
    const v = await verification(h, s.verificationId);
    expect(v.status).toBe('passed');
    expect(v.writeBack.state).toBe('done');
    const trail = notes(s.ticket.id);
    expect(trail.some((n) => n.includes('approval requested from the requester'))).toBe(true);
    expect(trail.at(-1)).toContain('identity verification Passed');
    expect(trail.at(-1)).toContain('approved');
    // Single use.
    const again = await decide(s.managerToken, 'deny');
    expect(again.status).toBe(410);
    expect(again.json.error.code).toBe('MANAGER_LINK_USED');
  });

  it('deny: Failed and written back', async () => {
    const s = await steppedUp();
    expect((await decide(s.managerToken, 'deny')).status).toBe(200);
    await finished(h, s.verificationId);
    const v = await verification(h, s.verificationId);
    expect(v.status).toBe('failed');
    expect(notes(s.ticket.id).at(-1)).toContain('manager declined');
  });

  it('"This is not right": Failed, High, and an URGENT note', async () => {
    const s = await steppedUp();
    expect((await decide(s.managerToken, 'not_right')).status).toBe(200);
    await finished(h, s.verificationId);
    const v = await verification(h, s.verificationId);
    expect(v).toMatchObject({ status: 'failed', assessment: { riskLevel: 'high' } });
    expect(notes(s.ticket.id).at(-1)).toMatch(/^URGENT - Helpdesk Verify/);
  });

  it('no answer in time: Failed, strong proof missing, the manager did not answer', async () => {
    const s = await steppedUp('step-up-short');
    const exec = await finished(h, s.verificationId, 30_000);
    expect(exec.status).toBe('SUCCEEDED');
    const v = await verification(h, s.verificationId);
    expect(v.status).toBe('failed');
    expect(v.assessment?.reasons.map((r) => r.code)).toEqual(
      expect.arrayContaining(['STRONG_PROOF_MISSING', 'MANAGER_NO_ANSWER']),
    );
    expect(notes(s.ticket.id).at(-1)).toContain('did not answer in time');
  });

  it("an impostor holding the requester's link but not the manager's inbox never passes", async () => {
    const s = await steppedUp('step-up-short');
    const withOwnLink = await decide(s.linkToken, 'approve');
    expect(withOwnLink.status).toBe(404);
    expect(withOwnLink.json.error.code).toBe('MANAGER_LINK_NOT_FOUND');
    const guessed = await decide('A'.repeat(43), 'approve');
    expect(guessed.status).toBe(404);
    const reopened = await call(h, 'GET', '/portal/session', { token: s.linkToken });
    expect(reopened.json.error.code).toBe('LINK_ALREADY_USED');
    const recompleted = await call(h, 'POST', '/portal/complete', {
      token: s.session.sessionToken,
      body: {},
    });
    expect(recompleted.status).toBe(409);
    expect(recompleted.json.error.code).toBe('VERIFICATION_AWAITING_PROOF');
    await finished(h, s.verificationId, 30_000);
    expect((await verification(h, s.verificationId)).status).toBe('failed');
  });
});
