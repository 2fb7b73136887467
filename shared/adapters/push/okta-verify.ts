/**
 * Push to Okta Verify through the Okta Factors API (Management API, `/api/v1/users/{userId}/factors`),
 * authenticated as the directory adapter is (shared/adapters/directory/okta.ts): an API token,
 * `Authorization: SSWS {token}`, of a dedicated service account.
 *
 * - findPushFactor: GET /api/v1/users/{userId}/factors (the person's enrolled factors, from Okta),
 *   the first with factorType `push`, provider `OKTA` and status `ACTIVE`. None (or a 404 user):
 *   undefined.
 * - startPush: POST /api/v1/users/{userId}/factors/{factorId}/verify. Okta answers 201 with
 *   `factorResult: WAITING`, `expiresAt` and `_links.poll.href` (…/transactions/{transactionId}).
 *   With `numberChallenge` (default on) the body is `{"useNumberMatchingChallenge": true}` and the
 *   answer carries `_embedded.challenge.correctAnswer`, the number the person taps; without it the
 *   request has no body (a standard push). Okta requires a User-Agent to verify a push factor; the
 *   Factors API has no field for a message, so `reason` is not shown in the app (Okta Verify shows
 *   the request's browser and location instead).
 * - pollPush: GET /api/v1/users/{userId}/factors/{factorId}/transactions/{transactionId}:
 *   factorResult WAITING (the number challenge's correctAnswer may come here), SUCCESS, REJECTED,
 *   TIMEOUT.
 * - Failures: through the shared HttpClient: a short 429 (Retry-After or X-Rate-Limit-Reset, at most
 *   5 s) is waited out once; timeouts, 429 and 5xx are AuthenticatorPushRetryableError, 401/403/404
 *   and other refusals AuthenticatorPushPermanentError. Hints carry Okta's errorCode and errorId,
 *   never its errorSummary (it can echo a login).
 * - Needs: the token's admin able to manage users' factors (Organization Administrator, or a custom
 *   role with the authenticator permissions; OAuth scopes okta.users.read and okta.users.manage).
 *
 * Docs:
 * - https://developer.okta.com/docs/api/openapi/okta-management/management/tag/UserFactor/#tag/UserFactor/operation/listFactors
 * - https://developer.okta.com/docs/api/openapi/okta-management/management/tag/UserFactor/#tag/UserFactor/operation/verifyFactor
 * - https://developer.okta.com/docs/api/openapi/okta-management/management/tags/userfactor/other/getfactortransactionstatus
 * - https://developer.okta.com/docs/api/#rate-limits (X-Rate-Limit-Reset)
 */

import type {
  AuthenticatorPush,
  PushContext,
  PushFactor,
  PushPerson,
  PushResult,
  PushStarted,
  PushStatus,
} from '../../ports/authenticator-push.js';
import { isObject, type Json, str } from '../directory/errors.js';
import { rateLimitWait } from '../directory/okta-errors.js';
import { type AuthProvider, HttpClient } from '../http/client.js';
import { AuthenticatorPushPermanentError, pushStatusError, pushUnreachable, shortId } from './errors.js';

export interface OktaVerifyPushOptions {
  /** e.g. https://acme.okta.com (no trailing slash needed). */
  orgUrl: string;
  /** The API token (SSWS). */
  credentials: () => Promise<string>;
  /** Send a number matching challenge (Okta Identity Engine). Default true. */
  numberChallenge?: boolean;
  /** Per HTTP request, ms. */
  timeoutMs?: number;
  /** The User-Agent Okta requires to verify a push factor. */
  userAgent?: string;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  fetch?: typeof fetch;
}

const RESULTS: Record<string, PushResult> = {
  WAITING: 'waiting',
  SUCCESS: 'approved',
  REJECTED: 'rejected',
  TIMEOUT: 'timed_out',
};

const ID = /^[0-9A-Za-z._-]+$/;

export class OktaVerifyPush implements AuthenticatorPush {
  readonly vendor = 'okta_verify' as const;
  private readonly http: HttpClient;
  private readonly now: () => number;

  constructor(private readonly options: OktaVerifyPushOptions) {
    this.now = options.now ?? Date.now;
    this.http = new HttpClient({
      baseUrl: options.orgUrl.replace(/\/+$/, ''),
      auth: ssws(options.credentials),
      timeoutMs: options.timeoutMs ?? 5_000,
      unreachable: pushUnreachable,
      retryAfter: (response, now) => rateLimitWait(response.headers, now),
      classify: (response, request) => oktaFailure(response, request.detail, this.now()),
      now: this.now,
      ...(options.sleep ? { sleep: options.sleep } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  }

  async findPushFactor(person: PushPerson): Promise<PushFactor | undefined> {
    const userId = checkedId(person.userId, 'user id');
    const { status, body } = await this.http.json({
      method: 'GET',
      url: `/api/v1/users/${userId}/factors`,
      detail: `GET factors of user ${shortId(userId)}`,
      emptyOn: [404],
    });
    if (status === 404) return undefined;
    if (!Array.isArray(body)) throw badResponse('GET factors', 'not a list');
    const push = body
      .filter(isObject)
      .find((f) => f.factorType === 'push' && f.provider === 'OKTA' && f.status === 'ACTIVE' && str(f.id));
    if (!push) return undefined;
    return {
      factorId: String(push.id),
      vendor: this.vendor,
      numberChallenge: this.options.numberChallenge ?? true,
    };
  }

  async startPush(person: PushPerson, factor: PushFactor, _context: PushContext): Promise<PushStarted> {
    const userId = checkedId(person.userId, 'user id');
    const factorId = checkedId(factor.factorId, 'factor id');
    const detail = `POST verify factor ${shortId(factorId)} of user ${shortId(userId)}`;
    const { body } = await this.http.json({
      method: 'POST',
      url: `/api/v1/users/${userId}/factors/${factorId}/verify`,
      detail,
      ...(factor.numberChallenge ? { json: { useNumberMatchingChallenge: true } } : {}),
      headers: { 'user-agent': this.options.userAgent ?? 'HelpdeskVerify/1.0' },
    });
    if (!isObject(body) || body.factorResult !== 'WAITING') throw badResponse(detail, 'no WAITING push');
    const poll = isObject(body._links) && isObject(body._links.poll) ? str(body._links.poll.href) : undefined;
    const transactionId = poll?.match(/\/transactions\/([^/?#]+)$/)?.[1];
    if (!transactionId || !ID.test(transactionId)) throw badResponse(detail, 'no poll link');
    const expiresAt = str(body.expiresAt);
    const correctAnswer = challengeAnswer(body);
    return {
      transactionId,
      expiresAt:
        expiresAt && !Number.isNaN(Date.parse(expiresAt))
          ? new Date(expiresAt).toISOString()
          : new Date(this.now() + 300_000).toISOString(),
      ...(correctAnswer ? { correctAnswer } : {}),
    };
  }

  async pollPush(person: PushPerson, factor: PushFactor, transactionId: string): Promise<PushStatus> {
    const userId = checkedId(person.userId, 'user id');
    const factorId = checkedId(factor.factorId, 'factor id');
    const tx = checkedId(transactionId, 'transaction id');
    const detail = `GET transaction ${shortId(tx)}`;
    const { body } = await this.http.json({
      method: 'GET',
      url: `/api/v1/users/${userId}/factors/${factorId}/transactions/${tx}`,
      detail,
    });
    const result = isObject(body) ? RESULTS[String(body.factorResult)] : undefined;
    if (!result || !isObject(body)) throw badResponse(detail, 'unknown factorResult');
    const correctAnswer = challengeAnswer(body);
    return { result, ...(correctAnswer && result === 'waiting' ? { correctAnswer } : {}) };
  }
}

/** `Authorization: SSWS {token}`, read per request: an API token does not refresh, so no retry on 401. */
function ssws(credentials: () => Promise<string>): AuthProvider {
  return {
    async headers(request) {
      const token = (await credentials()).trim().replace(/^SSWS\s+/i, '');
      if (!token || /\s/.test(token)) {
        throw new AuthenticatorPushPermanentError(
          'misconfigured',
          `${request.detail}: the Okta credentials must be an API token`,
        );
      }
      return { authorization: `SSWS ${token}` };
    },
  };
}

function challengeAnswer(body: Json): string | undefined {
  const challenge = isObject(body._embedded) ? body._embedded.challenge : undefined;
  const answer = isObject(challenge) ? challenge.correctAnswer : undefined;
  return typeof answer === 'number' || (typeof answer === 'string' && /^\d{1,3}$/.test(answer))
    ? String(answer)
    : undefined;
}

/** Ids go into paths: Okta's are alphanumeric (transaction ids may carry `.`, `-`, `_`). */
function checkedId(id: string, what: string): string {
  if (!ID.test(id)) throw new AuthenticatorPushPermanentError('request_refused', `not an Okta ${what}`);
  return id;
}

const badResponse = (detail: string, why: string) =>
  new AuthenticatorPushPermanentError('bad_response', `${detail}: Okta answered with ${why}`);

/** Okta's error body is `{errorCode, errorSummary, errorId, errorCauses}`: only the code and id are kept. */
async function oktaFailure(response: Response, detail: string, now: number): Promise<Error> {
  const parsed: unknown = await response.json().catch(() => undefined);
  const code = isObject(parsed) ? str(parsed.errorCode) : undefined;
  const errorId = isObject(parsed) ? str(parsed.errorId) : undefined;
  const said = [code, errorId ? `errorId ${errorId}` : undefined].filter(Boolean).join(', ') || undefined;
  const fix =
    response.status === 401
      ? 'Okta refused the API token (revoked, or expired after 30 days unused)'
      : response.status === 403
        ? "the token's admin needs to manage users' factors (okta.users.manage)"
        : undefined;
  const wait = response.status === 429 ? rateLimitWait(response.headers, now) : undefined;
  return pushStatusError(response.status, detail, said, wait, fix);
}
