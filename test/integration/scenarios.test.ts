/**
 * Named scenarios, end to end through the API on the local stack, each pinning the outcome and the
 * top reasons. The requester's network is simulated by source IP (real offline IP data), the page's
 * silent checks by what the portal would post. A table of every scenario's score and reasons is
 * printed at the end (it goes into the issue notes).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDirectory } from '../../local/seed.js';
import type { ClientSignals } from '../../shared/domain/model/client-signals.js';
import type { DirectoryUser } from '../../shared/domain/model/person.js';
import { forgetTorExits } from '../../shared/use-cases/tor-exits.js';
import {
  call,
  complete,
  directoryOf,
  finished,
  type Harness,
  openLink,
  openTicket,
  putConnection,
  sendLink,
  sharedHarness,
  until,
  verification,
} from './harness.js';

let h: Harness;
const table: string[] = [];
beforeAll(async () => {
  h = await sharedHarness();
  await putConnection(h, { connectionId: 'short', linkLifetimeSeconds: 2 });
});
afterAll(async () => {
  console.log(
    ['| scenario | outcome | score | level | top reasons |', '|---|---|---|---|---|', ...table].join('\n'),
  );
});

const MAC_CHROME =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const HEADLESS =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36';
const LINUX_FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
const IPS = {
  lisbonHome: '85.240.0.1',
  newYorkHotel: '73.15.20.1',
  digitalOcean: '104.131.0.1',
  torExit: '185.220.101.7',
};
const people = seedDirectory();
/** Seeded people by name; the Lisbon office's are at home on a Portuguese network. */
const person = (displayName: string) => {
  const found = people.find((p) => p.displayName === displayName);
  if (!found) throw new Error(`No seeded person ${displayName}`);
  return found;
};

interface Scenario {
  name: string;
  requester: DirectoryUser;
  /** local-desk unless a test sets a connection with another policy. */
  connectionId?: string;
  sourceIp?: string;
  userAgent?: string;
  client?: ClientSignals;
  answer?: 'right' | 'wrong' | 'skip' | 'public-only' | 'two-then-skip';
  destination?: string;
  directoryChange?: Partial<DirectoryUser>;
  secondDevice?: boolean;
  /** What the page presents as its device credential (one the server issued on an earlier pass). */
  deviceCredential?: string;
}

const atHome = (tz = 'Europe/Lisbon', languages = ['pt-PT', 'en']): ClientSignals => ({
  webdriver: false,
  timeZone: tz,
  languages,
  clientHints: { platform: 'macOS', mobile: false },
  deviceHash: 'a'.repeat(64),
});

async function run(s: Scenario) {
  if (s.directoryChange) await directoryOf(h).putUsers([{ ...s.requester, ...s.directoryChange }]);
  const ticket = await openTicket(h, s.connectionId ?? 'local-desk', s.requester.email);
  const { verificationId, linkToken } = await sendLink(h, ticket.id, {
    connectionId: s.connectionId ?? 'local-desk',
    requestedAction: 'password_reset',
    ...(s.destination
      ? { destination: s.destination, reason: 'Caller asked for their personal address' }
      : {}),
  });
  const headers = {
    'x-simulated-source-ip': s.sourceIp ?? IPS.lisbonHome,
    'user-agent': s.userAgent ?? MAC_CHROME,
  };
  const session = await openLink(h, linkToken);
  if (s.client) {
    const posted = await call(h, 'POST', '/portal/signals', {
      token: session.sessionToken,
      body: { ...s.client, ...(s.deviceCredential ? { deviceCredential: s.deviceCredential } : {}) },
      headers,
    });
    expect(posted.status).toBe(202);
  }
  if (s.secondDevice) {
    await call(h, 'POST', '/portal/signals', {
      token: session.sessionToken,
      body: { ...atHome(), deviceHash: 'b'.repeat(64) },
      headers: { ...headers, 'x-simulated-source-ip': IPS.digitalOcean },
    });
  }
  // An attacker who read LinkedIn knows the department, the office and the start year; nothing else.
  const knowsPublicFacts = (q: { id: string }) =>
    ['department', 'office', 'start_year'].includes(q.id) ? 'right' : 'wrong';
  const how =
    s.answer === 'public-only'
      ? knowsPublicFacts
      : s.answer === 'two-then-skip'
        ? (_q: unknown, i: number) => (i < 2 ? 'right' : 'skip')
        : (s.answer ?? 'right');
  const done = await complete(h, session, how, { email: s.requester.email, headers });
  const v = await verification(h, verificationId);
  const top = (v.assessment?.reasons ?? []).filter((r) => r.points !== 0).slice(0, 3);
  table.push(
    `| ${s.name} | ${done.json.outcome} | ${v.assessment?.riskScore} | ${v.assessment?.riskLevel} | ${top.map((r) => `${r.code} (${r.points > 0 ? '+' : ''}${r.points})`).join(', ') || 'none'} |`,
  );
  return {
    outcome: done.json.outcome as string,
    v,
    codes: (v.assessment?.reasons ?? []).map((r) => r.code),
    deviceCredential: done.json.deviceCredential as string | undefined,
    ticketId: ticket.id,
  };
}

describe('verification scenarios', () => {
  it('genuine employee at home: passes', async () => {
    const r = await run({
      name: 'genuine employee at home',
      requester: person('Elena Petrova'),
      client: atHome(),
    });
    expect(r.outcome).toBe('passed');
    expect(r.v.assessment?.riskLevel).toBe('verified');
    expect(r.codes).toEqual(expect.arrayContaining(['CONTACT_ON_RECORD']));
  });

  it("the connection's score thresholds decide: the same trip is Medium where an admin set Medium from 1", async () => {
    await putConnection(h, { connectionId: 'strict-desk', mediumFrom: 1, highFrom: 5 });
    const r = await run({
      name: 'travelling abroad, connection with Medium from 1',
      requester: person('Aïcha Benali'),
      connectionId: 'strict-desk',
      sourceIp: IPS.newYorkHotel,
      client: atHome('America/New_York', ['fr-FR', 'en-US']),
    });
    expect(r.outcome).toBe('failed');
    expect(r.v.assessment).toMatchObject({ riskScore: 2, riskLevel: 'medium' });
  });

  it('genuine employee travelling abroad: passes, the unusual country noted', async () => {
    const r = await run({
      name: 'genuine employee travelling abroad',
      requester: person('Dmitri Volkov'),
      sourceIp: IPS.newYorkHotel,
      client: atHome('America/New_York', ['pt-PT', 'en-US']),
    });
    expect(r.outcome).toBe('passed');
    expect(r.codes).toContain('UNUSUAL_COUNTRY');
  });

  it('attacker on a hosting network who knows the public facts: high risk', async () => {
    const r = await run({
      name: 'attacker on a hosting ASN with the public facts',
      requester: person('Bill Henderson'),
      sourceIp: IPS.digitalOcean,
      userAgent: LINUX_FIREFOX,
      client: { webdriver: false, timeZone: 'UTC', languages: ['en-US'] },
      answer: 'public-only',
    });
    expect(r.outcome).toBe('failed');
    expect(r.v.assessment?.riskLevel).toBe('high');
    expect(r.codes).toEqual(expect.arrayContaining(['HOSTING_NETWORK', 'WRONG_ANSWERS']));
  });

  it('headless browser: automation fails it at 10', async () => {
    const r = await run({
      name: 'headless browser',
      requester: person('Margaret Nguyen'),
      userAgent: HEADLESS,
      client: { ...atHome(), webdriver: true },
    });
    expect(r.outcome).toBe('failed');
    expect(r.v.assessment?.riskScore).toBe(10);
    expect(r.codes[0]).toBe('AUTOMATION_DETECTED');
  });

  it('attacker through Tor: the refreshed exit list fails it at 10', async () => {
    // What the scheduled refresh stores (shared/use-cases/tor-exits.ts), then the portal's cache is cold.
    const others = Array.from({ length: 200 }, (_, i) => `185.220.100.${i}`);
    await h.stack.repositories.torExits.putTorExits({
      addresses: [IPS.torExit, ...others],
      fetchedAt: new Date().toISOString(),
    });
    forgetTorExits();
    const r = await run({
      name: 'attacker through Tor who knows the answers',
      requester: person('Fatima Haddad'),
      sourceIp: IPS.torExit,
      client: atHome(),
    });
    expect(r.outcome).toBe('failed');
    expect(r.v.assessment?.riskScore).toBe(10);
    expect(r.codes[0]).toBe('TOR_EXIT');
  });

  it('privileged user asking for a reset: scored on the answers, not passed without a strong proof (steps up)', async () => {
    const admin = people.find((p) => p.privileged) as DirectoryUser;
    const r = await run({ name: 'privileged user asking for a reset', requester: admin, client: atHome() });
    // The answers would pass: the manager is asked for the missing proof (test/integration/step-up.test.ts).
    expect(r.outcome).toBe('step_up');
    expect(r.v.status).toBe('step_up');
    expect(r.v.assessment?.riskScore).toBeLessThan(10);
    expect(r.codes).toEqual(expect.arrayContaining(['PRIVILEGED_ACCOUNT', 'STRONG_PROOF_MISSING']));
    expect(r.v.assessment?.assurance).toMatchObject({
      tier: 'privileged',
      required: 1,
      missing: 1,
      selfService: false,
    });
    expect(r.v.action.state).toBe('none');
  });

  it('contact changed yesterday: medium, step up', async () => {
    const r = await run({
      name: 'contact changed yesterday',
      requester: person('Nadia Rahman'),
      client: atHome(),
      directoryChange: { contactChangedAt: new Date(Date.now() - 86_400_000).toISOString() },
    });
    expect(r.outcome).toBe('failed');
    expect(r.v.assessment?.riskLevel).toBe('medium');
    expect(r.codes).toContain('CONTACT_RECENTLY_CHANGED');
  });

  it('agent-typed personal email: medium, step up', async () => {
    const r = await run({
      name: 'agent-typed personal email',
      requester: person('Sven Andersson'),
      client: atHome(),
      destination: 'sven.private@example.net',
    });
    expect(r.outcome).toBe('failed');
    expect(r.v.assessment?.riskLevel).toBe('medium');
    expect(r.codes).toContain('AGENT_TYPED_DESTINATION');
  });

  it('too few answers: not enough questions', async () => {
    const r = await run({
      name: 'too few answers',
      requester: person('Łukasz Kowalski'),
      client: atHome(),
      answer: 'two-then-skip',
    });
    expect(r.outcome).toBe('not_enough_questions');
  });

  it('second device on another network: high, the forwarded-link pattern', async () => {
    const r = await run({
      name: 'link opened on a second device',
      requester: person('Chidi Okafor'),
      client: atHome(),
      secondDevice: true,
    });
    expect(r.outcome).toBe('failed');
    expect(r.codes).toContain('SECOND_DEVICE');
    // The second device connected from a hosting network: its own network is scored too.
    const hosting = r.v.assessment?.reasons.find((x) => x.code === 'HOSTING_NETWORK');
    expect(hosting?.evidence).toMatch(/^second device: /);
  });

  describe('device continuity a page cannot forge', () => {
    // The victim passed before on their own laptop: the page's fingerprint hash is stable and computed
    // in the open, so an attacker can learn and send it. Only the server's credential may vouch.
    const victimHash = 'c'.repeat(64);
    const attacker = { ...atHome(), deviceHash: victimHash };

    it("an attacker replaying the victim's fingerprint hash, on their own typed address, fails", async () => {
      const victim = person('Łukasz Kowalski');
      const first = await run({
        name: 'victim passes on their laptop',
        requester: victim,
        client: { ...atHome(), deviceHash: victimHash },
      });
      expect(first.outcome).toBe('passed');
      expect(first.deviceCredential).toMatch(/^dc1\./);

      const forged = await run({
        name: "attacker with the victim's fingerprint hash and a typed address",
        requester: victim,
        client: attacker,
        destination: 'lukasz.private@example.net',
      });
      expect(forged.outcome).toBe('failed');
      expect(forged.codes).not.toContain('KNOWN_DEVICE');
      const seen = forged.v.assessment?.reasons.find((r) => r.code === 'DEVICE_FINGERPRINT_SEEN');
      expect(seen).toMatchObject({ points: 0, verifiedBy: 'page' });
      // Control: the same run with a fresh hash fails the same way.
      const fresh = await run({
        name: 'attacker with a fresh hash and a typed address',
        requester: victim,
        client: { ...attacker, deviceHash: 'd'.repeat(64) },
        destination: 'lukasz.private@example.net',
      });
      expect(fresh.outcome).toBe('failed');
      expect(fresh.v.assessment?.riskScore).toBe(forged.v.assessment?.riskScore);
    });

    it('the genuine returning device presents its credential and gets the credit', async () => {
      const owner = person('Zoë Martín');
      const first = await run({ name: 'first pass on a laptop', requester: owner, client: atHome() });
      expect(first.outcome).toBe('passed');
      const again = await run({
        name: 'returning device with its credential, typed address',
        requester: owner,
        client: { ...atHome(), deviceHash: 'e'.repeat(64) },
        deviceCredential: first.deviceCredential,
        destination: 'zoe.private@example.net',
      });
      expect(again.outcome).toBe('passed');
      const known = again.v.assessment?.reasons.find((r) => r.code === 'KNOWN_DEVICE');
      expect(known).toMatchObject({ points: -1, verifiedBy: 'server' });
      expect(again.v.client?.deviceCredential?.state).toBe('verified');
      // Everything else in the summary says who vouches for it too.
      expect(
        again.v.assessment?.reasons.every((r) => r.verifiedBy === 'server' || r.verifiedBy === 'page'),
      ).toBe(true);
    });

    it('"I did not ask for this" revokes the credential presented in it: it earns nothing afterwards', async () => {
      const owner = people.find((p) => p.email === 'goncalo.santos@example.com') as DirectoryUser;
      const first = await run({ name: 'pass that earns a credential', requester: owner, client: atHome() });
      const credential = first.deviceCredential;
      expect(credential).toBeDefined();
      // Someone holding that browser's credential starts a verification; the person says it is not them.
      const ticket = await openTicket(h, 'local-desk', owner.email);
      const { verificationId, linkToken } = await sendLink(h, ticket.id);
      const session = await openLink(h, linkToken);
      await call(h, 'POST', '/portal/signals', {
        token: session.sessionToken,
        body: { ...atHome(), deviceCredential: credential },
        headers: { 'x-simulated-source-ip': IPS.lisbonHome, 'user-agent': MAC_CHROME },
      });
      expect((await verification(h, verificationId)).client?.deviceCredential?.state).toBe('verified');
      const denied = await call(h, 'POST', '/portal/not-me', {
        token: session.sessionToken,
        body: { confirm: true },
      });
      expect(denied.status).toBe(200);
      const audit = (await h.stack.repositories.audit.listAudit(verificationId)).map((a) => a.action);
      expect(audit).toContain('device.credential_revoked');
      // The same credential later: refused as revoked, no credit.
      const later = await run({
        name: 'revoked credential presented again',
        requester: owner,
        client: atHome(),
        deviceCredential: credential,
      });
      expect(later.v.client?.deviceCredential).toEqual({ state: 'rejected', reason: 'revoked' });
      expect(later.codes).not.toContain('KNOWN_DEVICE');
    });

    it("someone else's credential earns nothing and adds risk", async () => {
      const owner = person('Zoë Martín');
      const mine = await run({ name: 'owner passes', requester: owner, client: atHome() });
      const borrowed = await run({
        name: "attacker presents another person's credential",
        requester: person('Łukasz Kowalski'),
        client: { ...atHome(), deviceHash: 'f'.repeat(64) },
        deviceCredential: mine.deviceCredential,
        destination: 'lukasz.other@example.net',
      });
      expect(borrowed.outcome).toBe('failed');
      expect(borrowed.codes).toContain('DEVICE_CREDENTIAL_REJECTED');
      expect(borrowed.codes).not.toContain('KNOWN_DEVICE');
    });
  });

  describe('"I did not ask for this"', () => {
    const notes = (ticketId: string) => h.stack.desk.get(ticketId)?.notes.map((n) => n.text) ?? [];

    it('ends the verification Failed at 10 with the urgent recommendation, and the ticket note says URGENT', async () => {
      const requester = person('Elena Petrova');
      const ticket = await openTicket(h, 'local-desk', requester.email);
      const { verificationId, linkToken } = await sendLink(h, ticket.id, {
        requestedAction: 'password_reset',
      });
      const session = await openLink(h, linkToken);
      const unconfirmed = await call(h, 'POST', '/portal/not-me', { token: session.sessionToken, body: {} });
      expect(unconfirmed.status).toBe(400);
      const res = await call(h, 'POST', '/portal/not-me', {
        token: session.sessionToken,
        body: { confirm: true },
      });
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ outcome: 'failed', reported: 'not_me' });
      const v = await verification(h, verificationId);
      expect(v.status).toBe('failed');
      expect(v.requesterReport).toMatchObject({ kind: 'not_me' });
      expect(v.assessment).toMatchObject({ riskScore: 10, riskLevel: 'high' });
      expect(v.assessment?.reasons[0]).toMatchObject({ code: 'REQUESTER_DENIED', verifiedBy: 'server' });
      expect(v.assessment?.recommendation).toMatch(/^URGENT/);
      expect(v.action.state).toBe('none');
      const audit = (await h.stack.repositories.audit.listAudit(verificationId)).map((a) => a.action);
      expect(audit).toContain('verification.requester_denied');
      // The lifecycle carries on as after any completion: the outcome note is written.
      await until('the outcome note', () => notes(ticket.id).some((n) => n.startsWith('URGENT')));
      const done = await finished(h, verificationId);
      expect(done.status).toBe('SUCCEEDED');
      // After the outcome: 409, and no second outcome.
      const again = await call(h, 'POST', '/portal/not-me', {
        token: session.sessionToken,
        body: { confirm: true },
      });
      expect(again.status).toBe(409);
      expect(again.json.error.code).toBe('VERIFICATION_ALREADY_COMPLETED');
      table.push('| "I did not ask for this" after opening | failed | 10 | high | REQUESTER_DENIED (+10) |');
    });

    it('works halfway through the questions, and after a pass it answers 409', async () => {
      const requester = person('Dmitri Volkov');
      const ticket = await openTicket(h, 'local-desk', requester.email);
      const { verificationId, linkToken } = await sendLink(h, ticket.id);
      const session = await openLink(h, linkToken);
      const q = await call(h, 'GET', '/portal/question', { token: session.sessionToken });
      await call(h, 'POST', '/portal/answer', {
        token: session.sessionToken,
        body: { questionId: q.json.question.id, skipped: true },
      });
      const res = await call(h, 'POST', '/portal/not-me', {
        token: session.sessionToken,
        body: { confirm: true },
      });
      expect(res.status).toBe(200);
      const v = await verification(h, verificationId);
      expect(v.assessment?.reasons[0]?.code).toBe('REQUESTER_DENIED');
      // Only the question reached is in the record: the rest were never shown to this person.
      expect(v.assessment?.reasons.find((r) => r.code === 'SKIPPED_QUESTIONS')?.evidence).toBe(
        '1 of 1 skipped',
      );

      // After a pass there is nothing left to deny on this link: 409, the pass stands. (The demo
      // requester, whose record always holds enough private facts for an email pass.)
      const passer = person('Zoë Martín');
      const other = await openTicket(h, 'local-desk', passer.email);
      const sent = await sendLink(h, other.id);
      const passing = await openLink(h, sent.linkToken);
      const done = await complete(h, passing, 'right', { email: passer.email });
      expect(done.json.outcome).toBe('passed');
      const late = await call(h, 'POST', '/portal/not-me', {
        token: passing.sessionToken,
        body: { confirm: true },
      });
      expect(late.status).toBe(409);
      expect((await verification(h, sent.verificationId)).status).toBe('passed');
    });
  });

  describe('feedback', () => {
    it('is taken once after the outcome, with the comment kept off the audit', async () => {
      const requester = person('Margaret Nguyen');
      const ticket = await openTicket(h, 'local-desk', requester.email);
      const { verificationId, linkToken } = await sendLink(h, ticket.id);
      const session = await openLink(h, linkToken);
      const early = await call(h, 'POST', '/portal/feedback', {
        token: session.sessionToken,
        body: { difficulty: 'easy' },
      });
      expect(early.status).toBe(409);
      expect(early.json.error.code).toBe('VERIFICATION_NOT_COMPLETED');
      await complete(h, session, 'right', { email: requester.email });
      const tooLong = await call(h, 'POST', '/portal/feedback', {
        token: session.sessionToken,
        body: { difficulty: 'hard', comment: 'x'.repeat(501) },
      });
      expect(tooLong.status).toBe(400);
      const bad = await call(h, 'POST', '/portal/feedback', {
        token: session.sessionToken,
        body: { difficulty: 'meh' },
      });
      expect(bad.status).toBe(400);
      const comment = 'The manager question was hard: my manager changed last week';
      const res = await call(h, 'POST', '/portal/feedback', {
        token: session.sessionToken,
        body: { difficulty: 'hard', comment },
      });
      expect(res.status).toBe(201);
      const v = await verification(h, verificationId);
      expect(v.feedback).toMatchObject({ difficulty: 'hard', comment });
      const second = await call(h, 'POST', '/portal/feedback', {
        token: session.sessionToken,
        body: { difficulty: 'easy' },
      });
      expect(second.status).toBe(409);
      expect(second.json.error.code).toBe('FEEDBACK_ALREADY_LEFT');
      const events = (await h.stack.repositories.audit.listAudit(verificationId)).filter(
        (a) => a.action === 'verification.feedback',
      );
      expect(events).toHaveLength(1);
      expect(events[0]?.details).toEqual({ difficulty: 'hard', comment: true });
      expect(JSON.stringify(events)).not.toContain('manager changed');
    });
  });

  it('link expired: refused, nothing scored', async () => {
    const requester = person('François Dubois');
    const ticket = await openTicket(h, 'short', requester.email);
    const { verificationId, linkToken } = await sendLink(h, ticket.id, { connectionId: 'short' });
    await until('timed out', async () =>
      (await verification(h, verificationId)).status === 'timed_out' ? true : undefined,
    );
    const late = await call(h, 'GET', '/portal/session', { token: linkToken });
    expect(late.json.error.code).toBe('LINK_EXPIRED');
    table.push('| link expired | timed_out (410 LINK_EXPIRED) | - | - | - |');
  });

  it('link replayed after completion: refused', async () => {
    const requester = person('Zoë Martín');
    const ticket = await openTicket(h, 'local-desk', requester.email);
    const { linkToken } = await sendLink(h, ticket.id);
    const session = await openLink(h, linkToken);
    await complete(h, session, 'right', { email: requester.email });
    const replay = await call(h, 'GET', '/portal/session', { token: linkToken });
    expect(replay.status).toBe(410);
    expect(replay.json.error.code).toBe('LINK_ALREADY_USED');
    const again = await call(h, 'POST', '/portal/complete', { token: session.sessionToken, body: {} });
    expect(again.status).toBe(409);
    const late = await call(h, 'GET', '/portal/question', { token: session.sessionToken });
    expect(late.status).toBe(409);
    expect(again.json.error.code).toBe('VERIFICATION_ALREADY_COMPLETED');
    table.push('| link replayed after completion | 410 LINK_ALREADY_USED, 409 on resubmit | - | - | - |');
  });
});
