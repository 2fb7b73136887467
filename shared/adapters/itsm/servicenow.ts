/**
 * TicketSystem for ServiceNow, through the Table API (`/api/now/table/{table}/{sys_id}`).
 *
 * - Reads: one GET with `sysparm_fields` (the requester's email dot-walked, e.g. `caller_id.email`),
 *   database values (`sysparm_display_value=false`) so the category and state compare with
 *   configuration, and no reference links. The record comes wrapped in `{"result": {...}}`.
 * - Recent tickets (for the "which of these did you contact us about" question): one GET on the
 *   table with an encoded query (`sysparm_query`): the requester's dot-walked email equal (their
 *   own) or not equal (other people's, for decoys), `sys_id!=` the ticket being verified,
 *   `opened_at>=` an absolute UTC date-time (should an instance read it in the integration user's
 *   time zone, the window moves by that offset: hours, on a window of months), `ORDERBYDESCopened_at`;
 *   `sysparm_limit` (at most 20),
 *   `sysparm_no_count=true` (no count query), a short timeout and no in-process wait on a 429.
 *   Encoded queries have no documented escape for `^` (the condition separator), so values are
 *   checked instead: an email outside a conservative character set (never `^`, `=`, `:`, spaces)
 *   or an id that is not a sys_id is refused before any request.
 * - Writes: one PATCH each, answered with the fields we set (`sysparm_fields`). ServiceNow ignores
 *   a field that does not exist (a misconfigured verification URL field) and still answers 200, so
 *   every field we set but a journal is compared with what the PATCH answered; one that did not keep
 *   its value is a TicketSystemPermanentError naming it.
 * - Never twice: `work_notes` is a journal field (every write appends one entry; reading the record
 *   never returns it), so a PATCH repeated after a lost response would add the note again. When an
 *   earlier attempt may have landed (`mayExist`), we first look for the note's marker in its journal
 *   entries (`GET sys_journal_field` with `element_id=<sys_id>^element=work_notes^valueLIKE<marker>`,
 *   documented as where journal entries live) and skip the write if it is there; a resolve that may
 *   have landed is skipped when the state already reads resolved.
 * - Links in work notes: `[code]<a href target=_blank>..</a>[/code]` renders as a link where the
 *   instance allows it (glide.ui.security.allow_codetag, true by default, often hardened to false);
 *   `plain` writes `Label: URL`. The note text itself can never open or close a [code] block.
 * - Auth: Basic or OAuth client credentials (servicenow-auth.ts); an OAuth token is fetched again
 *   once when the instance answers 401 (the shared HTTP client, shared/adapters/http/client.ts).
 * - Failures go through throwForStatus: timeouts, 5xx and 429 are retryable (a 429 whose
 *   Retry-After is at most 5 s is waited out here, once), the rest is permanent. A 403 that is a
 *   data policy exception says so instead of blaming roles. Credentials never appear in messages.
 */
import { TicketSystemPermanentError } from '../../domain/errors.js';
import type { ServiceNowConnection } from '../../domain/model/connection.js';
import type { RecentTicket, Ticket, TicketNote } from '../../domain/model/ticket.js';
import type { RecentTicketsQuery, TicketSystem, WriteOptions } from '../../ports/ticket-system.js';
import { HttpClient } from '../http/client.js';
import {
  RECENT_TICKETS_TIMEOUT_MS,
  recentTicketsLimit,
  throwForStatus,
  ticketSystemUnreachable,
} from './http.js';
import { forbiddenHint, ServiceNowAuth } from './servicenow-auth.js';
import {
  glideDateTime,
  isObject,
  type Json,
  queryEmail,
  recentTicketOf,
  renderWorkNote,
  SYS_ID,
  text,
} from './servicenow-mapping.js';

export { ticketCameInSignedIn } from './servicenow-mapping.js';

export interface ServiceNowOptions {
  /** Per HTTP request, ms. The webhook Lambda has 10 s in all, so keep this well below. */
  timeoutMs?: number;
  /** For recentTickets, ms: someone is waiting for their first question. */
  lookupTimeoutMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
}

export class ServiceNowTicketSystem implements TicketSystem {
  private readonly lookupTimeoutMs: number;
  private readonly http: HttpClient;

  constructor(
    private readonly connection: ServiceNowConnection,
    credentials: () => Promise<string>,
    options: ServiceNowOptions = {},
  ) {
    this.lookupTimeoutMs = options.lookupTimeoutMs ?? RECENT_TICKETS_TIMEOUT_MS;
    const now = options.now ?? Date.now;
    const auth = new ServiceNowAuth(connection, credentials, now, (request) => this.http.json(request));
    this.http = new HttpClient({
      baseUrl: connection.baseUrl,
      auth,
      timeoutMs: options.timeoutMs ?? 5_000,
      unreachable: ticketSystemUnreachable,
      classify: (response, request) => this.fail(response, request.detail),
      now,
      ...(options.sleep ? { sleep: options.sleep } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  }

  async getTicket(sysId: string): Promise<Ticket> {
    const c = this.connection;
    const fields = [
      'sys_id',
      'number',
      c.categoryField,
      'short_description',
      'description',
      'state',
      c.requesterEmailField,
    ];
    const query = `sysparm_fields=${fields.map(encodeURIComponent).join(',')}&sysparm_display_value=false&sysparm_exclude_reference_link=true`;
    const body = await this.call('GET', sysId, query, undefined, `GET ${c.table} ${sysId}`);
    const record = body.result;
    if (!isObject(record) || typeof record.sys_id !== 'string') {
      throw new TicketSystemPermanentError(
        `GET ${c.table} ${sysId}: ServiceNow answered without a record (check the table name and the user's read access)`,
      );
    }
    return {
      connectionId: c.connectionId,
      ticketId: record.sys_id,
      number: text(record.number),
      category: text(record[c.categoryField]),
      subject: text(record.short_description),
      description: text(record.description),
      requesterEmail: text(record[c.requesterEmailField]),
      state: text(record.state),
    };
  }

  async addVerificationLink(sysId: string, url: string, note: TicketNote): Promise<void> {
    const field = this.connection.verificationUrlField;
    await this.patch(sysId, { [field]: url, work_notes: this.renderNote(note) }, { [field]: url });
  }

  async addNote(sysId: string, note: TicketNote, options?: WriteOptions): Promise<void> {
    if (options?.mayExist && note.marker && (await this.hasWorkNote(sysId, note.marker))) return;
    await this.patch(sysId, { work_notes: this.renderNote(note) }, {});
  }

  async resolve(sysId: string, closeCode: string, closeNotes: string, options?: WriteOptions): Promise<void> {
    const c = this.connection;
    if (options?.mayExist && (await this.getTicket(sysId)).state === c.resolvedState) return;
    await this.patch(
      sysId,
      {
        state: c.resolvedState,
        close_code: closeCode,
        close_notes: closeNotes,
        work_notes: this.renderNote({ text: closeNotes }),
      },
      { state: c.resolvedState, close_code: closeCode },
    );
  }

  async recentTickets(query: RecentTicketsQuery): Promise<RecentTicket[]> {
    const c = this.connection;
    const detail = `GET ${c.table} recent tickets`;
    const limit = recentTicketsLimit(query, detail);
    if (limit === 0) return [];
    if (!/^\w+(\.\w+)*$/.test(c.requesterEmailField)) {
      throw new TicketSystemPermanentError(
        `${detail}: the connection's requester email field is not a field name`,
        400,
      );
    }
    const conditions = [`opened_at>=${glideDateTime(query.since)}`];
    if (query.requesterEmail !== undefined) {
      conditions.push(`${c.requesterEmailField}=${queryEmail(query.requesterEmail, detail)}`);
    }
    if (query.excludeRequesterEmail !== undefined) {
      conditions.push(`${c.requesterEmailField}!=${queryEmail(query.excludeRequesterEmail, detail)}`);
    }
    if (query.excludeTicketId !== undefined) {
      if (!SYS_ID.test(query.excludeTicketId)) {
        throw new TicketSystemPermanentError(`${detail}: the ticket to leave out is not a sys_id`, 400);
      }
      conditions.push(`sys_id!=${query.excludeTicketId}`);
    }
    conditions.push('ORDERBYDESCopened_at');
    const params = [
      `sysparm_query=${encodeURIComponent(conditions.join('^'))}`,
      // How it came in: the channel, and whether the caller opened it themselves (dot-walked).
      `sysparm_fields=${['number', 'short_description', 'opened_at', 'contact_type', 'opened_by.email', c.requesterEmailField].join(',')}`,
      `sysparm_limit=${limit}`,
      'sysparm_display_value=false',
      'sysparm_exclude_reference_link=true',
      'sysparm_no_count=true',
    ].join('&');
    const body = await this.call('GET', undefined, params, undefined, detail, {
      timeoutMs: this.lookupTimeoutMs,
      waitOnRateLimit: false,
    });
    if (!Array.isArray(body.result)) {
      throw new TicketSystemPermanentError(`${detail}: ServiceNow answered without a list of records`);
    }
    return body.result
      .flatMap((record: unknown) => recentTicketOf(record, c.requesterEmailField))
      .slice(0, limit);
  }

  /** The work-note text: the note, then its link the way this instance can show it. */
  renderNote(note: TicketNote): string {
    return renderWorkNote(note, this.connection.workNotesFormat);
  }

  /**
   * One PATCH; `mustKeep` (the fields set, journals aside) is asked back and compared: ServiceNow
   * answers 200 for a field it does not have. Only those and the sys_id come back, nothing personal.
   */
  private async patch(sysId: string, fields: Json, mustKeep: Record<string, string>): Promise<void> {
    const c = this.connection;
    const detail = `PATCH ${c.table} ${sysId}`;
    const names = ['sys_id', ...Object.keys(mustKeep)].map(encodeURIComponent).join(',');
    const body = await this.call('PATCH', sysId, `sysparm_fields=${names}`, fields, detail);
    const record = isObject(body.result) ? body.result : {};
    for (const [field, value] of Object.entries(mustKeep)) {
      const kept = record[field];
      if (text(kept) === value) continue;
      const reads =
        kept === undefined ? 'is not a field of the record' : `reads "${text(kept).slice(0, 60)}"`;
      throw new TicketSystemPermanentError(
        `${detail}: ServiceNow answered 200 but did not keep "${field}" (it ${reads}): check the connection's setting for it; the field must exist on ${c.table} and the integration user must be allowed to write it`,
      );
    }
  }

  /** Whether a work note carrying `marker` is already in the record's journal. */
  private async hasWorkNote(sysId: string, marker: string): Promise<boolean> {
    const detail = `GET sys_journal_field for ${this.connection.table} ${sysId}`;
    // Encoded queries have no escape: only values that cannot end the condition.
    if (!SYS_ID.test(sysId) || !/^[A-Za-z0-9-]+$/.test(marker)) {
      throw new TicketSystemPermanentError(
        `${detail}: the record id or note marker cannot be queried safely`,
        400,
      );
    }
    const query = `element_id=${sysId}^element=work_notes^valueLIKE${marker}`;
    const params = [
      `sysparm_query=${encodeURIComponent(query)}`,
      'sysparm_fields=sys_id',
      'sysparm_limit=1',
      'sysparm_no_count=true',
    ].join('&');
    const body = await this.call('GET', undefined, params, undefined, detail, { table: 'sys_journal_field' });
    if (!Array.isArray(body.result)) {
      throw new TicketSystemPermanentError(`${detail}: ServiceNow answered without a list of records`);
    }
    return body.result.length > 0;
  }

  /** One Table API call on a record (`sysId`) or the table (undefined). */
  private async call(
    method: 'GET' | 'PATCH',
    sysId: string | undefined,
    query: string,
    body: Json | undefined,
    detail: string,
    { timeoutMs, waitOnRateLimit = true, table = this.connection.table }: CallOptions = {},
  ): Promise<Json> {
    const record = sysId === undefined ? '' : `/${encodeURIComponent(sysId)}`;
    const { body: parsed } = await this.http.json({
      method,
      url: `/api/now/table/${encodeURIComponent(table)}${record}?${query}`,
      detail,
      json: body,
      timeoutMs,
      waitOnRateLimit,
    });
    if (!isObject(parsed))
      throw new TicketSystemPermanentError(`${detail}: ServiceNow answered without JSON`);
    return parsed;
  }

  private async fail(response: Response, detail: string): Promise<never> {
    if (response.status === 403) {
      const body = await response.text().catch(() => '');
      if (/data policy exception/i.test(body)) {
        const excerpt = body.replace(/\s+/g, ' ').slice(0, 200);
        throw new TicketSystemPermanentError(
          `${detail}: HTTP 403 ${excerpt} (a ServiceNow data policy refused the update: a field it makes mandatory is missing)`,
          403,
        );
      }
      return throwForStatus(new Response(body, { status: 403, headers: response.headers }), detail, {
        forbidden: forbiddenHint(this.connection),
      });
    }
    return throwForStatus(response, detail, { forbidden: forbiddenHint(this.connection) });
  }
}

interface CallOptions {
  timeoutMs?: number;
  waitOnRateLimit?: boolean;
  table?: string;
}
