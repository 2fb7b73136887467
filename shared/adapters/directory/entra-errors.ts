/** Microsoft Graph's failures as the directory's errors, and what to grant when it refuses. */
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
  'grant the app registration the Microsoft Graph application permission User.Read.All, with admin consent';
export const MEMBERSHIP_HINT =
  'grant the app registration the Microsoft Graph application permissions User.Read.All and RoleManagement.Read.Directory (or Directory.Read.All), with admin consent';
export const AUDIT_HINT =
  'grant the app registration the Microsoft Graph application permissions AuditLog.Read.All and Directory.Read.All, with admin consent';
export const RESET_HINT =
  'grant the app registration the Microsoft Graph application permission User-PasswordProfile.ReadWrite.All (or User.ReadWrite.All) with admin consent, and assign its service principal the User Administrator role; resetting an administrator needs Privileged Authentication Administrator, which this product does not ask for';

export const METHODS_READ_HINT =
  'grant the app registration the Microsoft Graph application permission UserAuthenticationMethod.Read.All (or UserAuthenticationMethod.ReadWrite.All), with admin consent';
export const METHODS_WRITE_HINT =
  'grant the app registration the Microsoft Graph application permission UserAuthenticationMethod.ReadWrite.All, with admin consent';
export const TAP_HINT =
  'grant the app registration the Microsoft Graph application permission UserAuthMethod-TAP.ReadWrite.All (or UserAuthenticationMethod.ReadWrite.All) with admin consent, and enable the Temporary Access Pass in the authentication methods policy';
export const SESSIONS_HINT =
  'grant the app registration the Microsoft Graph application permission User.RevokeSessions.All, with admin consent';

export interface GraphRequest {
  method: 'GET' | 'PATCH' | 'POST' | 'DELETE';
  /** A path under graphBaseUrl, or an absolute @odata.nextLink. */
  url: string;
  body?: Json;
  /** What was attempted, for messages (no PII: ids only). */
  detail: string;
  /** What to grant, for 401/403 messages. */
  forbidden: string;
  /** 404 means "none" (undefined) rather than an error. */
  notFoundIsEmpty?: boolean;
  /** Extra request headers (ConsistencyLevel: eventual for advanced queries such as $search). */
  headers?: Record<string, string>;
  /** The new password of a reset: scrubbed from messages, and 400s about it become rejections. */
  password?: string;
}

/** The error for a failed Graph response; `secrets` are scrubbed from Graph's text. */
export async function graphFailure(
  response: Response,
  req: GraphRequest,
  secrets: (string | undefined)[],
  now: number,
): Promise<Error> {
  const status = response.status;
  const text = redact(await response.text().catch(() => ''), secrets);
  // Graph errors: {"error":{"code","message","innerError":{"request-id",...}}}
  const parsed = safeJson(text);
  const error = isObject(parsed) && isObject(parsed.error) ? parsed.error : undefined;
  const code = str(error?.code);
  const graphMessage = str(error?.message);
  const inner = isObject(error?.innerError) ? error.innerError : undefined;
  const requestId = str(inner?.['request-id']);
  const said = graphMessage ? `${code ? `${code}: ` : ''}${shorten(graphMessage)}` : shorten(text);
  const message = `${req.detail}: HTTP ${status}${said ? ` ${said}` : ''}${requestId ? ` (request-id ${requestId})` : ''}`;
  if (req.password !== undefined && status === 400 && graphMessage && isPasswordPolicy(graphMessage)) {
    return new DirectoryPasswordRejectedError(
      `${req.detail}: Microsoft Entra ID refused the new password: ${shorten(graphMessage)}`,
      shorten(graphMessage),
      status,
    );
  }
  if (status === 401) {
    return new DirectoryPermanentError(
      `${message} (Graph refused the access token: check the tenant id, and that the app's permissions have admin consent; ${req.forbidden})`,
      status,
    );
  }
  if (status === 403) return new DirectoryPermanentError(`${message} (${req.forbidden})`, status);
  if (status === 404) return new DirectoryPermanentError(`${message} (user not found)`, status);
  return statusError(status, message, retryAfterSeconds(response.headers.get('retry-after'), now));
}

/** Whether a 400 on a password reset is the password policy speaking (complexity, banned list, history). */
function isPasswordPolicy(message: string): boolean {
  return (
    /password/i.test(message) &&
    /complex|comply|requirement|polic|banned|history|too short|too long|length|strength|weak|common/i.test(
      message,
    )
  );
}
