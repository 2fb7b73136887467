/**
 * Abuse limits through the API, with the production defaults (the integration config lifts the
 * per-network limit for every other file; this one sets realistic limits before the handlers load):
 * links that do not open are limited per host and per network, a valid link only per link, calls
 * with a session per session and per link, never per network; a person who passed can always
 * finish. Also: answers faster than a person reads (server-timed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDirectory } from '../../local/seed.js';
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

// The defaults of shared/config.ts, said out loud.
process.env.PORTAL_REQUESTS_PER_SOURCE = '600';
process.env.PORTAL_INVALID_LINKS_PER_HOST = '30';
process.env.PORTAL_REQUESTS_PER_SESSION = '120';
process.env.PORTAL_REQUESTS_PER_LINK = '300';
process.env.MAX_OPENS_PER_LINK = '10';
process.env.MIN_MS_PER_ANSWER = '1500';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  // About limits and the self-service path, not the scoring (bench:verdicts and scenarios pin
  // that): here everyone who answers right passes, whatever private facts their record holds.
  const desk = await h.stack.repositories.connections.getConnection('local-desk');
  if (desk)
    await h.stack.repositories.connections.putConnection({
      ...desk,
      minKnowledgeSms: 0,
      minKnowledgeEmail: 0,
    });
});
afterAll(() => h.stop());

/** An office NAT address (no location data: the network checks add nothing, as for a corporate range). */
const OFFICE = '192.0.2.10';
const from = (ip: string) => ({ 'x-simulated-source-ip': ip });
const junk = (ip: string) => call(h, 'GET', '/portal/session', { token: 'A'.repeat(43), headers: from(ip) });

/** Opens a link from an address (the harness's openLink uses the loopback). */
async function openFrom(ip: string, linkToken: string) {
  const res = await call(h, 'GET', '/portal/session', { token: linkToken, headers: from(ip) });
  if (res.status !== 200) throw new Error(`open failed ${res.status} ${JSON.stringify(res.json)}`);
  return res.json as { verificationId: string; sessionToken: string; questionCount: number };
}

describe('abuse limits that hit the abuser, not the neighbours', () => {
  it('30 people behind one office address each verify and reset their password in the same quarter hour', async () => {
    const people = seedDirectory()
      .filter(
        (p) =>
          p.enabled &&
          !p.privileged &&
          !p.contactChangedAt &&
          !p.lastPasswordResetAt &&
          !p.recentFailedRecoveries,
      )
      .slice(0, 30);
    expect(people).toHaveLength(30);
    const headers = {
      ...from(OFFICE),
      'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/133.0',
    };
    let calls = 0;
    const one = async (person: (typeof people)[number]) => {
      const ticket = await openTicket(h, 'local-desk', person.email);
      const { verificationId, linkToken } = await sendLink(h, ticket.id, {
        requestedAction: 'password_reset',
      });
      // The landing opened and reloaded twice: each time the page runs its checks and fetches the
      // question again (a new session each time; the last one is used to the end).
      let session = await openFrom(OFFICE, linkToken);
      for (let load = 0; load < 3; load++) {
        if (load > 0) session = await openFrom(OFFICE, linkToken);
        const signals = await call(h, 'POST', '/portal/signals', {
          token: session.sessionToken,
          body: { webdriver: false, languages: ['en-US'] },
          headers,
        });
        expect(signals.status).toBe(202);
        expect(
          (await call(h, 'GET', '/portal/question', { token: session.sessionToken, headers })).status,
        ).toBe(200);
      }
      const done = await complete(h, session, 'right', { email: person.email, headers, readMs: 1600 });
      expect(done.json.outcome).toBe('passed');
      // Typing slowly: the debounced strength check fires every few characters.
      const password = `Quiet lantern ${person.userId.length} harbour ${verificationId.slice(-6)} moss`;
      const typed = Array.from({ length: 10 }, (_, i) => password.slice(0, 15 + i * 2));
      for (const prefix of typed) {
        const check = await call(h, 'POST', '/portal/password-check', {
          token: session.sessionToken,
          body: { newPassword: prefix },
          headers,
        });
        expect(check.status).toBe(200);
      }
      const reset = await call(h, 'POST', '/portal/action', {
        token: session.sessionToken,
        body: { action: 'password_reset', newPassword: password },
        headers,
      });
      expect(reset.status, JSON.stringify(reset.json)).toBe(200);
      // Three opens with their checks and question, the answers (the harness fetches the question
      // once more), completing, ten strength checks, the reset.
      calls += 3 * 3 + 1 + session.questionCount + 1 + typed.length + 1;
    };
    // Ten at a time, as people in one office overlap (each reads every question for 1.6 s).
    for (let i = 0; i < people.length; i += 10) await Promise.all(people.slice(i, i + 10).map(one));
    // All from one address: more than the whole per-network budget, which session calls never touch
    // (the old design counted every call against 60 per network).
    expect(calls).toBeGreaterThan(Number(process.env.PORTAL_REQUESTS_PER_SOURCE));
  }, 240_000);

  it('a host spraying junk links is cut off with its own code; its neighbour still opens their own link', async () => {
    const sprayer = '198.51.100.7';
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push((await junk(sprayer)).status);
    expect(statuses.slice(0, 30).every((s) => s === 404)).toBe(true);
    const blocked = await junk(sprayer);
    expect(blocked.status).toBe(429);
    expect(blocked.json.error.code).toBe('TOO_MANY_INVALID_LINKS');
    // The neighbour on the same /24: their junk still gets an honest 404, their link opens.
    expect((await junk('198.51.100.99')).status).toBe(404);
    const ticket = await openTicket(h);
    const { linkToken } = await sendLink(h, ticket.id);
    expect(
      (await call(h, 'GET', '/portal/session', { token: linkToken, headers: from('198.51.100.99') })).status,
    ).toBe(200);
    // Even the sprayer's own real link opens: a valid link is limited per link only.
    const mine = await sendLink(h, (await openTicket(h)).id);
    expect(
      (await call(h, 'GET', '/portal/session', { token: mine.linkToken, headers: from(sprayer) })).status,
    ).toBe(200);
  });

  it('an IPv6 host is its /64: rotating addresses inside it does not escape, the next /64 is a neighbour', async () => {
    const statuses: number[] = [];
    // One phone or home hands out many addresses from its /64 (privacy addresses).
    for (let i = 1; i <= 31; i++) statuses.push((await junk(`2001:db8:aa:1::${i.toString(16)}`)).status);
    expect(statuses.slice(0, 30).every((s) => s === 404)).toBe(true);
    expect(statuses[30]).toBe(429);
    expect((await junk('2001:db8:aa:1:ffff:1:2:3')).json.error.code).toBe('TOO_MANY_INVALID_LINKS');
    expect((await junk('2001:db8:aa:2::1')).status).toBe(404);
  });

  it('a network of sprayers is cut off as a network, with its own code', async () => {
    let last = { status: 0, json: undefined as { error: { code: string } } | undefined };
    // 25 hosts of one /24, each under its own limit: 625 junk requests.
    for (let host = 1; host <= 25 && last.status !== 429; host++) {
      for (let i = 0; i < 25 && last.status !== 429; i++) last = await junk(`203.0.113.${host}`);
    }
    expect(last.status).toBe(429);
    expect(last.json?.error.code).toBe('NETWORK_RATE_LIMITED');
    // A valid link from that network still opens.
    const { linkToken } = await sendLink(h, (await openTicket(h)).id);
    expect(
      (await call(h, 'GET', '/portal/session', { token: linkToken, headers: from('203.0.113.200') })).status,
    ).toBe(200);
  }, 180_000);

  it('a session hammering its own link is cut off with its own code, and audited once', async () => {
    const ticket = await openTicket(h);
    const { verificationId, linkToken } = await sendLink(h, ticket.id);
    const session = await openFrom(OFFICE, linkToken);
    const statuses: number[] = [];
    for (let i = 0; i < 122; i++)
      statuses.push(
        (await call(h, 'GET', '/portal/question', { token: session.sessionToken, headers: from(OFFICE) }))
          .status,
      );
    expect(statuses.slice(0, 120).every((s) => s === 200)).toBe(true);
    const cut = await call(h, 'GET', '/portal/question', {
      token: session.sessionToken,
      headers: from(OFFICE),
    });
    expect(cut.status).toBe(429);
    expect(cut.json.error.code).toBe('SESSION_RATE_LIMITED');
    const audit = (await h.stack.repositories.audit.listAudit(verificationId)).filter(
      (a) => a.action === 'portal.session_rate_limited',
    );
    expect(audit).toHaveLength(1);
    // Someone else on the same address is not touched.
    const other = await sendLink(h, (await openTicket(h)).id);
    const theirs = await openFrom(OFFICE, other.linkToken);
    expect(
      (await call(h, 'GET', '/portal/question', { token: theirs.sessionToken, headers: from(OFFICE) }))
        .status,
    ).toBe(200);
    // The person can still say "I did not ask for this": it is never cut off.
    const notMe = await call(h, 'POST', '/portal/not-me', {
      token: session.sessionToken,
      body: { confirm: true },
      headers: from(OFFICE),
    });
    expect(notMe.status).toBe(200);
  });

  it('refuses a link opened too many times with its own code, and audits it once', async () => {
    const ticket = await openTicket(h);
    const { verificationId, linkToken } = await sendLink(h, ticket.id);
    const opens = [];
    for (let i = 0; i < 12; i++) opens.push(await call(h, 'GET', '/portal/session', { token: linkToken }));
    expect(opens.map((o) => o.status)).toEqual([...Array(10).fill(200), 429, 429]);
    expect(opens[10]?.json.error.code).toBe('LINK_OPENED_TOO_OFTEN');
    const audit = (await h.stack.repositories.audit.listAudit(verificationId)).filter(
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
