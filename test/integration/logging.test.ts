/**
 * Nothing secret or personal in the logs: every line the functions write while verifications
 * succeed, fail, are refused and hit ITSM outages is captured and searched for emails, phone
 * numbers, passwords, tokens and answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_REQUESTER_EMAIL, knownAnswers } from '../../local/seed.js';
import {
  call,
  complete,
  finished,
  type Harness,
  openLink,
  openTicket,
  sendLink,
  startHarness,
  until,
  verification,
} from './harness.js';

// Before any handler (and so the logger) loads: log everything from INFO up, refusals included.
process.env.POWERTOOLS_LOG_LEVEL = 'INFO';

let h: Harness;
const lines: string[] = [];
const originals = {
  out: process.stdout.write.bind(process.stdout),
  err: process.stderr.write.bind(process.stderr),
};

beforeAll(async () => {
  const capture = (original: typeof originals.out) =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stdout.write;
  process.stdout.write = capture(originals.out);
  process.stderr.write = capture(originals.err);
  h = await startHarness();
});
afterAll(async () => {
  process.stdout.write = originals.out;
  process.stderr.write = originals.err;
  await h.stop();
});

describe('logs', () => {
  it('never contain contact details, passwords, tokens or answers', async () => {
    // A passed verification with a reset, by SMS to an agent-typed number.
    const ticket = await openTicket(h);
    const typedNumber = '+447911123456';
    const first = await sendLink(h, ticket.id, {
      channel: 'sms',
      destination: typedNumber,
      reason: 'Caller says the phone on record was lost',
      requestedAction: 'password_reset',
    });
    const session = await openLink(h, first.linkToken);
    await call(h, 'POST', '/portal/action', {
      token: session.sessionToken,
      body: { action: 'password_reset', newPassword: 'x' },
    });
    await complete(h, session, 'right');
    await finished(h, first.verificationId);
    // Refusals: weak password on a passed one, bad tokens, bad signature, unknown link.
    const ticket2 = await openTicket(h);
    const second = await sendLink(h, ticket2.id, { requestedAction: 'password_reset' });
    const session2 = await openLink(h, second.linkToken);
    h.stack.desk.setFaults({ writes: { mode: 'unavailable', remaining: 100 } });
    await complete(h, session2, 'right');
    await until('awaiting the action or failed', async () => {
      const v = await verification(h, second.verificationId);
      return v.writeBack.state === 'failed' || v.taskTokens?.action ? true : undefined;
    });
    for (const weak of ['password123456789', 'zoe martin in lisbon again']) {
      await call(h, 'POST', '/portal/action', {
        token: session2.sessionToken,
        body: { action: 'password_reset', newPassword: weak },
      });
    }
    await call(h, 'POST', '/portal/action', {
      token: session2.sessionToken,
      body: { action: 'password_reset', newPassword: 'correct horse battery staple' },
    });
    await call(h, 'GET', '/portal/session', { token: 'A'.repeat(43) });
    await call(h, 'POST', '/portal/complete', { token: `${session2.sessionToken}x`, body: { answers: [] } });
    await call(h, 'POST', '/webhooks/local-desk', {
      raw: '{"ticketId":"x"}',
      headers: { 'x-helpdesk-verify-signature': 't=1,v1=00' },
    });
    await finished(h, second.verificationId);
    h.stack.desk.setFaults({});

    const log = lines.join('');
    // The test can fail: refusals and write-back failures were logged.
    expect(log).toContain('request refused');
    expect(log).toContain('TicketSystemRetryableError');
    const forbidden = [
      DEMO_REQUESTER_EMAIL,
      'zoe.martin',
      typedNumber,
      '7911123456',
      '+14155550100',
      'correct horse battery staple',
      'password123456789',
      'zoe martin in lisbon again',
      first.linkToken,
      second.linkToken,
      session.sessionToken,
      session2.sessionToken,
      ...Object.values(knownAnswers(DEMO_REQUESTER_EMAIL)).flat(),
    ];
    // As a whole token: a short answer such as a start year ("2012") also occurs inside random ids
    // (a request id "...a5f5-4caa9201268b"), which is not a leak; "year 2012" or "2012," would be.
    const literal = (v: string) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    for (const value of forbidden)
      expect(log, `log contains ${value}`).not.toMatch(
        new RegExp(`(?<![0-9A-Za-z])${literal(value)}(?![0-9A-Za-z])`),
      );
  });
});
