/**
 * DuoPush against the documented Duo Auth API v2 exchanges (preauth, auth with factor=push and
 * async=1, auth_status): a local server answers with the documented shapes and records every
 * request. The signature is checked against a vector computed here, independently, from the
 * canonical string as Duo's docs lay it out (date, method, host, path, sorted RFC 3986 params,
 * joined by newlines; hex HMAC-SHA512 under the secret key; Basic ikey:signature).
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DuoPush } from '../../../shared/adapters/push/duo.js';
import {
  AuthenticatorPushPermanentError,
  AuthenticatorPushRetryableError,
} from '../../../shared/adapters/push/errors.js';
import type { PushFactor } from '../../../shared/ports/authenticator-push.js';
import { caught, type Recorded, type Reply, recorder } from './recorder.js';

const IKEY = 'DIWJ8X6AEYOR5OMC6TQ1';
const SKEY = 'Zh5eGmUq9zpfQnyUIu5OL9iWoMMv5ZNmk3zLJ4Ep';
const HOST = 'api-xxxxxxxx.duosecurity.com';
const DATE = 'Tue, 21 Aug 2012 17:29:18 -0000';
const NOW = Date.parse('2012-08-21T17:29:18Z');
const DEVICE = 'DPFZRS9FB0D46QFTM891';
const TXID = '45f7c92b-f45f-4862-8545-e0f58e78075a';
const person = { userId: 'u-zoe', email: 'zoe.martin@example.com' };
const REASON = 'Helpdesk Verify: ticket INC0012345, password reset';
const factor: PushFactor = { factorId: DEVICE, vendor: 'duo', numberChallenge: false };

const ok = (response: unknown): Reply => ({ status: 200, body: { stat: 'OK', response } });
const fail = (status: number, code: number, message: string, detail?: string): Reply => ({
  status,
  body: { stat: 'FAIL', code, message, ...(detail ? { message_detail: detail } : {}) },
});

/** preauth as documented: result auth with the user's devices (phone numbers masked by Duo). */
const PREAUTH_AUTH = {
  result: 'auth',
  status_msg: 'Account is active',
  devices: [
    {
      device: 'DPHONEONLY0000000001',
      type: 'phone',
      number: 'XXX-XXX-0100',
      name: 'desk phone',
      capabilities: ['phone'],
    },
    {
      device: DEVICE,
      type: 'phone',
      number: 'XXX-XXX-0199',
      name: '',
      capabilities: ['auto', 'push', 'sms', 'phone', 'mobile_otp'],
    },
  ],
};

function adapter(url: string, options: Partial<ConstructorParameters<typeof DuoPush>[0]> = {}) {
  return new DuoPush({
    apiHost: HOST,
    baseUrl: url,
    credentials: async () => ({ ikey: IKEY, skey: SKEY }),
    timeoutMs: 1_000,
    now: () => NOW,
    sleep: async () => undefined,
    ...options,
  });
}

/** The Basic credentials of a recorded request. */
function basic(req: Recorded): { ikey: string; signature: string } {
  const [scheme, value = ''] = String(req.headers.authorization).split(' ');
  expect(scheme).toBe('Basic');
  const [ikey = '', signature = ''] = Buffer.from(value, 'base64').toString('utf8').split(':');
  return { ikey, signature };
}

const hmac512 = (canonical: string) => createHmac('sha512', SKEY).update(canonical).digest('hex');

describe('Duo request signing', () => {
  it('signs POST /auth/v2/auth exactly as the documented canonical string, and sends what it signed', async () => {
    const server = await recorder(() => ok({ txid: TXID }));

    await adapter(server.url).startPush(person, factor, { reason: REASON });

    const [req] = server.requests as [Recorded];
    // Written out by hand from the docs: RFC 3986 encoding (%20 for a space, %40 for @), sorted names.
    const canonical = [
      DATE,
      'POST',
      HOST,
      '/auth/v2/auth',
      'async=1' +
        `&device=${DEVICE}` +
        '&factor=push' +
        '&pushinfo=reason%3DHelpdesk%2520Verify%253A%2520ticket%2520INC0012345%252C%2520password%2520reset' +
        '&type=Helpdesk%20Verify' +
        '&username=zoe.martin%40example.com',
    ].join('\n');
    expect(req.headers.date).toBe(DATE);
    const { ikey, signature } = basic(req);
    expect(ikey).toBe(IKEY);
    expect(signature).toMatch(/^[0-9a-f]{128}$/);
    expect(signature).toBe(hmac512(canonical));
    // Negative: one changed parameter (another device) gives another signature.
    expect(signature).not.toBe(hmac512(canonical.replace(DEVICE, 'DOTHERDEVICE00000000')));
    // Negative: SHA-1 (the legacy scheme) is not what is sent.
    expect(signature).not.toBe(createHmac('sha1', SKEY).update(canonical).digest('hex'));
    // The body carries the same parameters, form-encoded.
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/auth/v2/auth');
    expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(req.body))).toEqual({
      async: '1',
      device: DEVICE,
      factor: 'push',
      pushinfo: 'reason=Helpdesk%20Verify%3A%20ticket%20INC0012345%2C%20password%20reset',
      type: 'Helpdesk Verify',
      username: 'zoe.martin@example.com',
    });
    expect(
      decodeURIComponent(
        new URLSearchParams(new URLSearchParams(req.body).get('pushinfo') ?? '').get('reason') ?? '',
      ),
    ).toBe(REASON);
  });

  it('signs GET /auth/v2/auth_status over its query parameters, which it sends encoded the same way', async () => {
    const server = await recorder(() =>
      ok({ result: 'waiting', status: 'pushed', status_msg: 'Pushed a login request to your device...' }),
    );

    await adapter(server.url).pollPush(person, factor, TXID);

    const [req] = server.requests as [Recorded];
    expect(req.method).toBe('GET');
    expect(req.path).toBe('/auth/v2/auth_status');
    expect(req.query).toBe(`txid=${TXID}`);
    expect(req.body).toBe('');
    const canonical = [DATE, 'GET', HOST, '/auth/v2/auth_status', `txid=${TXID}`].join('\n');
    expect(basic(req).signature).toBe(hmac512(canonical));
    expect(basic(req).signature).not.toBe(hmac512(canonical.replace(TXID, `${TXID.slice(0, -1)}b`)));
  });

  it('lower-cases the host and signs the host configured, not where the request went', async () => {
    const server = await recorder(() => ok(PREAUTH_AUTH));
    await adapter(server.url, { apiHost: 'API-XXXXXXXX.DuoSecurity.com' }).findPushFactor(person);
    const [req] = server.requests as [Recorded];
    const canonical = [DATE, 'POST', HOST, '/auth/v2/preauth', 'username=zoe.martin%40example.com'].join(
      '\n',
    );
    expect(basic(req).signature).toBe(hmac512(canonical));
  });
});

describe('DuoPush.findPushFactor (preauth)', () => {
  it('picks the first device with the push capability', async () => {
    const server = await recorder(() => ok(PREAUTH_AUTH));
    expect(await adapter(server.url).findPushFactor(person)).toEqual(factor);
    const [req] = server.requests as [Recorded];
    expect(req.path).toBe('/auth/v2/preauth');
    expect(Object.fromEntries(new URLSearchParams(req.body))).toEqual({ username: 'zoe.martin@example.com' });
  });

  it('uses the configured username', async () => {
    const server = await recorder(() => ok(PREAUTH_AUTH));
    await adapter(server.url, { username: (p) => p.email.split('@')[0] ?? '' }).findPushFactor(person);
    expect(new URLSearchParams((server.requests[0] as Recorded).body).get('username')).toBe('zoe.martin');
  });

  it.each([
    [
      'enroll (not enrolled)',
      {
        result: 'enroll',
        status_msg: 'Enroll an authentication device to proceed',
        enroll_portal_url:
          'https://api-xxxxxxxx.duosecurity.com/portal?code=48bac5d9393fb2c2&akey=DAKXXXXXXXXXXXXXXXXX',
      },
    ],
    ['allow (bypass proves nothing)', { result: 'allow', status_msg: 'Allowing unknown user' }],
    ['deny', { result: 'deny', status_msg: 'Login request denied.' }],
    ['auth without a push device', { ...PREAUTH_AUTH, devices: PREAUTH_AUTH.devices.slice(0, 1) }],
  ])('is undefined on %s', async (_name, response) => {
    const server = await recorder(() => ok(response));
    expect(await adapter(server.url).findPushFactor(person)).toBeUndefined();
  });
});

describe('DuoPush.startPush and pollPush', () => {
  it('returns the txid and an expiry pushLifetimeSeconds ahead', async () => {
    const server = await recorder(() => ok({ txid: TXID }));
    expect(
      await adapter(server.url, { pushLifetimeSeconds: 45 }).startPush(person, factor, { reason: REASON }),
    ).toEqual({
      transactionId: TXID,
      expiresAt: new Date(NOW + 45_000).toISOString(),
    });
  });

  it.each([
    [
      { result: 'waiting', status: 'pushed', status_msg: 'Pushed a login request to your device...' },
      'waiting',
    ],
    [{ result: 'allow', status: 'allow', status_msg: 'Success. Logging you in...' }, 'approved'],
    [{ result: 'deny', status: 'deny', status_msg: 'Login request denied.' }, 'rejected'],
    [{ result: 'deny', status: 'fraud', status_msg: 'Reported as fraudulent.' }, 'rejected'],
    [{ result: 'deny', status: 'timeout', status_msg: 'Login timed out.' }, 'timed_out'],
  ])('auth_status %o is %s', async (response, result) => {
    const server = await recorder(() => ok(response));
    expect(await adapter(server.url).pollPush(person, factor, TXID)).toEqual({ result });
  });

  it('a long-poll held past pollTimeoutMs is waiting', async () => {
    const server = await recorder(() => 'hang');
    expect(await adapter(server.url, { pollTimeoutMs: 100 }).pollPush(person, factor, TXID)).toEqual({
      result: 'waiting',
    });
  });

  it('a preauth that hangs is unreachable, not waiting', async () => {
    const server = await recorder(() => 'hang');
    const error = (await caught(
      adapter(server.url, { timeoutMs: 100 }).findPushFactor(person),
    )) as AuthenticatorPushRetryableError;
    expect(error).toBeInstanceOf(AuthenticatorPushRetryableError);
    expect(error.code).toBe('unreachable');
  });
});

describe('DuoPush failures', () => {
  it('401 invalid signature: credentials refused, permanent, no secret or detail in the message', async () => {
    const server = await recorder(() =>
      fail(401, 40103, 'Invalid signature in request credentials', `zoe.martin@example.com ${SKEY}`),
    );
    const error = (await caught(
      adapter(server.url).findPushFactor(person),
    )) as AuthenticatorPushPermanentError;
    expect(error).toBeInstanceOf(AuthenticatorPushPermanentError);
    expect(error.code).toBe('credentials_refused');
    expect(error.message).toContain('40103');
    expect(error.message).not.toContain(SKEY);
    expect(error.message).not.toContain('zoe.martin');
  });

  it('429 (42901) is retryable', async () => {
    const server = await recorder(() => fail(429, 42901, 'Too Many Requests'));
    const error = (await caught(
      adapter(server.url).startPush(person, factor, { reason: REASON }),
    )) as AuthenticatorPushRetryableError;
    expect(error).toBeInstanceOf(AuthenticatorPushRetryableError);
    expect(error.code).toBe('rate_limited');
  });

  it('5xx is retryable', async () => {
    const server = await recorder(() => ({ status: 502, body: '<html>bad gateway</html>' }));
    expect(
      ((await caught(adapter(server.url).pollPush(person, factor, TXID))) as AuthenticatorPushRetryableError)
        .code,
    ).toBe('vendor_unavailable');
  });

  it('400 invalid parameters is a permanent refusal', async () => {
    const server = await recorder(() => fail(400, 40002, 'Invalid request parameters', 'device'));
    const error = (await caught(
      adapter(server.url).startPush(person, factor, { reason: REASON }),
    )) as AuthenticatorPushPermanentError;
    expect(error.code).toBe('request_refused');
    expect(error.status).toBe(400);
  });

  it('stat FAIL with a 200 is a refusal, never a success', async () => {
    const server = await recorder(() => fail(200, 40002, 'Invalid request parameters'));
    const error = (await caught(
      adapter(server.url).findPushFactor(person),
    )) as AuthenticatorPushPermanentError;
    expect(error).toBeInstanceOf(AuthenticatorPushPermanentError);
    expect(error.code).toBe('request_refused');
  });

  it('an OK without a txid is a bad response', async () => {
    const server = await recorder(() => ok({}));
    expect(
      (
        (await caught(
          adapter(server.url).startPush(person, factor, { reason: REASON }),
        )) as AuthenticatorPushPermanentError
      ).code,
    ).toBe('bad_response');
  });

  it('missing keys are refused before any request', async () => {
    const server = await recorder(() => ok(PREAUTH_AUTH));
    const error = (await caught(
      adapter(server.url, { credentials: async () => ({ ikey: IKEY, skey: '' }) }).findPushFactor(person),
    )) as AuthenticatorPushPermanentError;
    expect(error.code).toBe('misconfigured');
    expect(server.requests).toHaveLength(0);
  });
});
