/**
 * The errors the push adapters (Okta Verify, Duo) throw. The names are what a state machine's
 * Retry and Catch match (Lambda reports `error.name` as the error type), so they are part of the
 * contract. A message is `code` plus `hint` and nothing else: the hint is built from what was
 * attempted (no token, no secret key, no email address, no phone number) and the vendor's error
 * code, never from its free text, which can echo what was sent.
 */

export type PushErrorCode =
  /** No answer: network failure or timeout. */
  | 'unreachable'
  /** 429. */
  | 'rate_limited'
  /** 5xx. */
  | 'vendor_unavailable'
  /** 401: the API token, or the Duo integration key and signature, refused. */
  | 'credentials_refused'
  /** 403: the credentials lack a role or scope. */
  | 'forbidden'
  /** 404: the user, factor or transaction is gone. */
  | 'not_found'
  /** Any other refusal (400, Duo `stat: FAIL`). */
  | 'request_refused'
  /** A 2xx whose body is not what the vendor documents. */
  | 'bad_response'
  /** The adapter's credentials are not usable as configured. */
  | 'misconfigured';

abstract class PushError extends Error {
  constructor(
    readonly code: PushErrorCode,
    readonly hint: string,
    /** The vendor's HTTP status, when it answered. */
    readonly status?: number,
  ) {
    super(`${code}: ${hint}`);
  }
}

export class AuthenticatorPushRetryableError extends PushError {
  override name = 'AuthenticatorPushRetryableError';
  constructor(
    code: PushErrorCode,
    hint: string,
    status?: number,
    /** Seconds the vendor asked to wait (429), when it said. */
    readonly retryAfterSeconds?: number,
    /** Why there was no answer (the fetch error's name, e.g. TimeoutError). */
    readonly reason?: string,
  ) {
    super(code, hint, status);
  }
}

export class AuthenticatorPushPermanentError extends PushError {
  override name = 'AuthenticatorPushPermanentError';
}

/** The error for a request that got no answer: retryable. */
export const pushUnreachable = (detail: string, reason: string) =>
  new AuthenticatorPushRetryableError(
    'unreachable',
    `${detail}: no answer (${reason})`,
    undefined,
    undefined,
    reason,
  );

/** The error for a failed vendor response, from its status; `said` is the vendor's error code, if any. */
export function pushStatusError(
  status: number,
  detail: string,
  said: string | undefined,
  retryAfterSeconds?: number,
  fix?: string,
): Error {
  const hint = `${detail}: HTTP ${status}${said ? ` (${said})` : ''}${fix ? `; ${fix}` : ''}`;
  if (status === 429)
    return new AuthenticatorPushRetryableError('rate_limited', hint, status, retryAfterSeconds);
  if (status >= 500) return new AuthenticatorPushRetryableError('vendor_unavailable', hint, status);
  const code: PushErrorCode =
    status === 401
      ? 'credentials_refused'
      : status === 403
        ? 'forbidden'
        : status === 404
          ? 'not_found'
          : 'request_refused';
  return new AuthenticatorPushPermanentError(code, hint, status);
}

/** A user id or a transaction id, shortened for a hint (enough to find it in the vendor's log). */
export const shortId = (id: string) => (id.length > 10 ? `${id.slice(0, 4)}…${id.slice(-4)}` : id);
