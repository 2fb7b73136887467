/**
 * Push to the enrolled authenticator, each real adapter against its local simulator: the stack's
 * Okta Verify and Duo simulators, answered through the gateway's dev push page (the Approve / Deny
 * buttons a developer presses), and a push nobody answers, against a simulator with a short push
 * lifetime so the vendor's timeout arrives within the test.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { DuoSimulator } from '../../local/simulators/duo.js';
import { OktaVerifySimulator } from '../../local/simulators/okta-verify.js';
import { DuoPush } from '../../shared/adapters/push/duo.js';
import { OktaVerifyPush } from '../../shared/adapters/push/okta-verify.js';
import {
  type AuthenticatorPush,
  isFinalPushResult,
  type PushPerson,
  type PushResult,
} from '../../shared/ports/authenticator-push.js';
import { type Harness, sharedHarness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await sharedHarness();
});

const REASON = 'Helpdesk Verify: ticket INC0012345, password reset';

function oktaAdapter(sim: OktaVerifySimulator, url: string) {
  return new OktaVerifyPush({ orgUrl: url, credentials: async () => sim.apiToken, timeoutMs: 5_000 });
}

function duoAdapter(sim: DuoSimulator, url: string) {
  return new DuoPush({
    apiHost: new URL(url).host,
    baseUrl: url,
    credentials: async () => ({ ikey: sim.ikey, skey: sim.skey }),
    pollTimeoutMs: 2_000,
  });
}

/** A person of this file's own, enrolled in both simulators. */
function newPerson(okta: OktaVerifySimulator, duo: DuoSimulator, push = true): PushPerson {
  const person = {
    userId: `00u${randomBytes(8).toString('hex')}`,
    email: `it-${randomBytes(4).toString('hex')}@example.com`,
  };
  okta.enroll(person.userId, { push });
  duo.enroll(person.email, { push });
  return person;
}

/** Polls as the lifecycle's bounded loop will: until a final result, at most `bound` ms. */
async function pollUntilFinal(
  push: AuthenticatorPush,
  person: PushPerson,
  transactionId: string,
  bound = 20_000,
) {
  const factor = await push.findPushFactor(person);
  if (!factor) throw new Error('no push factor');
  const deadline = Date.now() + bound;
  let result: PushResult = 'waiting';
  while (!isFinalPushResult(result) && Date.now() < deadline) {
    result = (await push.pollPush(person, factor, transactionId)).result;
    if (!isFinalPushResult(result)) await new Promise((r) => setTimeout(r, 200));
  }
  return result;
}

/** Presses a button on the dev push page, as a developer would. */
async function press(simulator: string, transactionId: string, button: 'approve' | 'deny') {
  const response = await fetch(`${h.stack.urls.push}/${simulator}/${transactionId}/${button}`, {
    method: 'POST',
    redirect: 'manual',
  });
  expect(response.status).toBe(303);
  expect(response.headers.get('location')).toBe('/_dev/push');
}

const vendors = [
  {
    name: 'Okta Verify',
    key: 'okta-verify',
    stackAdapter: () => oktaAdapter(h.stack.oktaVerify, h.stack.urls.oktaVerify),
  },
  { name: 'Duo', key: 'duo', stackAdapter: () => duoAdapter(h.stack.duo, h.stack.urls.duo) },
];

describe.each(vendors)('$name push against the local stack’s simulator', ({ key, stackAdapter }) => {
  it.each([
    ['approve', 'approved'],
    ['deny', 'rejected'],
  ] as const)('a push answered %s on the dev page is %s', async (button, expected) => {
    const person = newPerson(h.stack.oktaVerify, h.stack.duo);
    const push = stackAdapter();
    const factor = await push.findPushFactor(person);
    expect(factor).toBeDefined();
    if (!factor) return;
    const started = await push.startPush(person, factor, { reason: REASON });
    expect(Date.parse(started.expiresAt)).toBeGreaterThan(Date.now());
    if (key === 'okta-verify') expect(started.correctAnswer).toMatch(/^\d{2}$/);
    expect((await push.pollPush(person, factor, started.transactionId)).result).toBe('waiting');

    // The dev page lists it (with the reason where the vendor shows one, the number to tap where offered).
    const page = await (await fetch(h.stack.urls.push)).text();
    expect(page).toContain(started.transactionId);
    const listed = (await (await fetch(`${h.stack.urls.push}.json`)).json()) as {
      simulator: string;
      pending: { transactionId: string; reason?: string; correctAnswer?: string }[];
    }[];
    const pending = listed
      .find((s) => s.simulator === key)
      ?.pending.find((p) => p.transactionId === started.transactionId);
    expect(pending).toBeDefined();
    if (key === 'duo') expect(pending?.reason).toBe(REASON);
    else expect(pending?.correctAnswer).toBe(started.correctAnswer);

    await press(key, started.transactionId, button);

    expect(await pollUntilFinal(push, person, started.transactionId)).toBe(expected);
    // Answered once: the page no longer offers it, and a second press finds nothing.
    expect(await (await fetch(h.stack.urls.push)).text()).not.toContain(started.transactionId);
    const again = await fetch(`${h.stack.urls.push}/${key}/${started.transactionId}/approve`, {
      method: 'POST',
      redirect: 'manual',
    });
    expect(again.status).toBe(404);
  });

  it('finds no push factor for a person enrolled without one', async () => {
    const person = newPerson(h.stack.oktaVerify, h.stack.duo, false);
    expect(await stackAdapter().findPushFactor(person)).toBeUndefined();
  });
});

describe('a push nobody answers times out', () => {
  it.each(['okta', 'duo'] as const)('%s', async (vendor) => {
    const okta = new OktaVerifySimulator({ pushLifetimeMs: 1_500 });
    const duo = new DuoSimulator({ pushLifetimeMs: 1_500, longPollMs: 500 });
    const urls = { okta: await okta.listen(0), duo: await duo.listen(0) };
    try {
      const person = newPerson(okta, duo);
      const push = vendor === 'okta' ? oktaAdapter(okta, urls.okta) : duoAdapter(duo, urls.duo);
      const factor = await push.findPushFactor(person);
      if (!factor) throw new Error('no push factor');
      const { transactionId } = await push.startPush(person, factor, { reason: REASON });

      expect(await pollUntilFinal(push, person, transactionId, 10_000)).toBe('timed_out');
      expect(okta.answer(transactionId, true) || duo.answer(transactionId, true)).toBe(false);
    } finally {
      await okta.stop();
      await duo.stop();
    }
  });
});

describe('the simulators refuse what the vendors refuse', () => {
  it('a wrong Okta token and a wrong Duo secret key are credentials_refused', async () => {
    const okta = new OktaVerifyPush({
      orgUrl: h.stack.urls.oktaVerify,
      credentials: async () => '00wrongtoken',
    });
    const duo = new DuoPush({
      apiHost: new URL(h.stack.urls.duo).host,
      baseUrl: h.stack.urls.duo,
      credentials: async () => ({ ikey: h.stack.duo.ikey, skey: 'not-the-secret-key' }),
    });
    const person = newPerson(h.stack.oktaVerify, h.stack.duo);
    await expect(okta.findPushFactor(person)).rejects.toMatchObject({ code: 'credentials_refused' });
    await expect(duo.findPushFactor(person)).rejects.toMatchObject({ code: 'credentials_refused' });
  });
});
