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
 * - Auth: Basic (`user:password`), or OAuth client credentials (`{"clientId","clientSecret"}`,
 *   POST /oauth_token.do, Washington DC or later with
 *   glide.oauth.inbound.client.credential.grant_type.enabled). Tokens are cached per instance and
 *   client for the life of the process (the composition root builds an adapter per call), until
 *   shortly before they expire, and fetched again once when the instance answers 401.
 * - Failures go through throwForStatus: timeouts, 5xx and 429 are retryable (a 429 whose
 *   Retry-After is at most 5 s is waited out here, once), the rest is permanent. A 403 that is a
 *   data policy exception says so instead of blaming roles. Credentials never appear in messages.
 */
import { createHash } from 'node:crypto';
import { TicketSystemPermanentError } from '../../domain/errors.js';
import type { ServiceNowConnection } from '../../domain/model/connection.js';
import type { RecentTicket, Ticket, TicketNote } from '../../domain/model/ticket.js';
import { markedText } from '../../domain/ticket-notes.js';
import type { RecentTicketsQuery, TicketSystem, WriteOptions } from '../../ports/ticket-system.js';
import {
  type AccessToken,
  basicAuth,
  MAX_INLINE_RETRY_AFTER_SECONDS,
  RECENT_TICKETS_TIMEOUT_MS,
  recentTicketsLimit,
  retryAfterSeconds,
  TokenCache,
  throwForStatus,
  timedFetch,
  tokenExpiresAt,
} from './http.js';

export interface ServiceNowOptions {
  /** Per HTTP request, ms. The webhook Lambda has 10 s in all, so keep this well below. */
  timeoutMs?: number;
  /** For recentTickets, ms: someone is waiting for their first question. */
  lookupTimeoutMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** A cached token is dropped this long before ServiceNow says it expires. */
const TOKEN_EXPIRY_MARGIN_SECONDS = 60;

/** OAuth tokens by instance + client + secret hash. */
const tokens = new TokenCache();

type Json = Record<string, unknown>;

export class ServiceNowTicketSystem implements TicketSystem {
  private readonly timeoutMs: number;
  private readonly lookupTimeoutMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly connection: ServiceNowConnection,
    private readonly credentials: () => Promise<string>,
    options: ServiceNowOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.lookupTimeoutMs = options.lookupTimeoutMs ?? RECENT_TICKETS_TIMEOUT_MS;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
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
      .flatMap((record: unknown): RecentTicket[] => {
        if (!isObject(record)) return [];
        const number = text(record.number);
        const subject = text(record.short_description).trim();
        const openedAt = fromGlideDateTime(text(record.opened_at));
        const requester = text(record[c.requesterEmailField]).trim().toLowerCase();
        const selfService = ticketCameInSignedIn(
          text(record.contact_type),
          text(record['opened_by.email']),
          requester,
        );
        return number && subject && openedAt
          ? [
              {
                number,
                subject,
                openedAt,
                ...(selfService === undefined ? {} : { selfService }),
                ...(requester ? { requester } : {}),
              },
            ]
          : [];
      })
      .slice(0, limit);
  }

  /** The work-note text: the note, then its link the way this instance can show it. */
  renderNote(note: TicketNote): string {
    const body = neutraliseCodeTags(markedText(note));
    if (!note.link) return body;
    const url = note.link.url.replace(/\[/g, '%5B').replace(/\]/g, '%5D');
    const label = neutraliseCodeTags(note.link.label);
    // Only http(s) becomes a clickable link: anything else (javascript:, data:) stays inert text.
    if (this.connection.workNotesFormat === 'code' && /^https?:\/\//i.test(url)) {
      return `${body}\n[code]<a href="${escapeHtml(url)}" target="_blank">${escapeHtml(label)}</a>[/code]`;
    }
    return `${body}\n${label}: ${url}`;
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
    { timeoutMs = this.timeoutMs, waitOnRateLimit = true, table = this.connection.table } = {},
  ): Promise<Json> {
    const { baseUrl } = this.connection;
    const record = sysId === undefined ? '' : `/${encodeURIComponent(sysId)}`;
    const url = `${baseUrl}/api/now/table/${encodeURIComponent(table)}${record}?${query}`;
    let refreshed = false;
    let waited = false;
    for (;;) {
      const authorization = await this.authorization(detail);
      const response = await timedFetch(
        url,
        {
          method,
          headers: {
            accept: 'application/json',
            authorization,
            ...(body ? { 'content-type': 'application/json' } : {}),
          },
          body: body ? JSON.stringify(body) : undefined,
        },
        timeoutMs,
        detail,
      );
      if (response.ok) {
        const parsed = (await response.json().catch(() => undefined)) as unknown;
        if (!isObject(parsed))
          throw new TicketSystemPermanentError(`${detail}: ServiceNow answered without JSON`);
        return parsed;
      }
      if (response.status === 401 && this.connection.outboundAuth === 'oauth' && !refreshed) {
        // The token may have been revoked or expired early: one new token, one more try.
        await response.body?.cancel();
        refreshed = true;
        await this.dropToken(authorization);
        continue;
      }
      if (response.status === 429 && waitOnRateLimit && !waited) {
        const seconds = retryAfterSeconds(response.headers.get('retry-after'), this.now());
        if (seconds !== undefined && seconds <= MAX_INLINE_RETRY_AFTER_SECONDS) {
          await response.body?.cancel();
          waited = true;
          await this.sleep(seconds * 1000);
          continue;
        }
      }
      return this.fail(response, detail);
    }
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
      return throwForStatus(
        new Response(body, { status: 403, headers: response.headers }),
        detail,
        this.hints(),
      );
    }
    return throwForStatus(response, detail, this.hints());
  }

  private hints() {
    const c = this.connection;
    const auth =
      c.outboundAuth === 'oauth'
        ? 'on 401 check the OAuth client id and secret and its OAuth Application User'
        : "on 401 check the integration user's user name and password";
    return {
      forbidden: `${auth}; the integration user needs the itil role (or read access to ${c.table} and ${c.requesterEmailField}, and write access to ${c.table}.work_notes, ${c.verificationUrlField}, state, close_code and close_notes, and read access to sys_journal_field to check a repeated note), plus snc_platform_rest_api_access if the instance's Table API REST_Endpoint ACL is active`,
    };
  }

  private async authorization(detail: string): Promise<string> {
    const secret = await this.credentials();
    if (this.connection.outboundAuth === 'basic') {
      if (!secret.includes(':')) {
        throw new TicketSystemPermanentError(`${detail}: the outbound credentials must be user:password`);
      }
      return basicAuth(secret);
    }
    const client = parseClient(secret, detail);
    const token = await tokens.get(this.tokenKey(client), this.now(), () => this.requestToken(client));
    return `Bearer ${token.accessToken}`;
  }

  /** Forgets the token that was refused, unless another call already replaced it. */
  private async dropToken(authorization: string): Promise<void> {
    const client = parseClient(await this.credentials(), 'ServiceNow OAuth');
    tokens.drop(this.tokenKey(client), authorization.replace(/^Bearer /, ''));
  }

  private tokenKey(client: { clientId: string; clientSecret: string }): string {
    const secretHash = createHash('sha256').update(client.clientSecret).digest('hex');
    return `${this.connection.baseUrl}\n${client.clientId}\n${secretHash}`;
  }

  private async requestToken(client: { clientId: string; clientSecret: string }): Promise<AccessToken> {
    const detail = 'POST oauth_token.do';
    const response = await timedFetch(
      `${this.connection.baseUrl}/oauth_token.do`,
      {
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: client.clientId,
          client_secret: client.clientSecret,
        }).toString(),
      },
      this.timeoutMs,
      detail,
    );
    if (!response.ok) {
      await throwForStatus(response, detail, {
        forbidden:
          'check the OAuth client id and secret, that glide.oauth.inbound.client.credential.grant_type.enabled is true (Washington DC or later) and that the OAuth entity has an OAuth Application User',
      });
    }
    const body = (await response.json().catch(() => undefined)) as unknown;
    if (!isObject(body) || typeof body.access_token !== 'string' || body.access_token === '') {
      throw new TicketSystemPermanentError(`${detail}: ServiceNow answered without an access token`);
    }
    return {
      accessToken: body.access_token,
      expiresAt: tokenExpiresAt(body.expires_in, 1800, TOKEN_EXPIRY_MARGIN_SECONDS, this.now()),
    };
  }
}

function parseClient(secret: string, detail: string): { clientId: string; clientSecret: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(secret);
  } catch {
    parsed = undefined;
  }
  if (
    !isObject(parsed) ||
    typeof parsed.clientId !== 'string' ||
    typeof parsed.clientSecret !== 'string' ||
    !parsed.clientId ||
    !parsed.clientSecret
  ) {
    throw new TicketSystemPermanentError(
      `${detail}: the outbound credentials must be JSON {"clientId","clientSecret"} for OAuth`,
    );
  }
  return { clientId: parsed.clientId, clientSecret: parsed.clientSecret };
}

const SYS_ID = /^[0-9a-f]{32}$/;

/**
 * An email as an encoded-query value: only characters that cannot start another condition (`^`),
 * form an operator (`=`, `!`, `<`, `>`) or a script (`javascript:`). Refused otherwise, without
 * echoing the address.
 */
function queryEmail(email: string, detail: string): string {
  if (!/^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/.test(email)) {
    throw new TicketSystemPermanentError(
      `${detail}: the email has characters a ServiceNow encoded query cannot carry safely`,
      400,
    );
  }
  return email;
}

/** ServiceNow's database date-time (UTC): 2024-05-01 12:52:29. */
const glideDateTime = (date: Date) => date.toISOString().slice(0, 19).replace('T', ' ');

/** A database date-time as ISO 8601 UTC, or '' when it is not one. */
function fromGlideDateTime(value: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$/.exec(value);
  const at = m ? Date.parse(`${m[1]}T${m[2]}Z`) : Number.NaN;
  return Number.isNaN(at) ? '' : new Date(at).toISOString();
}

/** `[code]` and `[/code]` (any case) lose their brackets, so text can never switch HTML rendering on or off. */
function neutraliseCodeTags(s: string): string {
  return s.replace(/\[(\/?)code\]/gi, (_m, slash: string) => `(${slash}code)`);
}

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A field value as text: a plain string, or the `value` of a {value, display_value, link} object. */
function text(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (isObject(v) && typeof v.value === 'string') return v.value;
  return '';
}

/**
 * Whether the requester opened a ticket while signed in: the channel (`contact_type`) says
 * self-service, or the record was opened by the caller themselves. Phone, walk-in, email and chat
 * are logged by an agent (or arrive by an email anyone can send). Undefined when neither is known.
 */
export function ticketCameInSignedIn(
  contactType: string,
  openedByEmail: string,
  requesterEmail: string,
): boolean | undefined {
  const channel = contactType.trim().toLowerCase();
  const openedBy = openedByEmail.trim().toLowerCase();
  if (channel === 'self-service' || channel === 'self_service') return true;
  if (openedBy && requesterEmail && openedBy === requesterEmail && channel !== 'email') return true;
  if (channel || openedBy) return false;
  return undefined;
}
