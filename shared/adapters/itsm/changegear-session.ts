/**
 * ChangeGear outbound auth, as the HTTP client's AuthProvider. Session auth: `POST
 * api/authenticate/user` with `{username, password}` answers `{sessionId}`, sent in both the
 * `sessionid` header and `Authorization`; one session is shared by every call of the adapter and
 * dropped on a 401 (the client then logs in once more). Basic auth: `Authorization: Basic ...`.
 *
 * Every secret seen (password, Basic value, session ids) is remembered so that `scrubbed` can
 * remove it from any error message ChangeGear echoes it in.
 */
import { TicketSystemPermanentError, TicketSystemRetryableError } from '../../domain/errors.js';
import type { ChangeGearConnection } from '../../domain/model/connection.js';
import type { AuthProvider, HttpHeaders, HttpRequest } from '../http/client.js';
import { basicAuth, type FailureHints, throwForStatus } from './http.js';

const LOGIN_HINTS: FailureHints = {
  forbidden:
    "ChangeGear refused the API user's login: check the user name (DOMAIN\\user for Windows accounts), the password in the connection's outbound secret, and that the account is active and licensed",
};

interface Session {
  promise: Promise<string>;
  /** Once logged in. */
  id?: string;
}

export class ChangeGearAuth implements AuthProvider {
  /** Sessions expire: drop the refused one. Basic auth has nothing to refresh. */
  readonly refresh?: (refused: HttpHeaders) => void;
  /** The current session (session auth); shared by concurrent calls, dropped on a 401. */
  private session?: Session;
  /** Values that must never be shown: password, Basic value, session ids. */
  private readonly secretValues = new Set<string>();

  constructor(
    private readonly connection: ChangeGearConnection,
    private readonly credentials: () => Promise<string>,
    /** The adapter's HTTP client (login goes through the same recoveries, minus auth). */
    private readonly send: (request: HttpRequest) => Promise<Response>,
    private readonly api: string,
  ) {
    if (connection.outboundAuth === 'session') {
      this.refresh = (refused) => {
        if (this.session?.id === refused.sessionid) this.session = undefined;
      };
    }
  }

  async headers(): Promise<HttpHeaders> {
    if (this.connection.outboundAuth !== 'session') {
      return { authorization: basicAuth(await this.userAndPassword()) };
    }
    const sessionId = await this.currentSession();
    return { authorization: sessionId, sessionid: sessionId };
  }

  /** Runs `fn`; a failure comes back as the same kind of error with every known secret removed. */
  async scrubbed<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw this.scrub(error);
    }
  }

  private currentSession(): Promise<string> {
    if (!this.session) {
      const session: Session = { promise: this.login() };
      this.session = session;
      session.promise.then(
        (id) => {
          session.id = id;
        },
        () => {
          if (this.session === session) this.session = undefined;
        },
      );
    }
    return this.session.promise;
  }

  private async login(): Promise<string> {
    const detail = 'ChangeGear login (POST authenticate/user)';
    const { username, password } = splitCredentials(await this.userAndPassword());
    const response = await this.send({
      method: 'POST',
      url: `${this.api}/authenticate/user`,
      detail,
      json: { username, password },
      auth: false,
    });
    if (response.status === 404) {
      // The login endpoint always exists: a 404 means a wrong baseUrl, never a missing ticket (which
      // intake would silently ignore).
      await response.body?.cancel();
      throw new TicketSystemPermanentError(
        `${detail}: HTTP 404, no ChangeGear REST API at this address (check the connection's baseUrl: the address before /cgrestapi)`,
      );
    }
    if (!response.ok) await throwForStatus(response, detail, LOGIN_HINTS);
    const json = (await response.json().catch(() => ({}))) as { sessionId?: unknown };
    if (typeof json.sessionId !== 'string' || json.sessionId === '') {
      throw new TicketSystemPermanentError(`${detail}: the answer has no sessionId`, response.status);
    }
    this.secretValues.add(json.sessionId);
    return json.sessionId;
  }

  private async userAndPassword(): Promise<string> {
    const value = await this.credentials();
    const { password } = splitCredentials(value);
    this.secretValues.add(value);
    this.secretValues.add(basicAuth(value).slice('Basic '.length));
    if (password) this.secretValues.add(password);
    return value;
  }

  private scrub(error: unknown): unknown {
    if (!(error instanceof Error)) return error;
    let message = error.message;
    for (const secret of this.secretValues) {
      if (secret.length >= 3) message = message.split(secret).join('[redacted]');
    }
    if (message === error.message) return error;
    if (error instanceof TicketSystemRetryableError)
      return new TicketSystemRetryableError(message, error.retryAfterSeconds);
    if (error instanceof TicketSystemPermanentError)
      return new TicketSystemPermanentError(message, error.status);
    return new Error(message);
  }
}

/** `user:password`; the user may be DOMAIN\user, the password may contain colons. */
function splitCredentials(value: string): { username: string; password: string } {
  const colon = value.indexOf(':');
  return colon < 0
    ? { username: value, password: '' }
    : { username: value.slice(0, colon), password: value.slice(colon + 1) };
}
