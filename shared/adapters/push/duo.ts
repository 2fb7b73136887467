/**
 * Duo Push through the Duo Auth API v2, as an Auth API application (integration key, secret key,
 * API hostname from the Duo Admin Panel). Every request is signed (duo-signature.ts).
 *
 * - findPushFactor: POST /auth/v2/preauth `username`: `result` auth (the person must complete a
 *   second factor: the first device whose `capabilities` include `push` is the factor), allow (Duo
 *   lets them through without one: a bypass proves nothing), deny (refused), enroll (not enrolled):
 *   the last three give undefined. Device phone numbers in the answer are never kept or logged.
 * - startPush: POST /auth/v2/auth `username`, `factor=push`, `device`, `async=1`, `type` (the
 *   push's title, "Helpdesk Verify") and `pushinfo` (URL-encoded key/value pairs the app shows:
 *   `reason=…`): returns `txid`. Duo Push via the Auth API has no number challenge. Duo does not
 *   say when a push expires; `expiresAt` is `pushLifetimeSeconds` (default 60) from now, and Duo
 *   itself ends the push as deny/timeout.
 * - pollPush: GET /auth/v2/auth_status?txid=…: `result` waiting, allow (approved), deny (status
 *   `timeout`: timed out; anything else, e.g. `deny` or `fraud`: rejected). Duo long-polls this
 *   endpoint (it answers when the status changes); a poll that outlasts `pollTimeoutMs` is
 *   `waiting`, and the caller polls again.
 * - Failures: Duo answers `{"stat":"FAIL","code":40103,"message":"…"}`, usually with a 4xx/5xx
 *   status: 401 (the integration key or signature refused), 429, 5xx are classified as the other
 *   adapters do; a `stat: FAIL` with a 200 is a refusal too. Hints carry Duo's numeric code and its
 *   fixed message, never `message_detail`; nothing logs the secret key.
 *
 * Docs:
 * - https://duo.com/docs/authapi (API details, #authentication, #preauth, #auth, #auth_status)
 * - https://help.duo.com/s/article/1338 (error codes, e.g. 40103 invalid signature)
 */

import type {
  AuthenticatorPush,
  PushContext,
  PushFactor,
  PushPerson,
  PushStarted,
  PushStatus,
} from '../../ports/authenticator-push.js';
import { isObject, type Json, str } from '../directory/errors.js';
import { type AuthProvider, HttpClient } from '../http/client.js';
import { duoAuthorization, duoDate, duoEncode, duoParams, duoSignature } from './duo-signature.js';
import {
  AuthenticatorPushPermanentError,
  AuthenticatorPushRetryableError,
  pushStatusError,
  pushUnreachable,
  shortId,
} from './errors.js';

interface DuoKeys {
  /** Integration key. */
  ikey: string;
  /** Secret key: only ever an HMAC key. */
  skey: string;
}

export interface DuoPushOptions {
  /** The API hostname, e.g. api-xxxxxxxx.duosecurity.com: what is signed. */
  apiHost: string;
  credentials: () => Promise<DuoKeys>;
  /** Where requests go; default https://{apiHost} (tests and the local simulator: http). */
  baseUrl?: string;
  /** The Duo username of a person. Default: their email (Duo's simple username normalisation matches it). */
  username?: (person: PushPerson) => string;
  /** The push's title in Duo Mobile. */
  pushType?: string;
  pushLifetimeSeconds?: number;
  /** Per HTTP request, ms. */
  timeoutMs?: number;
  /** How long one auth_status long-poll may hold, ms. Default 10 s. */
  pollTimeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  fetch?: typeof fetch;
}

export class DuoPush implements AuthenticatorPush {
  readonly vendor = 'duo' as const;
  private readonly http: HttpClient;
  private readonly now: () => number;

  constructor(private readonly options: DuoPushOptions) {
    this.now = options.now ?? Date.now;
    this.http = new HttpClient({
      baseUrl: (options.baseUrl ?? `https://${options.apiHost}`).replace(/\/+$/, ''),
      auth: duoAuth(options.apiHost, options.credentials, this.now),
      timeoutMs: options.timeoutMs ?? 5_000,
      unreachable: pushUnreachable,
      classify: (response, request) => duoFailure(response, request.detail),
      now: this.now,
      ...(options.sleep ? { sleep: options.sleep } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  }

  async findPushFactor(person: PushPerson): Promise<PushFactor | undefined> {
    const response = await this.call('POST', '/auth/v2/preauth', { username: this.username(person) });
    if (response.result !== 'auth') return undefined;
    const devices = Array.isArray(response.devices) ? response.devices.filter(isObject) : [];
    const device = devices.find(
      (d) => str(d.device) && Array.isArray(d.capabilities) && d.capabilities.includes('push'),
    );
    return device
      ? { factorId: String(device.device), vendor: this.vendor, numberChallenge: false }
      : undefined;
  }

  async startPush(person: PushPerson, factor: PushFactor, context: PushContext): Promise<PushStarted> {
    const response = await this.call('POST', '/auth/v2/auth', {
      username: this.username(person),
      factor: 'push',
      device: factor.factorId,
      async: '1',
      type: this.options.pushType ?? 'Helpdesk Verify',
      pushinfo: `reason=${duoEncode(context.reason.slice(0, 500))}`,
    });
    const txid = str(response.txid);
    if (!txid) throw badResponse('POST /auth/v2/auth', 'no txid');
    return {
      transactionId: txid,
      expiresAt: new Date(this.now() + (this.options.pushLifetimeSeconds ?? 60) * 1000).toISOString(),
    };
  }

  async pollPush(_person: PushPerson, _factor: PushFactor, transactionId: string): Promise<PushStatus> {
    let response: Json;
    try {
      response = await this.call('GET', '/auth/v2/auth_status', { txid: transactionId }, this.pollTimeout());
    } catch (error) {
      // The long-poll held past our bound: nothing changed yet.
      if (error instanceof AuthenticatorPushRetryableError && error.reason === 'TimeoutError')
        return { result: 'waiting' };
      throw error;
    }
    switch (response.result) {
      case 'waiting':
        return { result: 'waiting' };
      case 'allow':
        return { result: 'approved' };
      case 'deny':
        return { result: response.status === 'timeout' ? 'timed_out' : 'rejected' };
      default:
        throw badResponse(`GET auth_status ${shortId(transactionId)}`, 'an unknown result');
    }
  }

  private pollTimeout(): number {
    return this.options.pollTimeoutMs ?? 10_000;
  }

  private username(person: PushPerson): string {
    const name = (this.options.username ?? ((p) => p.email))(person).trim();
    if (!name) throw new AuthenticatorPushPermanentError('request_refused', 'the person has no Duo username');
    return name;
  }

  /** A signed request; the `response` object of a `stat: OK` answer. */
  private async call(
    method: 'GET' | 'POST',
    path: string,
    params: Record<string, string>,
    timeoutMs?: number,
  ): Promise<Json> {
    const detail = `${method} ${path}`;
    const { body } = await this.http.json({
      method,
      url: method === 'GET' ? `${path}?${duoParams(params)}` : path,
      detail,
      ...(method === 'POST' ? { form: params } : {}),
      ...(timeoutMs ? { timeoutMs } : {}),
    });
    if (!isObject(body)) throw badResponse(detail, 'no JSON');
    if (body.stat !== 'OK') throw failBody(200, detail, body);
    if (!isObject(body.response)) throw badResponse(detail, 'no response object');
    return body.response;
  }
}

/**
 * Signs each attempt afresh (a new Date each time): over the request's own method, path and
 * parameters (the form of a POST, the query of a GET), so what is signed is what is sent.
 */
function duoAuth(apiHost: string, credentials: () => Promise<DuoKeys>, now: () => number): AuthProvider {
  return {
    async headers(request) {
      const { ikey, skey } = await credentials();
      if (!ikey?.trim() || !skey?.trim()) {
        throw new AuthenticatorPushPermanentError(
          'misconfigured',
          `${request.detail}: the Duo credentials need an ikey and an skey`,
        );
      }
      const url = new URL(request.url, 'http://duo.invalid');
      const params = request.form ?? Object.fromEntries(url.searchParams);
      const date = duoDate(now());
      const signature = duoSignature(
        { date, method: request.method, host: apiHost, path: url.pathname, params },
        skey,
      );
      return { date, authorization: duoAuthorization(ikey.trim(), signature) };
    },
  };
}

const badResponse = (detail: string, why: string) =>
  new AuthenticatorPushPermanentError('bad_response', `${detail}: Duo answered with ${why}`);

/** Duo's `{stat: FAIL, code, message}`: its numeric code and fixed message, not message_detail. */
function failBody(status: number, detail: string, body: unknown): Error {
  const code = isObject(body) ? body.code : undefined;
  const message = isObject(body) ? str(body.message) : undefined;
  const said =
    [typeof code === 'number' || typeof code === 'string' ? String(code) : undefined, message?.slice(0, 80)]
      .filter(Boolean)
      .join(' ') || undefined;
  if (status >= 200 && status < 300) {
    return new AuthenticatorPushPermanentError(
      'request_refused',
      `${detail}: stat FAIL${said ? ` (${said})` : ''}`,
      status,
    );
  }
  const fix =
    status === 401
      ? 'check the Auth API application’s integration key, secret key and API hostname'
      : undefined;
  return pushStatusError(status, detail, said, undefined, fix);
}

async function duoFailure(response: Response, detail: string): Promise<Error> {
  const body: unknown = await response.json().catch(() => undefined);
  return failBody(response.status, detail, body);
}
