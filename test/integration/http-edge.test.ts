/**
 * Bad input and repeated input at the HTTP edge, through the local gateway: each gets a clear 4xx
 * with a stable code and leaves nothing half-written.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidTransition } from '../../shared/domain/errors.js';
import { signWebhook } from '../../shared/domain/tokens.js';
import { statusOf } from '../../shared/http/error-map.js';
import { secretNames } from '../../shared/ports/secrets.js';
import {
  call,
  complete,
  type Harness,
  openLink,
  openTicket,
  sendLink,
  sharedHarness,
  until,
  verification,
} from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await sharedHarness();
});

function webhookSecret(connectionId = 'local-desk'): string {
  const secrets = JSON.parse(readFileSync(join(h.dataDir, 'secrets.json'), 'utf8')) as Record<string, string>;
  return (JSON.parse(secrets[secretNames.webhookSecrets(connectionId)] ?? '[]') as string[])[0] ?? '';
}

function deliver(
  raw: string,
  options: { at?: Date; secret?: string; connectionId?: string; contentType?: string } = {},
) {
  return call(h, 'POST', `/webhooks/${options.connectionId ?? 'local-desk'}`, {
    raw,
    headers: {
      'content-type': options.contentType ?? 'application/json',
      'x-helpdesk-verify-signature': signWebhook(
        raw,
        options.secret ?? webhookSecret(),
        options.at ?? new Date(),
      ),
    },
  });
}

/** A ticket that exists in the desk but whose webhook we deliver ourselves. */
function deskTicket(category = 'password_reset') {
  return h.stack.desk.open(
    {
      category,
      subject: 'Locked out',
      requesterEmail: 'zoe.martin@example.com',
    },
    { deliver: false },
  );
}

describe('ticket intake webhook', () => {
  it('answers duplicate and concurrent deliveries with one ticket record and one link entry', async () => {
    const ticket = deskTicket();
    const body = JSON.stringify({ ticketId: ticket.id, event: 'created' });
    // Redeliveries are signed anew, so each carries its own timestamp.
    const now = Date.now();
    const at = (secondsAgo: number) => ({ at: new Date(now - secondsAgo * 1000) });
    const results = await Promise.all([deliver(body, at(0)), deliver(body, at(1)), deliver(body, at(2))]);
    const again = await deliver(body, at(3));
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 201]);
    expect(again.json).toEqual({ result: 'duplicate' });
    expect(
      h.stack.desk.get(ticket.id)?.notes.filter((n) => n.link?.label === 'Send Verification Link'),
    ).toHaveLength(1);
    expect(
      (await h.stack.repositories.tickets.getTicket({ connectionId: 'local-desk', ticketId: ticket.id }))
        ?.linkEntry,
    ).toBe('done');
  });

  it('refuses a replayed delivery (same signature), but accepts the retry of one answered 503', async () => {
    const ticket = deskTicket();
    const body = JSON.stringify({ ticketId: ticket.id });
    const signature = signWebhook(body, webhookSecret(), new Date());
    const send = () =>
      call(h, 'POST', '/webhooks/local-desk', {
        raw: body,
        headers: { 'content-type': 'application/json', 'x-helpdesk-verify-signature': signature },
      });
    h.stack.desk.setFaults({ reads: { mode: 'unavailable', remaining: 1 } });
    expect((await send()).status).toBe(503);
    expect((await send()).status).toBe(201);
    const replay = await send();
    expect(replay.status).toBe(409);
    expect(replay.json.error.code).toBe('WEBHOOK_REPLAYED');
  });

  it('ignores tickets in categories that do not require verification', async () => {
    const ticket = deskTicket('hardware');
    const res = await deliver(JSON.stringify({ ticketId: ticket.id }));
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ result: 'ignored', reason: 'category_not_gated' });
    expect(h.stack.desk.get(ticket.id)?.notes).toHaveLength(0);
    expect(
      await h.stack.repositories.tickets.getTicket({ connectionId: 'local-desk', ticketId: ticket.id }),
    ).toBeUndefined();
  });

  it('answers 503 while the ITSM is down so it delivers again, and the redelivery writes the entry once', async () => {
    const ticket = deskTicket();
    const body = JSON.stringify({ ticketId: ticket.id });
    h.stack.desk.setFaults({ writes: { mode: 'unavailable', remaining: 1 } });
    const first = await deliver(body);
    expect(first.status).toBe(503);
    expect(first.json.error.code).toBe('ITSM_UNAVAILABLE');
    const second = await deliver(body);
    expect(second.status).toBe(201);
    expect(h.stack.desk.get(ticket.id)?.notes).toHaveLength(1);
  });

  it.each([
    ['unknown connection', { connectionId: 'nope' }, 404, 'UNKNOWN_CONNECTION'],
    ['wrong secret', { secret: 'x'.repeat(43) }, 401, 'INVALID_SIGNATURE'],
    ['stale timestamp', { at: new Date(Date.now() - 10 * 60_000) }, 401, 'INVALID_SIGNATURE'],
    ['wrong content type', { contentType: 'text/plain' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
  ])('refuses a delivery with %s', async (_name, options, status, code) => {
    const ticket = deskTicket();
    const res = await deliver(JSON.stringify({ ticketId: ticket.id }), options);
    expect(res.status).toBe(status);
    expect(res.json.error.code).toBe(code);
    expect(
      await h.stack.repositories.tickets.getTicket({ connectionId: 'local-desk', ticketId: ticket.id }),
    ).toBeUndefined();
  });

  it('refuses malformed JSON, an invalid payload and an oversize body', async () => {
    expect((await deliver('{"ticketId":')).json.error.code).toBe('MALFORMED_JSON');
    expect((await deliver('{"ticketId":42}')).json.error.code).toBe('VALIDATION_FAILED');
    const big = await deliver(JSON.stringify({ ticketId: 'x', pad: 'a'.repeat(20_000) }));
    expect(big.status).toBe(413);
    expect(big.json.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses an unsigned delivery', async () => {
    const res = await call(h, 'POST', '/webhooks/local-desk', { body: { ticketId: 'x' } });
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe('INVALID_SIGNATURE');
  });
});

describe('sending a link', () => {
  it('needs a signed-in agent or admin', async () => {
    const anonymous = await call(h, 'POST', '/api/verifications', { body: {} });
    expect(anonymous.status).toBe(401);
    const expired = await call(h, 'POST', '/api/verifications', {
      body: {},
      token: await h.stack.gateway.issueToken('alice', ['agent'], -10),
    });
    expect(expired.status).toBe(401);
    const auditor = await call(h, 'POST', '/api/verifications', {
      body: {},
      token: await h.stack.gateway.issueToken('audrey', ['auditor']),
    });
    expect(auditor.status).toBe(403);
    expect(auditor.json.error.code).toBe('FORBIDDEN');
  });

  it('refuses bad bodies with stable codes and creates nothing', async () => {
    const ticket = await openTicket(h);
    const malformed = await call(h, 'POST', '/api/verifications', {
      token: h.agentToken,
      raw: '{"connectionId":',
    });
    expect(malformed.json.error.code).toBe('MALFORMED_JSON');
    const badPhone = await call(h, 'POST', '/api/verifications', {
      token: h.agentToken,
      body: {
        connectionId: 'local-desk',
        ticketId: ticket.id,
        channel: 'sms',
        destination: '555-1234',
        reason: 'Caller says the phone on record was lost',
      },
    });
    expect(badPhone.status).toBe(400);
    expect(badPhone.json.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ path: 'destination' }],
    });
    const unknownTicket = await call(h, 'POST', '/api/verifications', {
      token: h.agentToken,
      body: { connectionId: 'local-desk', ticketId: 'nope', channel: 'email' },
    });
    expect(unknownTicket.status).toBe(404);
    expect(unknownTicket.json.error.code).toBe('TICKET_NOT_FOUND');
    expect(
      await h.stack.repositories.verifications.listVerificationsByTicket({
        connectionId: 'local-desk',
        ticketId: ticket.id,
      }),
    ).toEqual([]);
  });

  it('lets one of two simultaneous sends for a ticket win; the other gets a clear 409', async () => {
    const ticket = await openTicket(h);
    const body = { connectionId: 'local-desk', ticketId: ticket.id, channel: 'email' };
    const results = await Promise.all([
      call(h, 'POST', '/api/verifications', { token: h.agentToken, body }),
      call(h, 'POST', '/api/verifications', { token: h.agentToken, body }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([202, 409]);
    expect(results.find((r) => r.status === 409)?.json.error.code).toBe('VERIFICATION_IN_PROGRESS');
    const stored = await h.stack.repositories.verifications.listVerificationsByTicket({
      connectionId: 'local-desk',
      ticketId: ticket.id,
    });
    expect(stored).toHaveLength(1);
  });

  it('records an agent-typed destination, refuses a second open verification, and scores it riskier', async () => {
    const ticket = await openTicket(h);
    const { verificationId, linkToken, message } = await sendLink(h, ticket.id, {
      channel: 'sms',
      destination: '+447911123456',
      reason: 'Caller says the phone on record was lost',
    });
    expect(message.to).toBe('+447911123456');
    const second = await call(h, 'POST', '/api/verifications', {
      token: h.agentToken,
      body: { connectionId: 'local-desk', ticketId: ticket.id, channel: 'email' },
    });
    expect(second.status).toBe(409);
    expect(second.json.error.code).toBe('VERIFICATION_IN_PROGRESS');
    const view = await call(h, 'GET', `/api/verifications/${verificationId}`, { token: h.agentToken });
    expect(view.json).toMatchObject({ destinationIsContactOnRecord: false, destinationMasked: '***56' });
    expect(JSON.stringify(view.json)).not.toContain('+447911123456');
    const session = await openLink(h, linkToken);
    const done = await complete(h, session, 'right');
    expect(done.json.outcome).toBe('failed');
    const v = await verification(h, verificationId);
    expect(v.assessment?.reasons.map((r) => r.code)).toContain('AGENT_TYPED_DESTINATION');
  });
});

describe('portal', () => {
  it('refuses missing, unknown and tampered tokens', async () => {
    expect((await call(h, 'GET', '/portal/session')).json.error.code).toBe('LINK_TOKEN_MISSING');
    const unknown = await call(h, 'GET', '/portal/session', { token: 'A'.repeat(43) });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.code).toBe('LINK_NOT_FOUND');
    const forged = await call(h, 'POST', '/portal/complete', { token: 'v1.01ABC.9999999999.00', body: {} });
    expect(forged.status).toBe(401);
    expect(forged.json.error.code).toBe('SESSION_INVALID');
  });

  it('keeps the questions frozen across reloads and takes answers in order, once, without a write on bad ones', async () => {
    const ticket = await openTicket(h);
    const { verificationId, linkToken } = await sendLink(h, ticket.id);
    const first = await openLink(h, linkToken);
    const question = async (s: { sessionToken: string }) =>
      (await call(h, 'GET', '/portal/question', { token: s.sessionToken })).json;
    const before = await question(first);
    const reload = await openLink(h, linkToken);
    // A reload shows the same question with the same options: nothing to learn by intersection.
    expect(await question(reload)).toEqual(before);
    expect(before).toMatchObject({ done: false, position: 1, total: first.questionCount });
    expect(JSON.stringify(before)).not.toMatch(/answerOptionId|accepted|weight|decoys/);

    const answer = (body: unknown) => call(h, 'POST', '/portal/answer', { token: first.sessionToken, body });
    const other = before.question.id === 'office' ? 'department' : 'office';
    const outOfOrder = await answer({ questionId: other, skipped: true });
    expect(outOfOrder.status).toBe(409);
    expect(outOfOrder.json.error.code).toBe('QUESTION_OUT_OF_ORDER');
    // An option that is not the question's (or an option for a typed question).
    const wrongShape = await answer({ questionId: before.question.id, optionId: 'not-an-option' });
    expect(wrongShape.status).toBe(400);
    expect(wrongShape.json.error.code).toBe('INVALID_ANSWER');
    const mixed = await answer({ questionId: before.question.id, text: 'x', optionId: 'y' });
    expect(mixed.status).toBe(400);
    expect(mixed.json.error.code).toBe('VALIDATION_FAILED');
    expect((await verification(h, verificationId)).answers).toEqual([]);

    const [a, b] = await Promise.all([
      answer({ questionId: before.question.id, skipped: true }),
      answer({ questionId: before.question.id, skipped: true }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    expect((a.status === 409 ? a : b).json.error.code).toBe('ANSWER_ALREADY_RECORDED');
    expect((a.status === 200 ? a : b).json).toMatchObject({ position: 2 });
    expect((await verification(h, verificationId)).answers).toHaveLength(1);

    const wrongType = await call(h, 'POST', '/portal/complete', {
      token: first.sessionToken,
      raw: 'answers=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(wrongType.status).toBe(415);
    await call(h, 'POST', '/portal/complete', { token: first.sessionToken, body: {} });
    const used = await call(h, 'GET', '/portal/session', { token: linkToken });
    expect(used.status).toBe(410);
    expect(used.json.error.code).toBe('LINK_ALREADY_USED');
    const late = await answer({ questionId: 'office', skipped: true });
    expect(late.status).toBe(409);
    expect(late.json.error.code).toBe('VERIFICATION_ALREADY_COMPLETED');
  });

  it('refuses a weak password and a second reset', async () => {
    const ticket = await openTicket(h);
    const { verificationId, linkToken } = await sendLink(h, ticket.id, { requestedAction: 'password_reset' });
    const session = await openLink(h, linkToken);
    await complete(h, session, 'right');
    const short = await call(h, 'POST', '/portal/action', {
      token: session.sessionToken,
      body: { action: 'password_reset', newPassword: 'short' },
    });
    expect(short.status).toBe(400);
    expect(short.json.error).toMatchObject({ code: 'PASSWORD_POLICY', details: { reason: 'length' } });
    for (const [password, reason] of [
      ['password123456789', 'guessable'],
      ['zoe and the long winter nights', 'personal'],
    ]) {
      const refused = await call(h, 'POST', '/portal/action', {
        token: session.sessionToken,
        body: { action: 'password_reset', newPassword: password },
      });
      expect(refused.json.error).toMatchObject({ code: 'PASSWORD_POLICY', details: { reason } });
    }
    expect((await verification(h, verificationId)).action.state).toBe('pending');
    const body = { action: 'password_reset', newPassword: 'a long enough passphrase' };
    const [a, b] = await Promise.all([
      call(h, 'POST', '/portal/action', { token: session.sessionToken, body }),
      call(h, 'POST', '/portal/action', { token: session.sessionToken, body }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    await until(
      'action recorded',
      async () => (await verification(h, verificationId)).action.state === 'done',
    );
  });
});

describe('status transitions', () => {
  it('refuses a transition the table does not allow, leaving the record and the audit log untouched', async () => {
    const ticket = await openTicket(h);
    const { verificationId } = await sendLink(h, ticket.id);
    // Let the lifecycle settle (AwaitOpen stores its callback token) so only the attempt could change it.
    await until('AwaitOpen', async () => (await verification(h, verificationId)).taskTokens?.open);
    const before = await verification(h, verificationId);
    const auditBefore = await h.stack.repositories.audit.listAudit(verificationId);
    const attempt = h.stack.repositories.verifications.transition(
      verificationId,
      'passed',
      {},
      { verificationId, actor: 'test', action: 'x', at: new Date().toISOString() },
    );
    const refusal = await attempt.then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(InvalidTransition);
    expect(refusal).toMatchObject({ code: 'INVALID_TRANSITION' });
    expect(statusOf(refusal as InvalidTransition)).toBe(409);
    expect(await verification(h, verificationId)).toEqual(before);
    expect(await h.stack.repositories.audit.listAudit(verificationId)).toEqual(auditBefore);
  });
});
