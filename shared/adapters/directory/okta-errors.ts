/** Okta's failures as the directory's errors, what to grant when it refuses, and its rate-limit waits. */
import { retryAfterSeconds } from '../http/retry-after.js';
import {
  DirectoryPasswordRejectedError,
  DirectoryPermanentError,
  isObject,
  type Json,
  redact,
  safeJson,
  shorten,
  statusError,
  str,
} from './errors.js';

export const READ_HINT =
  "the API token's admin needs a role that can view users (Read-only Administrator or above; OAuth scope okta.users.read)";
export const ROLES_HINT =
  "the API token's admin needs to be allowed to view administrator role assignments (Super or Organization Administrator; OAuth scope okta.roles.read)";
export const GROUPS_HINT =
  "the API token's admin needs to be allowed to view groups and their members (Read-only Administrator or above; OAuth scope okta.groups.read)";
export const LOGS_HINT =
  "the API token's admin needs to be allowed to view the System Log (Read-only Administrator or above; OAuth scope okta.logs.read)";
export const RESET_HINT =
  "the API token's admin needs to be allowed to set users' passwords (Organization Administrator, or a custom admin role that can reset passwords for these users; OAuth scope okta.users.manage); setting an administrator's password needs Super Administrator, which this product does not ask for";

export const FACTORS_READ_HINT =
  "the API token's admin needs to be allowed to view users' factors (Read-only Administrator or above; OAuth scope okta.users.read)";
export const RESET_FACTORS_HINT =
  "the API token's admin needs to be allowed to reset users' authenticators (Help Desk Administrator or above, or a custom role with okta.users.credentials.resetFactors; OAuth scope okta.users.manage)";
export const UNLOCK_HINT =
  "the API token's admin needs to be allowed to unlock users (Help Desk Administrator or above, or a custom role with okta.users.lifecycle.unlock; OAuth scope okta.users.manage)";
export const SESSIONS_HINT =
  "the API token's admin needs to be allowed to clear users' sessions (Help Desk Administrator or above, or a custom role with okta.users.lifecycle.clearSessions; OAuth scope okta.users.manage)";

export interface OktaRequest {
  method: 'GET' | 'POST' | 'DELETE';
  /** A path under orgUrl, or an absolute `next` link. */
  url: string;
  body?: Json;
  detail: string;
  forbidden: string;
  notFoundIsEmpty?: boolean;
  password?: string;
  /** A success without a body is expected (204, or Okta's empty 200 of a lifecycle operation). */
  noContent?: boolean;
}

/** Seconds until Okta's rate-limit window resets (X-Rate-Limit-Reset is epoch seconds), or Retry-After. */
export function rateLimitWait(headers: Headers, now: number): number | undefined {
  const retryAfter = retryAfterSeconds(headers.get('retry-after'), now);
  if (retryAfter !== undefined) return retryAfter;
  const reset = Number(headers.get('x-rate-limit-reset'));
  if (!Number.isFinite(reset) || reset <= 0) return undefined;
  return Math.min(Math.max(Math.ceil(reset - now / 1000), 1), 3600);
}

/** The error for a failed Okta response; `secrets` are scrubbed from Okta's text. */
export async function oktaFailure(
  response: Response,
  req: OktaRequest,
  secrets: (string | undefined)[],
  now: number,
): Promise<Error> {
  const status = response.status;
  const text = redact(await response.text().catch(() => ''), secrets);
  // Okta errors: {"errorCode","errorSummary","errorLink","errorId","errorCauses":[{"errorSummary"}]}
  const parsed = safeJson(text);
  const code = isObject(parsed) ? str(parsed.errorCode) : undefined;
  const summary = isObject(parsed) ? str(parsed.errorSummary) : undefined;
  const errorId = isObject(parsed) ? str(parsed.errorId) : undefined;
  const causes = (isObject(parsed) && Array.isArray(parsed.errorCauses) ? parsed.errorCauses : [])
    .filter(isObject)
    .map((c) => str(c.errorSummary))
    .filter((c): c is string => c !== undefined);
  const said = summary
    ? `${code ? `${code} ` : ''}${shorten(summary)}${causes.length ? `: ${shorten(causes.join('; '))}` : ''}`
    : shorten(text);
  const message = `${req.detail}: HTTP ${status}${said ? ` ${said}` : ''}${errorId ? ` (errorId ${errorId})` : ''}`;
  if (req.password !== undefined && isPasswordRefusal(status, code, summary, causes)) {
    // "password: Password requirements were not met. ..." → the part a person can act on.
    const idpMessage = shorten(
      (causes.length ? causes : [summary ?? 'The password was refused'])
        .map((c) => c.replace(/^password:\s*/i, ''))
        .join(' '),
    );
    return new DirectoryPasswordRejectedError(
      `${req.detail}: Okta refused the new password: ${idpMessage}`,
      idpMessage,
      status,
    );
  }
  if (status === 401) {
    return new DirectoryPermanentError(
      `${message} (Okta refused the API token: it may be revoked, or expired after 30 days unused; create a new one as the service account)`,
      status,
    );
  }
  if (status === 403) return new DirectoryPermanentError(`${message} (${req.forbidden})`, status);
  if (status === 404) return new DirectoryPermanentError(`${message} (user not found)`, status);
  // X-Rate-Limit-Reset comes on every answer; it only says when to retry a 429.
  const retryAfter =
    status === 429
      ? rateLimitWait(response.headers, now)
      : retryAfterSeconds(response.headers.get('retry-after'), now);
  return statusError(status, message, retryAfter);
}

/**
 * Okta's password policy refusals: E0000080 (complexity), or a validation / credential-update error
 * (E0000001, E0000014) whose causes speak of the password (requirements, history, common password).
 */
function isPasswordRefusal(
  status: number,
  code: string | undefined,
  summary: string | undefined,
  causes: string[],
): boolean {
  if (status !== 400 && status !== 403) return false;
  if (code === 'E0000080') return true;
  return (
    (code === 'E0000001' || code === 'E0000014') && /password/i.test([summary ?? '', ...causes].join(' '))
  );
}
