/**
 * Abuse limits through the API: requests per source network, opens per link, and answers faster
 * than a person reads (server-timed). The limits are tightened for this file before the handlers load.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  complete,
  type Harness,
  openLink,
  openTicket,
  sendLink,
  startHarness,
  verification,
} from './harness.js';

process.env.PORTAL_REQUESTS_PER_SOURCE = '20';
process.env.MAX_OPENS_PER_LINK = '3';
process.env.MIN_MS_PER_ANSWER = '1500';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.stop());

describe('abuse limits', () => {
  it('cuts off a network that keeps trying links, and only that network', async () => {
    const from = (ip: string) => ({ token: 'A'.repeat(43), headers: { 'x-simulated-source-ip': ip } });
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++)
      statuses.push((await call(h, 'GET', '/portal/session', from('203.0.113.7'))).status);
    expect(statuses.slice(0, 20).every((s) => s === 404)).toBe(true);
    const blocked = await call(h, 'GET', '/portal/session', from('203.0.113.99'));
    expect(blocked.status).toBe(429);
    expect(blocked.json.error.code).toBe('TOO_MANY_ATTEMPTS');
    expect((await call(h, 'GET', '/portal/session', from('198.51.100.7'))).status).toBe(404);
  });

  it('refuses a link opened too many times, and audits it once', async () => {
    const ticket = await openTicket(h);
    const { verificationId, linkToken } = await sendLink(h, ticket.id);
    const opens = [];
    for (let i = 0; i < 5; i++) opens.push(await call(h, 'GET', '/portal/session', { token: linkToken }));
    expect(opens.map((o) => o.status)).toEqual([200, 200, 200, 429, 429]);
    const audit = (await h.stack.store.listAudit(verificationId)).filter(
      (a) => a.action === 'verification.too_many_opens',
    );
    expect(audit).toHaveLength(1);
  });

  it('adds risk when the answers come back faster than a person reads, not when they take a human time', async () => {
    const fast = await openTicket(h);
    const quick = await sendLink(h, fast.id);
    const quickSession = await openLink(h, quick.linkToken);
    await complete(h, quickSession, 'right');
    const slow = await openTicket(h);
    const human = await sendLink(h, slow.id);
    const humanSession = await openLink(h, human.linkToken);
    await complete(h, humanSession, 'right', { readMs: 1600 });

    const codes = async (id: string) =>
      (await verification(h, id)).assessment?.reasons.map((r) => r.code) ?? [];
    expect(await codes(quick.verificationId)).toContain('ANSWERS_TOO_FAST');
    expect(await codes(human.verificationId)).not.toContain('ANSWERS_TOO_FAST');
  });
});
