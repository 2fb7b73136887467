/**
 * The verification lifecycle through the real ASL (aws-local-stepfunctions), DynamoDB Local, the
 * gateway and the ticket desk: every outcome, write-back retry and failure, auto-close on and off,
 * a double completion, and the trail a cancel or resend leaves (including the cancel/token race).
 */

import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_REQUESTER_EMAIL, DEMO_REQUESTER_PASSWORD } from '../../local/seed.js';
import type { Principal } from '../../shared/domain/model/principal.js';
import type { Verifications } from '../../shared/ports/verifications.js';
import {
  answerQuestions,
  call,
  complete,
  directoryOf,
  execution,
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

let h: Harness;
beforeAll(async () => {
  h = await sharedHarness();
  await putConnection(h, { connectionId: 'no-close', autoClose: false });
  await putConnection(h, { connectionId: 'short', linkLifetimeSeconds: 2 });
});

const notes = (ticketId: string) => h.stack.desk.get(ticketId)?.notes.map((n) => n.text) ?? [];

describe('passed with password reset and auto-close', () => {
  it('verifies, writes back, records the reset and resolves the ticket', async () => {
    // Prepare
    const ticket = await openTicket(h);
    const { verificationId, linkToken, message } = await sendLink(h, ticket.id, {
      requestedAction: 'password_reset',
    });
    expect(message.to).toBe('zoe.martin@example.com');

    // Act
    const session = await openLink(h, linkToken);
    expect((await verification(h, verificationId)).status).toBe('in_progress');
    const done = await complete(h, session, 'right');
    await until(
      'awaiting the action',
      async () => (await verification(h, verificationId)).taskTokens?.action,
    );
    const reset = await call(h, 'POST', '/portal/action', {
      token: session.sessionToken,
      body: { action: 'password_reset', newPassword: 'correct horse battery staple' },
    });
    const exec = await finished(h, verificationId);

    // Assess
    expect(done.json).toEqual({
      verificationId,
      outcome: 'passed',
      nextAction: 'password_reset',
      deviceCredential: expect.any(String),
    });
    expect(reset.status).toBe(200);
    const directory = directoryOf(h);
    const zoe = await directory.findByEmail(DEMO_REQUESTER_EMAIL);
    expect(await directory.verifyPassword(zoe?.userId ?? '', 'correct horse battery staple')).toBe(true);
    expect(await directory.verifyPassword(zoe?.userId ?? '', DEMO_REQUESTER_PASSWORD)).toBe(false);
    const notice = (await inbox(h)).find(
      (m) => m.verificationId === verificationId && m.subject === 'Your password was changed',
    );
    expect(notice?.to).toBe(DEMO_REQUESTER_EMAIL);
    const transcript = await h.stack.repositories.verifications.getTranscript(verificationId);
    expect(transcript).toHaveLength(session.questionCount);
    expect(
      transcript?.every(
        (t) => t.grade === 'correct' && t.response !== null && (t.kind === 'text' || t.options.length >= 3),
      ),
    ).toBe(true);
    expect(exec.status).toBe('SUCCEEDED');
    const v = await verification(h, verificationId);
    expect(v.status).toBe('passed');
    expect(v.assessment?.riskLevel).toBe('verified');
    expect(v.action.state).toBe('done');
    expect(v.writeBack.state).toBe('done');
    expect(v.ticketResolvedAt).toBeDefined();
    const desk = h.stack.desk.get(ticket.id);
    expect(desk?.state).toBe('resolved');
    expect(desk?.closeCode).toBe('Solved (Permanently)');
    const trail = notes(ticket.id);
    expect(trail).toHaveLength(6);
    expect(trail[1]).toMatch(/link sent by alice via email to z\*\*\*@example.com \(contact on record\)/);
    expect(trail[2]).toContain('opened the verification link');
    expect(trail[3]).toContain('identity verification Passed');
    expect(trail[3]).toContain(verificationId);
    expect(trail.join('\n')).not.toContain('zoe.martin@example.com');
    expect(trail[4]).toContain('reset their password');
    expect(trail[5]).toContain('Resolved automatically');
    const actions = (await h.stack.repositories.audit.listAudit(verificationId)).map((a) => a.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'verification.sent',
        'link.delivered',
        'verification.opened',
        'verification.passed',
        'action.password_reset',
        'action.sessions_revoked',
        'ticket.sent_written',
        'ticket.opened_written',
        'ticket.outcome_written',
        'ticket.action_written',
        'ticket.resolve_written',
      ]),
    );
  });

  it('leaves the ticket open when auto-close is off', async () => {
    const ticket = await openTicket(h, 'no-close');
    const { verificationId, linkToken } = await sendLink(h, ticket.id, {
      connectionId: 'no-close',
      requestedAction: 'password_reset',
    });
    const session = await openLink(h, linkToken);
    await complete(h, session, 'right');
    await call(h, 'POST', '/portal/action', {
      token: session.sessionToken,
      body: { action: 'password_reset', newPassword: 'correct horse battery staple' },
    });
    expect((await finished(h, verificationId)).status).toBe('SUCCEEDED');
    expect(h.stack.desk.get(ticket.id)?.state).toBe('new');
    expect(notes(ticket.id).at(-1)).toContain('reset their password');
    expect((await verification(h, verificationId)).ticketResolvedAt).toBeUndefined();
  });
});

describe('other outcomes', () => {
  it('fails on wrong answers and writes Failed with a recommendation', async () => {
    const ticket = await openTicket(h);
    const { verificationId, linkToken } = await sendLink(h, ticket.id, { requestedAction: 'password_reset' });
    const session = await openLink(h, linkToken);
    const done = await complete(h, session, 'wrong');
    expect(done.json.outcome).toBe('failed');
    expect(done.json.nextAction).toBeUndefined();
    expect((await finished(h, verificationId)).status).toBe('SUCCEEDED');
    const v = await verification(h, verificationId);
    expect(v.assessment?.riskLevel).toBe('high');
    expect(v.action.state).toBe('none');
    expect(notes(ticket.id).at(-1)).toMatch(/verification Failed[\s\S]*Risk: High[\s\S]*reject this request/);
    const action = await call(h, 'POST', '/portal/action', {
      token: session.sessionToken,
      body: { action: 'password_reset', newPassword: 'correct horse battery staple' },
    });
    expect(action.status).toBe(403);
    expect(action.json.error.code).toBe('ACTION_NOT_ALLOWED');
  });

  it('records Not Enough Questions when the requester skips', async () => {
    const ticket = await openTicket(h);
    const { verificationId, linkToken } = await sendLink(h, ticket.id);
    const session = await openLink(h, linkToken);
    const done = await complete(h, session, 'skip');
    expect(done.json.outcome).toBe('not_enough_questions');
    await finished(h, verificationId);
    expect(notes(ticket.id).at(-1)).toContain('verification Not Enough Questions');
  });

  it('times out when the link lifetime passes and still writes back', async () => {
    const ticket = await openTicket(h, 'short');
    const { verificationId, linkToken } = await sendLink(h, ticket.id, { connectionId: 'short' });
    await openLink(h, linkToken);
    const exec = await finished(h, verificationId);
    expect(exec.status).toBe('SUCCEEDED');
    const v = await verification(h, verificationId);
    expect(v.status).toBe('timed_out');
    expect(v.writeBack.state).toBe('done');
    expect(notes(ticket.id).at(-1)).toContain('verification Timed Out');
    const late = await call(h, 'GET', '/portal/session', { token: linkToken });
    expect(late.status).toBe(410);
    expect(late.json.error.code).toBe('LINK_EXPIRED');
  });
});

/** A passed verification whose write-back failed: the desk refuses every write (until reset). */
async function passedWithFailedWriteBack() {
  const ticket = await openTicket(h);
  const { verificationId, linkToken } = await sendLink(h, ticket.id);
  const session = await openLink(h, linkToken);
  h.stack.desk.setFaults({ writes: { mode: 'unavailable', remaining: 100 } });
  await complete(h, session, 'right');
  await finished(h, verificationId);
  return { ticket, verificationId };
}

describe('write-back faults', () => {
  it('retries a write-back while the ITSM is unavailable, then succeeds', async () => {
    const ticket = await openTicket(h);
    const { verificationId, linkToken } = await sendLink(h, ticket.id);
    const session = await openLink(h, linkToken);
    const before = h.stack.desk.calls.length;
    h.stack.desk.setFaults({ writes: { mode: 'unavailable', remaining: 2 } });
    await complete(h, session, 'right');
    expect((await finished(h, verificationId)).status).toBe('SUCCEEDED');
    const patches = h.stack.desk.calls
      .slice(before)
      .filter((c) => c.method === 'PATCH' && c.id === ticket.id);
    expect(patches.map((c) => c.status)).toEqual([503, 503, 200]);
    expect((await verification(h, verificationId)).writeBack.state).toBe('done');
    expect(notes(ticket.id).filter((n) => n.includes('verification Passed'))).toHaveLength(1);
  });

  it('keeps the outcome and shows the failure when retries run out', async () => {
    const ticket = await openTicket(h);
    const { verificationId, linkToken } = await sendLink(h, ticket.id);
    const session = await openLink(h, linkToken);
    h.stack.desk.setFaults({ writes: { mode: 'unavailable', remaining: 100 } });
    await complete(h, session, 'right');
    const exec = await finished(h, verificationId);
    h.stack.desk.setFaults({});
    expect(exec.status).toBe('FAILED');
    expect(exec.error).toBe('WriteBackFailed');
    const v = await verification(h, verificationId);
    expect(v.status).toBe('passed');
    expect(v.assessment?.riskLevel).toBe('verified');
    expect(v.writeBack).toMatchObject({
      state: 'failed',
      lastError: expect.stringContaining('TicketSystemRetryableError'),
    });
    const patches = h.stack.desk.calls.filter(
      (c) => c.method === 'PATCH' && c.id === ticket.id && c.status === 503,
    );
    expect(patches).toHaveLength(4);
  });

  it('lets an agent retry a failed write-back once the ITSM is back, writing each note once', async () => {
    // Prepare: passed, write-back failed while the desk refused writes
    const { ticket, verificationId } = await passedWithFailedWriteBack();
    const path = `/api/verifications/${verificationId}/write-back`;

    // Act and assess: still down, then back
    const stillDown = await call(h, 'POST', path, { token: h.agentToken });
    expect(stillDown.status).toBe(502);
    expect(stillDown.json.error.code).toBe('ITSM_WRITE_FAILED');
    expect((await verification(h, verificationId)).writeBack.state).toBe('failed');
    h.stack.desk.setFaults({});
    const auditor = await call(h, 'POST', path, {
      token: await h.stack.gateway.issueToken('audrey', ['auditor']),
    });
    expect(auditor.status).toBe(403);
    const retried = await call(h, 'POST', path, { token: h.agentToken });
    expect(retried.status).toBe(200);
    expect(retried.json.writeBack).toMatchObject({ state: 'done', written: ['sent', 'opened', 'outcome'] });
    expect(notes(ticket.id).filter((n) => n.includes('verification Passed'))).toHaveLength(1);
    const again = await call(h, 'POST', path, { token: h.agentToken });
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('WRITE_BACK_NOT_FAILED');
    const actions = (await h.stack.repositories.audit.listAudit(verificationId)).map(
      (a) => `${a.actor}:${a.action}`,
    );
    expect(actions).toEqual(
      expect.arrayContaining(['alice:ticket.write_back_retry_failed', 'alice:ticket.write_back_retried']),
    );
  });

  it('writes the outcome note once when ten retries run in parallel; the others get a clear 409', async () => {
    // Prepare: passed, write-back failed while the desk refused writes, then the desk is back
    const { ticket, verificationId } = await passedWithFailedWriteBack();
    h.stack.desk.setFaults({});
    const path = `/api/verifications/${verificationId}/write-back`;

    // Act
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => call(h, 'POST', path, { token: h.agentToken })),
    );

    // Assess
    expect(notes(ticket.id).filter((n) => n.includes('identity verification Passed'))).toHaveLength(1);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    const refused = answers.filter((a) => a.status !== 200);
    expect(refused.map((a) => a.status)).toEqual(Array(9).fill(409));
    for (const a of refused) {
      expect(['WRITE_BACK_IN_PROGRESS', 'WRITE_BACK_ALREADY_DONE', 'WRITE_BACK_NOT_FAILED']).toContain(
        a.json.error.code,
      );
    }
    const v = await verification(h, verificationId);
    expect(v.writeBack.state).toBe('done');
    expect(v.writeBack.written?.filter((w) => w === 'outcome')).toHaveLength(1);
  });

  it('does not retry a permanent failure (ticket gone) and shows it', async () => {
    const ticket = await openTicket(h);
    const { verificationId, linkToken } = await sendLink(h, ticket.id);
    const session = await openLink(h, linkToken);
    h.stack.desk.setFaults({ writes: { mode: 'not_found', remaining: 100 } });
    await complete(h, session, 'wrong');
    const exec = await finished(h, verificationId);
    h.stack.desk.setFaults({});
    expect(exec.error).toBe('WriteBackFailed');
    const v = await verification(h, verificationId);
    expect(v.status).toBe('failed');
    expect(v.writeBack.lastError).toContain('TicketSystemPermanentError');
    expect(
      h.stack.desk.calls.filter((c) => c.method === 'PATCH' && c.id === ticket.id && c.status === 404),
    ).toHaveLength(1);
  });
});

describe('double completion', () => {
  it('lets one of two simultaneous submissions win; the other gets a clear 409', async () => {
    const ticket = await openTicket(h);
    const { verificationId, linkToken } = await sendLink(h, ticket.id);
    const session = await openLink(h, linkToken);
    await answerQuestions(h, session, 'right');
    const submit = () => call(h, 'POST', '/portal/complete', { token: session.sessionToken, body: {} });
    const [a, b] = await Promise.all([submit(), submit()]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    expect(loser.json.error.code).toBe('VERIFICATION_ALREADY_COMPLETED');
    const winner = a.status === 200 ? a : b;
    expect((await finished(h, verificationId)).status).toBe('SUCCEEDED');
    expect((await verification(h, verificationId)).status).toBe(winner.json.outcome);
    const outcomes = (await h.stack.repositories.audit.listAudit(verificationId)).filter((e) =>
      /^verification\.(passed|failed)$/.test(e.action),
    );
    expect(outcomes).toHaveLength(1);
    expect((await execution(h, verificationId)).status).toBe('SUCCEEDED');
  });
});

describe('cancel and resend leave a true trail', () => {
  const waitingFor = (h: Harness, id: string, stage: 'open' | 'completion') =>
    until(`${stage} token`, async () => (await verification(h, id)).taskTokens?.[stage]);

  it('notes a cancel before the link was opened (who, when, the old link is dead), never "opened"', async () => {
    // Prepare
    const ticket = await openTicket(h);
    const { verificationId } = await sendLink(h, ticket.id);
    await waitingFor(h, verificationId, 'open');

    // Act
    const res = await call(h, 'POST', `/api/verifications/${verificationId}/cancel`, {
      token: h.agentToken,
      body: { reason: 'caller hung up' },
    });
    const exec = await finished(h, verificationId);

    // Assess
    expect(res.status).toBe(200);
    expect(exec.status).toBe('SUCCEEDED');
    const trail = notes(ticket.id);
    expect(trail.some((n) => n.includes('opened the verification link'))).toBe(false);
    const cancelled = trail.filter((n) => n.includes('verification cancelled by alice at'));
    expect(cancelled).toHaveLength(1);
    expect(cancelled[0]).toContain('no longer works');
    expect(cancelled[0]).toContain(verificationId);
    expect(trail.join('\n')).not.toContain('zoe.martin@example.com');
  });

  it('notes a resend on the old verification and sends the new link, with no "opened" note', async () => {
    // Prepare
    const ticket = await openTicket(h);
    const { verificationId } = await sendLink(h, ticket.id);
    await waitingFor(h, verificationId, 'open');

    // Act
    const res = await call(h, 'POST', `/api/verifications/${verificationId}/resend`, { token: h.agentToken });
    const exec = await finished(h, verificationId);
    const next = res.json.verificationId as string;
    await until('new link noted', () =>
      notes(ticket.id).find((n) => n.includes('link sent') && n.includes(next)),
    );

    // Assess
    expect(res.status).toBe(202);
    expect(exec.status).toBe('SUCCEEDED');
    const trail = notes(ticket.id);
    expect(trail.some((n) => n.includes('opened the verification link'))).toBe(false);
    const superseded = trail.filter((n) => n.includes('superseded by a resend from alice'));
    expect(superseded).toHaveLength(1);
    expect(superseded[0]).toContain(verificationId);
    expect(superseded[0]).toContain('no longer works');
  });

  it('notes a cancel after the link was opened', async () => {
    // Prepare
    const ticket = await openTicket(h);
    const { verificationId, linkToken } = await sendLink(h, ticket.id);
    await openLink(h, linkToken);
    await waitingFor(h, verificationId, 'completion');

    // Act
    const res = await call(h, 'POST', `/api/verifications/${verificationId}/cancel`, {
      token: h.agentToken,
      body: {},
    });
    const exec = await finished(h, verificationId);

    // Assess
    expect(res.status).toBe(200);
    expect(exec.status).toBe('SUCCEEDED');
    const trail = notes(ticket.id);
    expect(trail.filter((n) => n.includes('opened the verification link'))).toHaveLength(1);
    expect(trail.at(-1)).toContain('verification cancelled by alice');
    expect(trail.some((n) => n.includes('Helpdesk Verify: identity verification'))).toBe(false);
  });

  it('resumes the wait when the token was stored after the cancel read the verification (the race)', async () => {
    // Prepare: the cancel reads the verification as it was before AwaitOpen stored its token
    const ticket = await openTicket(h);
    const { verificationId } = await sendLink(h, ticket.id);
    await waitingFor(h, verificationId, 'open');
    const composition = await import('../../shared/composition.js');
    const { loadConfig } = await import('../../shared/config.js');
    const { cancelVerification } = await import('../../shared/use-cases/console/send.js');
    const real = composition.verifications(loadConfig());
    let reads = 0;
    const beforeTheToken = new Proxy(real, {
      get(target, prop, receiver) {
        if (prop === 'getVerification') {
          return async (id: string) => {
            const v = await target.getVerification(id);
            reads += 1;
            return reads === 1 && v ? { ...v, taskTokens: {} } : v;
          };
        }
        const value = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as Verifications;
    const ctx = {
      ...composition.compose({ workflow: composition.workflow, connections: composition.connections }),
      verifications: beforeTheToken,
    };
    const alice: Principal = { username: 'alice', roles: ['agent'] };

    // Act
    await cancelVerification(ctx, verificationId, alice, 'race');
    const exec = await finished(h, verificationId, 10_000);

    // Assess: the lifecycle ended now, not at the link's expiry, with the cancel note
    expect(reads).toBeGreaterThanOrEqual(2);
    expect(exec.status).toBe('SUCCEEDED');
    expect(notes(ticket.id).at(-1)).toContain('verification cancelled by alice');
  });
});
