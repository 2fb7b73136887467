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
import type { RecentTicketsQuery, TicketSystem, WriteOptions } from '../../ports/ticket-system.js';
import { HttpClient } from '../http/client.js';
import {
  type Entity,
  type Expectation,
  eTagOf,
  firstLine,
  isStaleETag,
  normalised,
  noteText,
  text,
} from './changegear-mapping.js';
import { ChangeGearAuth } from './changegear-session.js';
import { type FailureHints, throwForStatus, ticketSystemUnreachable } from './http.js';

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
  fetch?: typeof fetch;
}

const HINTS: FailureHints = {
  forbidden:
    'the ChangeGear API user needs a ChangeGear license and a role with View and Edit rights on this module; the item\'s "AllowedActions" shows what the user may do',
};

export class ChangeGearTicketSystem implements TicketSystem {
  private readonly api: string;
  private readonly maxConflictRetries: number;
  private readonly auth: ChangeGearAuth;
  /** A new session after a 401 (once), one wait for a short Retry-After on 429. */
  private readonly http: HttpClient;

  constructor(
    private readonly connection: ChangeGearConnection,
    credentials: () => Promise<string>,
    options: ChangeGearOptions = {},
  ) {
    this.api = `${connection.baseUrl.replace(/\/+$/, '')}/cgrestapi/api`;
    this.maxConflictRetries = options.maxConflictRetries ?? 3;
    this.auth = new ChangeGearAuth(connection, credentials, (request) => this.http.send(request), this.api);
    this.http = new HttpClient({
      auth: this.auth,
      timeoutMs: options.timeoutMs ?? 10_000,
      unreachable: ticketSystemUnreachable,
      ...(options.sleep ? { sleep: options.sleep } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  }

  async getTicket(ticketId: string): Promise<Ticket> {
    return this.auth.scrubbed(async () => {
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
    await this.auth.scrubbed(() =>
      this.write(ticketId, { [this.connection.noteField]: body }, 'add link note', { note: body }),
    );
  }

  async addNote(ticketId: string, note: TicketNote, _options?: WriteOptions): Promise<void> {
    // Looked for before every write (see "Never twice"), whether or not an attempt went before.
    const body = noteText(note);
    await this.auth.scrubbed(() =>
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
    await this.auth.scrubbed(() =>
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

  /** One API call (the client's recoveries); everything else is the caller's to classify. */
  private call(method: 'GET' | 'PUT', url: string, detail: string, body?: Entity): Promise<Response> {
    return this.http.send({ method, url, detail, json: body });
  }
}
