/**
 * The errors the directory adapters (Microsoft Entra ID, Okta) throw, and the small HTTP plumbing
 * they share. The names are what a state machine's Retry and Catch match (Lambda reports
 * `error.name` as the error type), so they are part of the contract:
 *
 * - DirectoryRetryableError: the directory did not answer (network, timeout), throttled (429, with
 *   `retryAfterSeconds` when it said how long), or failed on its side (5xx).
 * - DirectoryPermanentError: anything a retry will not fix: credentials refused (401), a missing
 *   permission or role (403, the message names it), a user that is gone (404), a refused request.
 * - DirectoryPasswordRejectedError (a DirectoryPermanentError): the directory's password policy
 *   refused the new password; `idpMessage` is the directory's own explanation, fit to show the
 *   person so they can choose another one.
 * - DirectoryUnsupportedError (a DirectoryPermanentError): the directory has no such action (Entra
 *   ID has no unlock, Okta no Temporary Access Pass here); thrown before anything is sent.
 *
 * Each carries a stable `code` (DirectoryErrorCode) a caller can branch on and show; messages hold
 * ids, never names, addresses or phone numbers.
 *
 * Messages never carry a password, a client secret or a token: every message is built from what
 * the adapter attempted plus the directory's error text, and that text is scrubbed of the secrets
 * in play before it is used.
 */

import type { PasswordRejection } from '../../ports/directory.js';

export type DirectoryErrorCode =
  | 'directory_unavailable'
  | 'directory_rate_limited'
  | 'directory_credentials_refused'
  | 'directory_permission_missing'
  | 'directory_user_not_found'
  | 'directory_refused'
  | 'directory_password_rejected'
  | 'directory_action_unsupported';

export class DirectoryRetryableError extends Error {
  override name = 'DirectoryRetryableError';
  readonly code: DirectoryErrorCode;
  /** The directory's Retry-After (or rate-limit reset), when it sent one. */
  constructor(
    message: string,
    readonly retryAfterSeconds?: number,
    code: 'directory_unavailable' | 'directory_rate_limited' = 'directory_unavailable',
  ) {
    super(message);
    this.code = code;
  }
}

/** The code of a permanent failure, from the directory's HTTP status. */
const permanentCode = (status: number | undefined): DirectoryErrorCode =>
  status === 401
    ? 'directory_credentials_refused'
    : status === 403
      ? 'directory_permission_missing'
      : status === 404
        ? 'directory_user_not_found'
        : 'directory_refused';

export class DirectoryPermanentError extends Error {
  override name = 'DirectoryPermanentError';
  readonly code: DirectoryErrorCode;
  /** The directory's HTTP status, when it answered. */
  constructor(
    message: string,
    readonly status?: number,
    code?: DirectoryErrorCode,
  ) {
    super(message);
    this.code = code ?? permanentCode(status);
  }
}

export class DirectoryPasswordRejectedError extends DirectoryPermanentError implements PasswordRejection {
  override name = 'DirectoryPasswordRejectedError';
  readonly passwordRejected = true as const;
  /** The directory's explanation (its password policy's words), without the password. */
  constructor(
    message: string,
    readonly idpMessage: string,
    status?: number,
  ) {
    super(message, status, 'directory_password_rejected');
  }
}

export class DirectoryUnsupportedError extends DirectoryPermanentError {
  override name = 'DirectoryUnsupportedError';
  constructor(message: string) {
    super(message, undefined, 'directory_action_unsupported');
  }
}

/** The error for a directory request that got no answer (network failure, timeout): retryable. */
export const directoryUnreachable = (detail: string, reason: string) =>
  new DirectoryRetryableError(`${detail}: directory unreachable (${reason})`);

/** Replaces every secret (password, client secret, token) found in `text`. Short values are left alone. */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  return out;
}

/** Whitespace collapsed and cut short: enough of a directory's error text to act on. */
export const shorten = (text: string, max = 300) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
};

/** The classification both adapters share once they have built their message. */
export function statusError(status: number, message: string, retryAfter?: number): Error {
  if (status === 429) return new DirectoryRetryableError(message, retryAfter, 'directory_rate_limited');
  if (status >= 500) return new DirectoryRetryableError(message, retryAfter);
  return new DirectoryPermanentError(message, status);
}

/** Same-origin check for the paging links a directory hands back: the token only goes where it came from. */
export function sameOrigin(link: string, base: string): boolean {
  try {
    return new URL(link).origin === new URL(base).origin;
  } catch {
    return false;
  }
}

export type Json = Record<string, unknown>;

/** A directory's error body as JSON, or undefined when it is not JSON. */
export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
