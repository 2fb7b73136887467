/**
 * TicketSystem for ChangeGear (SunView) through its REST API (`{baseUrl}/cgrestapi/api/...`).
 *
 * What the ChangeGear documentation says, and what this adapter does with it:
 * - Login: `POST api/authenticate/user` with `{username, password}` answers `{sessionId, userId}`.
 *   The session id then goes in the `sessionid` header (the per-endpoint docs and samples) and in
 *   `Authorization` ("Requests and Responses": "Include sessionid or API token"); we send both, so
 *   either reading works. One session is reused by every call of this instance; a 401 logs in again
 *   once. `outboundAuth: 'basic'` sends `Authorization: Basic base64(user:password)` instead
 *   (documented for the Entity API).
 * - Read (Entity API, "Retrieve a Single Item"): `GET api/entity/{entitytype}/{id}?columns=..&
 *   columns=..`; `columns` is required (we ask for the fields the connection names, plus Summary and
 *   Description) and the answer is a one-item array. There is no documented `GET api/{entitytype}/
 *   {id}`: reading there would answer 404 on a real instance, and intake would take every webhook
 *   for "ticket not found". We assume the item carries its integer `eTag` (the PUT sample sends
 *   one; `loadForEdit` defaults to true).
 * - Write: `PUT api/{entitytype}/{id}` with `{eTag, ...fields}`; a stale eTag fails the update. So
 *   every write is read-modify-write: read the current eTag, PUT, and on a stale-eTag answer read
 *   again and retry (a few times), then give up with a retryable error.
 * - What we wrote must stick: ChangeGear may accept a field it does not know and keep nothing, so
 *   after each PUT we read the item again and look for our note in the note field (and the resolved
 *   status); when it is not there, a TicketSystemPermanentError names the field to check.
 * - Never twice: a note with a marker (verification ID and write kind) is looked for in the note
 *   field before it is written (the read happens anyway for the eTag), so a repeat after a timeout
 *   writes nothing; a resolve that may have landed is skipped when the status is already resolved.
 *
 * Not documented, hence connection settings or assumptions (listed in integrations/changegear):
 * the field names (notes, status, requester e-mail, category), whether the note field appends (we
 * assume a journal: each PUT adds one entry), and the status of a stale-eTag failure (we treat 409,
 * 412 and a 400 that names the eTag as stale). ChangeGear notes are plain text: links are written
 * as `Label: URL` lines. There is no documented URL field, so the verification link lives in the
 * note only.
 *
 * Recent tickets: none. The Entity API lists `GET api/entity/{entitytype}?columns..&filter={filter}
 * &sort={sort}&pagesize={pagesize}&page={page}`, but documents neither the grammar of `filter` nor
 * that of `sort` (plain strings without a description or an example), so there is no documented
 * way to ask for one requester's tickets opened since a date, newest first. Guessing a syntax
 * against a customer's instance could match the wrong tickets (and show someone else's as the
 * right answer), so `recentTickets` makes no request and returns []: the question is skipped.
 *
 * Credentials never appear in errors: messages are built from what was attempted, and anything
 * ChangeGear echoes back is scrubbed of the password, the Basic value and the session id.
 */
import { TicketSystemPermanentError, TicketSystemRetryableError } from '../../domain/errors.js';
import type { ChangeGearConnection } from '../../domain/model/connection.js';
import type { RecentTicket, Ticket, TicketNote } from '../../domain/model/ticket.js';
import { markedText } from '../../domain/ticket-notes.js';
import type { RecentTicketsQuery, TicketSystem, WriteOptions } from '../../ports/ticket-system.js';
import { basicAuth, type FailureHints, retryAfterSeconds, throwForStatus, timedFetch } from './http.js';

/** Defaults for a ChangeGear connection's field settings (the README says how to check them). */
export { CHANGEGEAR_DEFAULTS } from '../../domain/connections.js';

/** The documented summary field (required on incidents; the PUT sample updates it). */
export const CHANGEGEAR_SUMMARY_FIELD = 'Summary';
/** The standard long-text field of ChangeGear items (the requester's own words). */
export const CHANGEGEAR_DESCRIPTION_FIELD = 'Description';

export interface ChangeGearOptions {
  /** Per HTTP request. */
  timeoutMs?: number;
  /** Waits for a short Retry-After; injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
  /** Re-reads after a stale eTag before giving up with a retryable error. */
  maxConflictRetries?: number;
}

/** Waiting longer than this inside a task is the state machine's job (Retry with backoff). */
const MAX_INLINE_WAIT_SECONDS = 5;

const HINTS: FailureHints = {
  forbidden:
    'the ChangeGear API user needs a ChangeGear license and a role with View and Edit rights on this module; the item\'s "AllowedActions" shows what the user may do',
};
const LOGIN_HINTS: FailureHints = {
  forbidden:
    "ChangeGear refused the API user's login: check the user name (DOMAIN\\user for Windows accounts), the password in the connection's outbound secret, and that the account is active and licensed",
};

type Entity = Record<string, unknown>;

export class ChangeGearTicketSystem implements TicketSystem {
  private readonly api: string;
  private readonly timeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly maxConflictRetries: number;
  /** The current session (session auth); shared by concurrent calls, dropped on a 401. */
  private session?: Promise<string>;
  /** Values that must never be shown: password, Basic value, session ids. */
  private readonly secretValues = new Set<string>();

  constructor(
    private readonly connection: ChangeGearConnection,
    private readonly credentials: () => Promise<string>,
    options: ChangeGearOptions = {},
  ) {
    this.api = `${connection.baseUrl.replace(/\/+$/, '')}/cgrestapi/api`;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.maxConflictRetries = options.maxConflictRetries ?? 3;
  }

  async getTicket(ticketId: string): Promise<Ticket> {
    return this.scrubbed(async () => {
      const c = this.connection;
      const entity = await this.read(ticketId);
      const id = text(entity[c.idField]);
      return {
        connectionId: c.connectionId,
        ticketId: id || ticketId,
        number: text(entity[c.numberField]),
        category: text(entity[c.categoryField]),
        subject: text(entity[CHANGEGEAR_SUMMARY_FIELD]),
        description: text(entity[CHANGEGEAR_DESCRIPTION_FIELD]),
        requesterEmail: text(entity[c.requesterEmailField]),
        state: text(entity[c.statusField]),
      };
    });
  }

  async addVerificationLink(ticketId: string, url: string, note: TicketNote): Promise<void> {
    let body = noteText(note);
    // No documented URL field: the link lives in the note, as a line the agent can copy or click.
    if (!body.includes(url)) body += `\n\nSend Verification Link: ${url}`;
    await this.scrubbed(() =>
      this.write(ticketId, { [this.connection.noteField]: body }, 'add link note', { note: body }),
    );
  }

  async addNote(ticketId: string, note: TicketNote, _options?: WriteOptions): Promise<void> {
    // Looked for before every write (see "Never twice"), whether or not an attempt went before.
    const body = noteText(note);
    await this.scrubbed(() =>
      this.write(ticketId, { [this.connection.noteField]: body }, 'add note', {
        note: body,
        ...(note.marker ? { marker: note.marker } : {}),
      }),
    );
  }

  async resolve(
    ticketId: string,
    closeCode: string,
    closeNotes: string,
    options?: WriteOptions,
  ): Promise<void> {
    const c = this.connection;
    const note = `${closeNotes}\nClose code: ${closeCode}`;
    await this.scrubbed(() =>
      this.write(ticketId, { [c.statusField]: c.resolvedStatus, [c.noteField]: note }, 'resolve', {
        note,
        status: c.resolvedStatus,
        skipIfResolved: options?.mayExist === true,
      }),
    );
  }

  /** Nothing: see "Recent tickets" above (no documented filter syntax to ask ChangeGear with). */
  async recentTickets(_query: RecentTicketsQuery): Promise<RecentTicket[]> {
    return [];
  }

  private id(ticketId: string): string {
    // The API's {id} is an integer; anything else would address something other than a ticket.
    if (!/^\d{1,18}$/.test(ticketId)) {
      throw new TicketSystemPermanentError(
        `ChangeGear ticket id "${ticketId.slice(0, 40)}" is not an integer item ID`,
        400,
      );
    }
    return ticketId;
  }

  /** The documented update address: `PUT api/{entitytype}/{id}`. */
  private updateUrl(ticketId: string): string {
    return `${this.api}/${encodeURIComponent(this.connection.entityType)}/${this.id(ticketId)}`;
  }

  /** The documented read address: `GET api/entity/{entitytype}/{id}?columns=..` (columns required). */
  private readUrl(ticketId: string): string {
    const c = this.connection;
    const columns = [
      ...new Set([
        c.idField,
        c.numberField,
        c.categoryField,
        c.requesterEmailField,
        c.statusField,
        c.noteField,
        CHANGEGEAR_SUMMARY_FIELD,
        CHANGEGEAR_DESCRIPTION_FIELD,
      ]),
    ];
    const query = columns.map((name) => `columns=${encodeURIComponent(name)}`).join('&');
    return `${this.api}/entity/${encodeURIComponent(c.entityType)}/${this.id(ticketId)}?${query}`;
  }

  private async read(ticketId: string): Promise<Entity> {
    const detail = `GET entity/${this.connection.entityType} ${ticketId}`;
    const response = await this.call('GET', this.readUrl(ticketId), detail);
    if (!response.ok) await throwForStatus(response, detail, HINTS);
    let json: unknown;
    try {
      json = await response.json();
    } catch {
      throw new TicketSystemPermanentError(
        `${detail}: ChangeGear did not answer with JSON (check the connection's baseUrl: the address before /cgrestapi)`,
        response.status,
      );
    }
    // Documented: a one-item array. An empty one means no such item (or none this user may see).
    const entity = Array.isArray(json) ? json[0] : json;
    if (Array.isArray(json) && json.length === 0) {
      throw new TicketSystemPermanentError(`${detail}: ChangeGear answered no item (ticket not found)`, 404);
    }
    if (typeof entity !== 'object' || entity === null) {
      throw new TicketSystemPermanentError(`${detail}: ChangeGear answered without an item`, response.status);
    }
    return entity as Entity;
  }

  /**
   * Read-modify-write: the current eTag, then PUT; a concurrent edit means read again and retry.
   * Before: a note whose marker is already in the note field (or, for a resolve that may have
   * landed, a resolved status) is not written again. After: the note and status must read back.
   */
  private async write(ticketId: string, changes: Entity, what: string, expect: Expectation): Promise<void> {
    const url = this.updateUrl(ticketId);
    const detail = `PUT ${this.connection.entityType} ${ticketId} (${what})`;
    for (let attempt = 0; ; attempt++) {
      const current = await this.read(ticketId);
      if (this.alreadyThere(current, expect)) return;
      const eTag = eTagOf(current, ticketId);
      const response = await this.call('PUT', url, detail, { eTag, ...changes });
      if (response.ok) {
        await response.body?.cancel();
        return this.checkStuck(ticketId, detail, expect);
      }
      const body = await response.text().catch(() => '');
      if (!isStaleETag(response.status, body)) {
        await throwForStatus(
          new Response(body, { status: response.status, headers: response.headers }),
          detail,
          HINTS,
        );
      }
      if (attempt >= this.maxConflictRetries) {
        throw new TicketSystemRetryableError(
          `${detail}: the ticket kept changing under us (stale eTag ${attempt + 1} times, HTTP ${response.status}); try again later`,
        );
      }
    }
  }

  private alreadyThere(entity: Entity, expect: Expectation): boolean {
    const c = this.connection;
    if (expect.marker && text(entity[c.noteField]).includes(expect.marker)) return true;
    return expect.skipIfResolved === true && text(entity[c.statusField]) === c.resolvedStatus;
  }

  /** Reads the item again: ChangeGear may have answered 200 and kept nothing of a field. */
  private async checkStuck(ticketId: string, detail: string, expect: Expectation): Promise<void> {
    const c = this.connection;
    const after = await this.read(ticketId);
    const sign = expect.marker ?? firstLine(expect.note);
    if (!normalised(text(after[c.noteField])).includes(normalised(sign))) {
      throw new TicketSystemPermanentError(
        `${detail}: ChangeGear accepted the update but the note is not in the field "${c.noteField}" (check the connection's noteField: the field must exist on ${c.entityType} and the API user must be allowed to edit it)`,
      );
    }
    if (expect.status !== undefined && text(after[c.statusField]) !== expect.status) {
      throw new TicketSystemPermanentError(
        `${detail}: ChangeGear accepted the update but the field "${c.statusField}" reads "${text(after[c.statusField]).slice(0, 40)}", not "${expect.status}" (check the connection's statusField and resolvedStatus)`,
      );
    }
  }

  /**
   * One API call with the two recoveries that belong inside a task: a new session after a 401
   * (once), and one wait for a short Retry-After on 429. Everything else is the caller's to classify.
   */
  private async call(method: 'GET' | 'PUT', url: string, detail: string, body?: Entity): Promise<Response> {
    let loggedInAgain = false;
    let waited = false;
    for (;;) {
      const session = this.connection.outboundAuth === 'session' ? this.currentSession() : undefined;
      const authorization = session ? await session : basicAuth(await this.userAndPassword());
      const response = await timedFetch(
        url,
        {
          method,
          headers: {
            accept: 'application/json',
            authorization,
            ...(session ? { sessionid: authorization } : {}),
            ...(body ? { 'content-type': 'application/json' } : {}),
          },
          body: body ? JSON.stringify(body) : undefined,
        },
        this.timeoutMs,
        detail,
      );
      if (response.status === 401 && session && !loggedInAgain) {
        // Sessions expire; log in once more. A second 401 is a real refusal.
        await response.body?.cancel();
        if (this.session === session) this.session = undefined;
        loggedInAgain = true;
        continue;
      }
      if (response.status === 429 && !waited) {
        const seconds = retryAfterSeconds(response.headers.get('retry-after'));
        if (seconds !== undefined && seconds <= MAX_INLINE_WAIT_SECONDS) {
          await response.body?.cancel();
          waited = true;
          await this.sleep(seconds * 1000);
          continue;
        }
      }
      return response;
    }
  }

  private currentSession(): Promise<string> {
    if (!this.session) {
      const session = this.login();
      this.session = session;
      session.catch(() => {
        if (this.session === session) this.session = undefined;
      });
    }
    return this.session;
  }

  private async login(): Promise<string> {
    const detail = 'ChangeGear login (POST authenticate/user)';
    const { username, password } = splitCredentials(await this.userAndPassword());
    const request = () =>
      timedFetch(
        `${this.api}/authenticate/user`,
        {
          method: 'POST',
          headers: { accept: 'application/json', 'content-type': 'application/json' },
          body: JSON.stringify({ username, password }),
        },
        this.timeoutMs,
        detail,
      );
    let response = await request();
    if (response.status === 429) {
      const seconds = retryAfterSeconds(response.headers.get('retry-after'));
      if (seconds !== undefined && seconds <= MAX_INLINE_WAIT_SECONDS) {
        await response.body?.cancel();
        await this.sleep(seconds * 1000);
        response = await request();
      }
    }
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

  /** Runs `fn`; a failure comes back as the same kind of error with every known secret removed. */
  private async scrubbed<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw this.scrub(error);
    }
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

/** What a write must leave on the item, and how to recognise it made already. */
interface Expectation {
  note: string;
  marker?: string;
  status?: string;
  skipIfResolved?: boolean;
}

const normalised = (value: string) => value.replace(/\s+/g, ' ').trim();
const firstLine = (value: string) => value.split('\n', 1)[0] ?? '';

/** `user:password`; the user may be DOMAIN\user, the password may contain colons. */
function splitCredentials(value: string): { username: string; password: string } {
  const colon = value.indexOf(':');
  return colon < 0
    ? { username: value, password: '' }
    : { username: value.slice(0, colon), password: value.slice(colon + 1) };
}

/** ChangeGear notes are plain text: the link becomes a `Label: URL` line, the marker a `Ref:` line. */
function noteText(note: TicketNote): string {
  const text = markedText(note);
  return note.link ? `${text}\n\n${note.link.label}: ${note.link.url}` : text;
}

function eTagOf(entity: Entity, ticketId: string): number | string {
  const value = entity.eTag ?? entity.ETag ?? entity.Etag;
  if (typeof value === 'number' || (typeof value === 'string' && value !== '')) return value;
  throw new TicketSystemPermanentError(
    `GET ticket ${ticketId}: ChangeGear answered without an eTag, so the ticket cannot be updated safely`,
  );
}

/** Undocumented: 409/412, or a 400 whose message names the eTag. */
function isStaleETag(status: number, body: string): boolean {
  return status === 409 || status === 412 || (status === 400 && /e-?tag/i.test(body));
}

/** A field's value as text: strings and numbers as they are, lookups by their name, nothing as ''. */
function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'object' && value !== null) {
    const named = (value as Record<string, unknown>).Name ?? (value as Record<string, unknown>).DisplayName;
    if (typeof named === 'string') return named;
  }
  return '';
}
