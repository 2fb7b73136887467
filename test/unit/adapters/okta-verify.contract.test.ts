/**
 * OktaVerifyPush against the documented Okta Factors API exchanges (list factors, verify a push
 * factor, retrieve a factor transaction status): a local server answers with the documented shapes
 * and records every request, so these tests pin method, path, headers and body, and how answers
 * and failures map to the port.
 */
import { describe, expect, it } from 'vitest';
import {
  AuthenticatorPushPermanentError,
  AuthenticatorPushRetryableError,
} from '../../../shared/adapters/push/errors.js';
import { OktaVerifyPush } from '../../../shared/adapters/push/okta-verify.js';
import type { PushFactor } from '../../../shared/ports/authenticator-push.js';
import { caught, type Recorded, type Reply, recorder } from './recorder.js';

const API_TOKEN = '00aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789-_fake';
const USER_ID = '00u1zoe4Hc8Wq2Rt50h8';
const PUSH_ID = 'opf3hkfocI4JTLAju0g4';
const TX_ID = 'v2mst.GldKV5VxTrifyeZmWSQguA';
const NOW = 1_772_442_000_000;
const person = { userId: USER_ID, email: 'zoe.martin@example.com' };
const REASON = 'Helpdesk Verify: ticket INC0012345, password reset';

/** GET /api/v1/users/{id}/factors as documented: a list of UserFactor objects. */
const FACTORS = [
  {
    id: 'mbl1nz9JHJGHWRKMTLHP',
    factorType: 'sms',
    provider: 'OKTA',
    status: 'ACTIVE',
    profile: { phoneNumber: '+1-555-415-1337' },
  },
  { id: 'opfINACTIVE000000000', factorType: 'push', provider: 'OKTA', status: 'PENDING_ACTIVATION' },
  { id: 'opfSYMANTEC000000000', factorType: 'push', provider: 'SYMANTEC', status: 'ACTIVE' },
  {
    id: PUSH_ID,
    factorType: 'push',
    provider: 'OKTA',
    vendorName: 'OKTA',
    status: 'ACTIVE',
    created: '2026-01-10T09:00:00.000Z',
    lastUpdated: '2026-01-10T09:00:00.000Z',
    profile: {
      credentialId: 'zoe.martin@example.com',
      deviceType: 'SmartPhone_IPhone',
      name: 'Zoë’s iPhone',
      platform: 'IOS',
      version: '17.2',
    },
  },
];

const verifyAnswer = (base: string, challenge?: number): Reply => ({
  status: 201,
  body: {
    expiresAt: '2026-03-02T09:05:00.000Z',
    factorResult: 'WAITING',
    profile: { credentialId: 'zoe.martin@example.com' },
    _links: {
      cancel: {
        href: `${base}/api/v1/users/${USER_ID}/factors/${PUSH_ID}/transactions/${TX_ID}`,
        hints: { allow: ['DELETE'] },
      },
      poll: {
        href: `${base}/api/v1/users/${USER_ID}/factors/${PUSH_ID}/transactions/${TX_ID}`,
        hints: { allow: ['GET'] },
      },
    },
    ...(challenge === undefined ? {} : { _embedded: { challenge: { correctAnswer: challenge } } }),
  },
});

const oktaError = (
  status: number,
  errorCode: string,
  errorSummary: string,
  headers?: Record<string, string>,
): Reply => ({
  status,
  headers,
  body: { errorCode, errorSummary, errorLink: errorCode, errorId: 'oaeXyZ123', errorCauses: [] },
});

function adapter(url: string, options: Partial<ConstructorParameters<typeof OktaVerifyPush>[0]> = {}) {
  const sleeps: number[] = [];
  const push = new OktaVerifyPush({
    orgUrl: `${url}/`,
    credentials: async () => API_TOKEN,
    timeoutMs: 1_000,
    now: () => NOW,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...options,
  });
  return { push, sleeps };
}

const factor: PushFactor = { factorId: PUSH_ID, vendor: 'okta_verify', numberChallenge: true };

describe('OktaVerifyPush.findPushFactor', () => {
  it('lists the user’s factors with the API token and picks the ACTIVE OKTA push factor', async () => {
    const server = await recorder(() => ({ status: 200, body: FACTORS }));
    const { push } = adapter(server.url);

    const found = await push.findPushFactor(person);

    expect(found).toEqual({ factorId: PUSH_ID, vendor: 'okta_verify', numberChallenge: true });
    expect(server.requests).toHaveLength(1);
    const [req] = server.requests as [Recorded];
    expect(req.method).toBe('GET');
    expect(req.path).toBe(`/api/v1/users/${USER_ID}/factors`);
    expect(req.query).toBe('');
    expect(req.headers.authorization).toBe(`SSWS ${API_TOKEN}`);
    expect(req.headers.accept).toBe('application/json');
    expect(req.body).toBe('');
  });

  it('is undefined when no push factor is enrolled (only SMS, inactive or another provider)', async () => {
    const server = await recorder(() => ({ status: 200, body: FACTORS.slice(0, 3) }));
    expect(await adapter(server.url).push.findPushFactor(person)).toBeUndefined();
  });

  it('is undefined for a user Okta does not know (404)', async () => {
    const server = await recorder(() =>
      oktaError(404, 'E0000007', 'Not found: Resource not found: 00u1zoe4Hc8Wq2Rt50h8 (User)'),
    );
    expect(await adapter(server.url).push.findPushFactor(person)).toBeUndefined();
  });

  it('refuses an id that would change the path, without calling Okta', async () => {
    const server = await recorder(() => ({ status: 200, body: FACTORS }));
    const error = await caught(adapter(server.url).push.findPushFactor({ ...person, userId: '../../apps' }));
    expect(error).toBeInstanceOf(AuthenticatorPushPermanentError);
    expect(server.requests).toHaveLength(0);
  });
});

describe('OktaVerifyPush.startPush', () => {
  it('POSTs verify with a number matching challenge and a User-Agent; returns the transaction and the answer', async () => {
    const server = await recorder((_req, { base }) => verifyAnswer(base, 72));
    const { push } = adapter(server.url);

    const started = await push.startPush(person, factor, { reason: REASON });

    expect(started).toEqual({
      transactionId: TX_ID,
      expiresAt: '2026-03-02T09:05:00.000Z',
      correctAnswer: '72',
    });
    const [req] = server.requests as [Recorded];
    expect(req.method).toBe('POST');
    expect(req.path).toBe(`/api/v1/users/${USER_ID}/factors/${PUSH_ID}/verify`);
    expect(req.headers.authorization).toBe(`SSWS ${API_TOKEN}`);
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['user-agent']).toBe('HelpdeskVerify/1.0');
    expect(JSON.parse(req.body)).toEqual({ useNumberMatchingChallenge: true });
  });

  it('sends no body for a standard push', async () => {
    const server = await recorder((_req, { base }) => verifyAnswer(base));
    const { push } = adapter(server.url, { numberChallenge: false });
    const started = await push.startPush(person, { ...factor, numberChallenge: false }, { reason: REASON });

    expect(started.correctAnswer).toBeUndefined();
    const [verify] = server.requests as [Recorded];
    expect(verify.body).toBe('');
    expect(verify.headers['content-type']).toBeUndefined();
  });

  it('refuses a 201 without a poll link', async () => {
    const server = await recorder(() => ({ status: 201, body: { factorResult: 'WAITING' } }));
    const error = await caught(adapter(server.url).push.startPush(person, factor, { reason: REASON }));
    expect(error).toBeInstanceOf(AuthenticatorPushPermanentError);
    expect((error as AuthenticatorPushPermanentError).code).toBe('bad_response');
  });
});

describe('OktaVerifyPush.pollPush', () => {
  it.each([
    ['WAITING', 'waiting'],
    ['SUCCESS', 'approved'],
    ['REJECTED', 'rejected'],
    ['TIMEOUT', 'timed_out'],
  ])('maps factorResult %s to %s', async (factorResult, result) => {
    const server = await recorder(() => ({
      status: 200,
      body: { factorResult, expiresAt: '2026-03-02T09:05:00.000Z' },
    }));
    const status = await adapter(server.url).push.pollPush(person, factor, TX_ID);
    expect(status).toEqual({ result });
    const [req] = server.requests as [Recorded];
    expect(req.method).toBe('GET');
    expect(req.path).toBe(`/api/v1/users/${USER_ID}/factors/${PUSH_ID}/transactions/${TX_ID}`);
    expect(req.headers.authorization).toBe(`SSWS ${API_TOKEN}`);
  });

  it('passes on the number challenge’s answer while waiting', async () => {
    const server = await recorder(() => ({
      status: 200,
      body: { factorResult: 'WAITING', _embedded: { challenge: { correctAnswer: 38 } } },
    }));
    expect(await adapter(server.url).push.pollPush(person, factor, TX_ID)).toEqual({
      result: 'waiting',
      correctAnswer: '38',
    });
  });

  it('refuses an undocumented factorResult', async () => {
    const server = await recorder(() => ({ status: 200, body: { factorResult: 'MAYBE' } }));
    expect((await caught(adapter(server.url).push.pollPush(person, factor, TX_ID))).name).toBe(
      'AuthenticatorPushPermanentError',
    );
  });
});

describe('OktaVerifyPush failures', () => {
  it('401: credentials refused, permanent, with no token or summary in the message', async () => {
    const server = await recorder(() =>
      oktaError(401, 'E0000011', `Invalid token provided ${API_TOKEN} zoe.martin@example.com`),
    );
    const error = (await caught(
      adapter(server.url).push.findPushFactor(person),
    )) as AuthenticatorPushPermanentError;
    expect(error).toBeInstanceOf(AuthenticatorPushPermanentError);
    expect(error.code).toBe('credentials_refused');
    expect(error.status).toBe(401);
    expect(error.message).toContain('E0000011');
    expect(error.message).not.toContain(API_TOKEN);
    expect(error.message).not.toContain('zoe.martin');
    expect(server.requests).toHaveLength(1); // an API token does not refresh: no second try
  });

  it('403: forbidden, saying what the admin needs', async () => {
    const server = await recorder(() => oktaError(403, 'E0000006', 'You do not have permission'));
    const error = (await caught(
      adapter(server.url).push.startPush(person, factor, { reason: REASON }),
    )) as AuthenticatorPushPermanentError;
    expect(error.code).toBe('forbidden');
    expect(error.hint).toContain('okta.users.manage');
  });

  it('429 with a short X-Rate-Limit-Reset is waited out once, then succeeds', async () => {
    const server = await recorder((_req, { index }) =>
      index === 0
        ? oktaError(429, 'E0000047', 'API call exceeded rate limit', {
            'x-rate-limit-reset': String(NOW / 1000 + 2),
          })
        : { status: 200, body: { factorResult: 'SUCCESS' } },
    );
    const { push, sleeps } = adapter(server.url);
    expect(await push.pollPush(person, factor, TX_ID)).toEqual({ result: 'approved' });
    expect(sleeps).toEqual([2000]);
    expect(server.requests).toHaveLength(2);
  });

  it('429 with a long wait is retryable, carrying the wait', async () => {
    const server = await recorder(() =>
      oktaError(429, 'E0000047', 'API call exceeded rate limit', {
        'x-rate-limit-reset': String(NOW / 1000 + 40),
      }),
    );
    const error = (await caught(
      adapter(server.url).push.pollPush(person, factor, TX_ID),
    )) as AuthenticatorPushRetryableError;
    expect(error).toBeInstanceOf(AuthenticatorPushRetryableError);
    expect(error.code).toBe('rate_limited');
    expect(error.retryAfterSeconds).toBe(40);
    expect(server.requests).toHaveLength(1);
  });

  it('5xx is retryable', async () => {
    const server = await recorder(() => oktaError(503, 'E0000009', 'Internal Server Error'));
    const error = (await caught(
      adapter(server.url).push.findPushFactor(person),
    )) as AuthenticatorPushRetryableError;
    expect(error).toBeInstanceOf(AuthenticatorPushRetryableError);
    expect(error.code).toBe('vendor_unavailable');
  });

  it('no answer within the timeout is retryable (unreachable)', async () => {
    const server = await recorder(() => 'hang');
    const error = (await caught(
      adapter(server.url, { timeoutMs: 100 }).push.findPushFactor(person),
    )) as AuthenticatorPushRetryableError;
    expect(error.code).toBe('unreachable');
    expect(error.reason).toBe('TimeoutError');
  });

  it('a token that is not one is refused before any request', async () => {
    const server = await recorder(() => ({ status: 200, body: FACTORS }));
    const error = (await caught(
      adapter(server.url, { credentials: async () => 'two words' }).push.findPushFactor(person),
    )) as AuthenticatorPushPermanentError;
    expect(error.code).toBe('misconfigured');
    expect(server.requests).toHaveLength(0);
  });
});
