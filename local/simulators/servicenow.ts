/**
 * A ServiceNow simulator: the subset of an instance Helpdesk Verify talks to, faithful where our
 * adapter (shared/adapters/itsm/servicenow.ts) depends on it, with the same public shape as the local
 * ticket desk (local/ticket-desk.ts) so the local stack and the tests can use either.
 *
 * - Table API: GET/PATCH/PUT `/api/now/table/{table}/{sys_id}`, POST `/api/now/table/{table}`, and
 *   GET `/api/now/table/{table}` with an encoded `sysparm_query` (conditions `field=`, `!=`, `>=`,
 *   `<=`, `>`, `<` joined by `^`, dot-walking as for fields, `ORDERBY`/`ORDERBYDESC`; `=` and `!=`
 *   ignore case; an unknown field matches nothing, as with glide.invalid_query.returns_no_rows;
 *   other operators answer 400 here), `sysparm_limit` and `sysparm_offset`, for the incident table and sys_user, answers wrapped in `{"result": ...}`, errors as
 *   `{"error":{"message","detail"},"status":"failure"}`. `sysparm_fields` (invalid fields ignored,
 *   dot-walking through `caller_id`, e.g. `caller_id.email`), `sysparm_display_value`
 *   (false/true/all, for state, category and caller_id) and `sysparm_exclude_reference_link`.
 * - `work_notes` and `comments` are journals: each write appends one entry, reading the record
 *   returns "" for them (as the Table API does for database values).
 * - Resolving (state 6) or closing (7) without close_code and close_notes is refused with 403
 *   "Data Policy Exception", as ServiceNow does when a data policy makes them mandatory (the usual
 *   incident setup).
 * - Auth: Basic with the configured `user:password`; with `oauthClient`, POST /oauth_token.do
 *   (client credentials, form-encoded) issues bearer tokens that live 1799 s.
 * - Inserting an incident (POST, the page, or `open()`) runs what our business rule does: an
 *   async POST of `{table, sys_id, number, operation: "insert"}` to
 *   `${webhookBaseUrl}/${connectionId}`, signed `t=..,v1=..`, retried on 5xx and network errors.
 * - Journal entries: GET `/api/now/table/sys_journal_field` lists the work_notes and comments
 *   entries (`element_id`, `element`, `value`, `sys_created_on`), with the same encoded queries
 *   plus `LIKE` (contains, ignoring case).
 * - Fault injection like the desk (POST /_faults or `setFaults`): reads or writes answer 503, 404
 *   or 429 (Retry-After: 1) for the next N calls, or (`slow`, writes) are made but answered only
 *   after `slowAnswerMs`, as an instance under load does past the client's timeout.
 * - A rate limit rule (`limitFor(seconds)`): every Table API call answers 429 until the window ends,
 *   with the Retry-After of what is left of it, as an instance's hourly limit does.
 * - A page at / to open incidents and read their work notes.
 * Records persist in a JSON file when a path is given.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { escapeHtml } from '../html.js';
import {
  LocalItsm,
  type LocalItsmOptions,
  type NewTicket,
  readText,
  sendJson as send,
  signatureHeader,
} from './local-itsm.js';

interface SimulatedNote {
  at: string;
  text: string;
}

export interface SimulatedIncident {
  /** The sys_id: 32 lowercase hex characters. */
  id: string;
  number: string;
  category: string;
  /** short_description */
  subject: string;
  /** description: the caller's own words. */
  description?: string;
  /** The caller's email (caller_id.email). */
  requesterEmail: string;
  /** caller_id: the sys_user record's sys_id. */
  callerId: string;
  /** The incident state's database value: 1 New, 2 In Progress, 3 On Hold, 6 Resolved, 7 Closed, 8 Canceled. */
  state: string;
  /** u_verification */
  verificationUrl?: string;
  closeCode?: string;
  closeNotes?: string;
  resolvedAt?: string;
  /** The work_notes journal, oldest first. */
  notes: SimulatedNote[];
  /** The comments (additional comments, customer visible) journal. */
  comments: SimulatedNote[];
  openedAt: string;
  updatedAt: string;
  modCount: number;
  webhook: { connectionId: string; deliveries: { at: string; status: number | string }[] };
}

export interface SimulatedUser {
  sys_id: string;
  email: string;
  name: string;
  user_name: string;
}

/** `slow`: the write is made, and the answer held for `slowAnswerMs` (past a client's timeout). */
type FaultMode = 'unavailable' | 'not_found' | 'rate_limited' | 'slow';

export interface ServiceNowSimulatorOptions extends LocalItsmOptions {
  /** user:password accepted with Basic auth. */
  credentials: string;
  /** Enables POST /oauth_token.do (client credentials grant). */
  oauthClient?: { clientId: string; clientSecret: string };
  /** The signing secret per connection. */
  webhookSecret: (connectionId: string) => string;
  defaultConnectionId: string;
  /** The ticket table, default incident. */
  table?: string;
  /** How long a `slow` write holds its answer, ms (default 3000; `slowAnswerMs` changes it later). */
  slowAnswerMs?: number;
}

const VERIFICATION_FIELD = 'u_verification';
const TOKEN_LIFETIME_SECONDS = 1799;
const CATEGORIES = ['password_reset', 'mfa_reset', 'account_unlock', 'hardware', 'software', 'inquiry'];
const CATEGORY_LABELS: Record<string, string> = {
  password_reset: 'Password Reset',
  mfa_reset: 'MFA Reset',
  account_unlock: 'Account Unlock',
  hardware: 'Hardware',
  software: 'Software',
  inquiry: 'Inquiry / Help',
  network: 'Network',
  database: 'Database',
};
const STATE_LABELS: Record<string, string> = {
  '1': 'New',
  '2': 'In Progress',
  '3': 'On Hold',
  '6': 'Resolved',
  '7': 'Closed',
  '8': 'Canceled',
};

/** A reference field's value: the referenced record's table and sys_id. */
class Ref {
  constructor(
    readonly table: string,
    readonly id: string,
  ) {}
}
type FieldValue = string | Ref;
type DisplayMode = 'false' | 'true' | 'all';

class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly detail: string | null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const NOT_FOUND = () =>
  new ApiError(404, 'No Record found', "Record doesn't exist or ACL restricts the record retrieval");
const NOT_AUTHENTICATED = () =>
  new ApiError(401, 'User Not Authenticated', 'Required to provide Auth information', {
    'www-authenticate': 'BASIC realm="Service-now"',
  });

export class ServiceNowSimulator extends LocalItsm<
  FaultMode,
  { incidents: SimulatedIncident[]; users: SimulatedUser[] }
> {
  protected readonly label = 'ServiceNow simulator';
  private readonly incidents: SimulatedIncident[];
  private readonly users: SimulatedUser[];
  private readonly byId = new Map<string, SimulatedIncident>();
  private readonly tokens = new Map<string, number>();
  private readonly table: string;
  /** How long a `slow` write holds its answer, ms. */
  slowAnswerMs: number;
  /** Until when (epoch ms) a rate limit rule refuses every Table API call; see `limitFor`. */
  private limitedUntil = 0;

  constructor(private readonly options: ServiceNowSimulatorOptions) {
    super(options);
    this.slowAnswerMs = options.slowAnswerMs ?? 3000;
    this.table = options.table ?? 'incident';
    const data = this.restore();
    this.incidents = data?.incidents ?? [];
    this.users = data?.users ?? [];
    for (const i of this.incidents) this.byId.set(i.id, i);
  }

  protected snapshot() {
    return { incidents: this.incidents, users: this.users };
  }

  protected override failed(res: ServerResponse, error: unknown): void {
    fail(res, error instanceof ApiError ? error : new ApiError(500, 'Internal server error', String(error)));
  }

  /** The incidents a caller opened (tests: what the simulated requester remembers asking for). */
  incidentsOf(email: string): SimulatedIncident[] {
    return this.incidents.filter((i) => i.requesterEmail.toLowerCase() === email.toLowerCase());
  }

  get(id: string): SimulatedIncident | undefined {
    return this.byId.get(id);
  }

  /**
   * Opens an incident and, like the business rule after insert, delivers the webhook in the
   * background. With `deliver: false` the caller delivers it (tests that sign their own deliveries).
   */
  open(
    input: NewTicket,
    { deliver = true, openedAt }: { deliver?: boolean; openedAt?: Date } = {},
  ): SimulatedIncident {
    const caller = this.userFor(input.requesterEmail);
    return this.insert(
      {
        category: input.category,
        subject: input.subject,
        description: input.description,
        caller,
        connectionId: input.connectionId ?? this.options.defaultConnectionId,
        openedAt,
      },
      deliver,
    );
  }

  /** Invalidates every OAuth token issued so far, as revoking them on the instance would. */
  revokeTokens(): void {
    this.tokens.clear();
  }

  private insert(
    input: {
      category: string;
      subject: string;
      description?: string;
      caller?: SimulatedUser;
      connectionId: string;
      openedAt?: Date;
    },
    deliver: boolean,
  ): SimulatedIncident {
    const seq = this.incidents.length + 1;
    const now = (input.openedAt ?? new Date()).toISOString();
    const incident: SimulatedIncident = {
      id: randomBytes(16).toString('hex'),
      number: `INC${String(10000 + seq).padStart(7, '0')}`,
      category: input.category,
      subject: input.subject,
      ...(input.description ? { description: input.description } : {}),
      requesterEmail: input.caller?.email ?? '',
      callerId: input.caller?.sys_id ?? '',
      state: '1',
      notes: [],
      comments: [],
      openedAt: now,
      updatedAt: now,
      modCount: 0,
      webhook: { connectionId: input.connectionId, deliveries: [] },
    };
    this.incidents.push(incident);
    this.byId.set(incident.id, incident);
    this.save();
    if (deliver) this.deliverInsert(incident);
    return incident;
  }

  /** The sys_user record for an email, created the first time it is seen. */
  private userFor(email: string): SimulatedUser | undefined {
    if (!email) return undefined;
    const existing = this.users.find((u) => u.email.toLowerCase() === email.toLowerCase());
    if (existing) return existing;
    const userName = email.split('@')[0] ?? email;
    const user: SimulatedUser = {
      sys_id: randomBytes(16).toString('hex'),
      email,
      user_name: userName,
      name: userName
        .split(/[._-]+/)
        .filter(Boolean)
        .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
        .join(' '),
    };
    this.users.push(user);
    this.save();
    return user;
  }

  /** What the shipped business rule sends (integrations/servicenow/helpdesk-verify-business-rule.js). */
  private deliverInsert(incident: SimulatedIncident): void {
    const body = JSON.stringify({
      table: this.table,
      sys_id: incident.id,
      number: incident.number,
      operation: 'insert',
    });
    const { connectionId } = incident.webhook;
    this.deliver(
      connectionId,
      body,
      () => signatureHeader(body, this.options.webhookSecret(connectionId)),
      (status) => incident.webhook.deliveries.push({ at: new Date().toISOString(), status }),
    );
  }

  private authenticate(req: IncomingMessage): void {
    const given = req.headers.authorization ?? '';
    if (/^bearer /i.test(given)) {
      const expiresAt = this.tokens.get(given.slice(7).trim());
      if (expiresAt !== undefined && expiresAt > Date.now()) return;
      throw NOT_AUTHENTICATED();
    }
    const expected = `Basic ${Buffer.from(this.options.credentials).toString('base64')}`;
    if (!safeEqual(given, expected)) throw NOT_AUTHENTICATED();
  }

  /** A rate limit rule refuses every Table API call for the next `seconds`. */
  limitFor(seconds: number): void {
    this.limitedUntil = Date.now() + seconds * 1000;
  }

  protected async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://instance');
    const method = req.method ?? 'GET';
    if (method === 'GET' && url.pathname === '/') return page(res, this.incidents, this.table);
    if (method === 'POST' && url.pathname === '/ui/incidents') {
      const form = new URLSearchParams(await readText(req));
      this.open({
        category: form.get('category') ?? 'inquiry',
        subject: form.get('subject') ?? '',
        requesterEmail: form.get('requesterEmail') ?? '',
      });
      res.writeHead(303, { location: '/' });
      return void res.end();
    }
    // Dev hook for the demo: an incident as the simulator holds it, work notes included (the Table
    // API returns journal fields empty, as ServiceNow does).
    const record = /^\/_records\/([0-9a-f]{32})$/.exec(url.pathname);
    if (method === 'GET' && record?.[1]) {
      const incident = this.get(record[1]);
      res.writeHead(incident ? 200 : 404, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify(incident ? { record: incident } : { error: 'no such incident' }));
    }
    if (method === 'POST' && url.pathname === '/oauth_token.do') return this.issueToken(req, res);
    if (!url.pathname.startsWith('/api/')) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      return void res.end('Not found');
    }
    this.authenticate(req);
    const limitedFor = Math.ceil((this.limitedUntil - Date.now()) / 1000);
    if (limitedFor > 0) {
      this.calls.push({ method, id: '(rate limit)', status: 429 });
      throw new ApiError(429, 'Rate limit exceeded', 'Rate limit rule: too many requests this hour', {
        'retry-after': String(limitedFor),
      });
    }

    const match = /^\/api\/now\/(?:v[12]\/)?table\/([^/]+)(?:\/([^/]+))?$/.exec(url.pathname);
    if (!match) throw new ApiError(400, 'Requested URI does not represent any resource', null);
    const table = decodeURIComponent(match[1] ?? '');
    const id = match[2] === undefined ? undefined : decodeURIComponent(match[2]);
    const journal = table === 'sys_journal_field' && id === undefined && method === 'GET';
    if (table !== this.table && table !== 'sys_user' && !journal)
      throw new ApiError(400, `Invalid table ${table}`, null);
    const view = {
      fields: url.searchParams.get('sysparm_fields'),
      display: (['true', 'all'].includes(url.searchParams.get('sysparm_display_value') ?? '')
        ? url.searchParams.get('sysparm_display_value')
        : 'false') as DisplayMode,
      excludeLinks: url.searchParams.get('sysparm_exclude_reference_link') === 'true',
    };

    if (id === undefined) {
      if (method === 'GET') return this.listRecords(table, url.searchParams, view, res);
      if (method !== 'POST') throw new ApiError(405, 'Method not Supported', `${method} ${url.pathname}`);
      const body = await readJson(req);
      if (table === 'sys_user') {
        const email = typeof body.email === 'string' ? body.email : '';
        const user = this.userFor(email);
        if (!user) throw new ApiError(400, 'Invalid request', 'email is required in this simulator');
        return send(res, 201, { result: this.render(table, user.sys_id, view) });
      }
      const caller = this.users.find((u) => u.sys_id === body.caller_id);
      const incident = this.insert(
        {
          category: typeof body.category === 'string' ? body.category : '',
          subject: typeof body.short_description === 'string' ? body.short_description : '',
          ...(typeof body.description === 'string' ? { description: body.description } : {}),
          caller,
          connectionId: this.options.defaultConnectionId,
        },
        true,
      );
      return send(res, 201, { result: this.render(table, incident.id, view) });
    }

    const isWrite = method === 'PATCH' || method === 'PUT';
    if (!isWrite && method !== 'GET') {
      throw new ApiError(405, 'Method not Supported', `${method} is not supported here`);
    }
    const injected = this.fault(isWrite ? 'writes' : 'reads');
    const slow = injected === 'slow' && isWrite;
    const exists =
      table === 'sys_user' ? this.users.some((u) => u.sys_id === id) : this.byId.has(id as string);
    const status =
      injected === 'unavailable'
        ? 503
        : injected === 'rate_limited'
          ? 429
          : injected === 'not_found' || !exists
            ? 404
            : 200;
    // A write that fails on its body is recorded with that status below, not as 200.
    if (status !== 200 || !isWrite) this.calls.push({ method, id, status });
    if (status === 429) {
      throw new ApiError(429, 'Rate limit exceeded', 'Too many requests for this user; try again later', {
        'retry-after': '1',
      });
    }
    if (status === 503) throw new ApiError(503, 'Service Unavailable', 'The instance is unavailable');
    if (status === 404) throw NOT_FOUND();
    if (!isWrite) return send(res, 200, { result: this.render(table, id, view) });

    try {
      if (table !== this.table) throw new ApiError(403, 'Operation Failed', 'ACL Exception Update Failed');
      this.update(this.byId.get(id) as SimulatedIncident, await readJson(req));
    } catch (error) {
      this.calls.push({ method, id, status: error instanceof ApiError ? error.status : 500 });
      throw error;
    }
    this.calls.push({ method, id, status: 200 });
    const answer = { result: this.render(table, id, view) };
    if (slow) await new Promise((resolve) => setTimeout(resolve, this.slowAnswerMs));
    return send(res, 200, answer);
  }

  /** GET on a table: the records an encoded query selects, ordered, one page of them. */
  private listRecords(
    table: string,
    params: URLSearchParams,
    view: { fields: string | null; display: DisplayMode; excludeLinks: boolean },
    res: ServerResponse,
  ) {
    const injected = this.fault('reads');
    const status = injected === 'unavailable' ? 503 : injected === 'rate_limited' ? 429 : 200;
    let query: ReturnType<typeof parseEncodedQuery> = { conditions: [] };
    try {
      if (status === 200) query = parseEncodedQuery(params.get('sysparm_query') ?? '');
    } catch (error) {
      this.calls.push({ method: 'GET', id: '(query)', status: 400 });
      throw error;
    }
    this.calls.push({ method: 'GET', id: '(query)', status });
    if (status === 429) {
      throw new ApiError(429, 'Rate limit exceeded', 'Too many requests for this user; try again later', {
        'retry-after': '1',
      });
    }
    if (status === 503) throw new ApiError(503, 'Service Unavailable', 'The instance is unavailable');
    const { conditions, order } = query;
    const ids =
      table === 'sys_user'
        ? this.users.map((u) => u.sys_id)
        : table === 'sys_journal_field'
          ? [...this.journalEntries().keys()]
          : this.incidents.map((i) => i.id);
    const selected = ids.filter((id) =>
      conditions.every((c) => {
        const value = this.fieldValue(table, id, c.field);
        return value !== undefined && compare(value, c.operator, c.value);
      }),
    );
    if (order) {
      const key = (id: string) => this.fieldValue(table, id, order.field) ?? '';
      selected.sort((a, b) => key(a).localeCompare(key(b)) * (order.descending ? -1 : 1));
    }
    const whole = (name: string, fallback: number) => {
      const n = Number(params.get(name) ?? fallback);
      return Number.isInteger(n) && n >= 0 ? n : fallback;
    };
    const offset = whole('sysparm_offset', 0);
    const page = selected.slice(offset, offset + whole('sysparm_limit', 10_000));
    return send(res, 200, { result: page.map((id) => this.render(table, id, view)) });
  }

  /** A field's database value, dot-walked one hop (a reference compares by its sys_id). */
  private fieldValue(table: string, id: string, name: string): string | undefined {
    const [head, ...rest] = name.split('.');
    const value = this.fieldsOf(table, id)[head as string];
    if (rest.length === 0) return value instanceof Ref ? value.id : value;
    if (!(value instanceof Ref)) return undefined;
    if (!value.id) return '';
    const walked = this.fieldsOf(value.table, value.id)[rest.join('.')];
    return walked instanceof Ref ? walked.id : walked;
  }

  /** A PATCH/PUT: only the fields given change; journals append; unknown fields are ignored. */
  private update(incident: SimulatedIncident, body: Record<string, unknown>): void {
    const str = (key: string): string | undefined => {
      const v = body[key];
      return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
    };
    const next = {
      state: str('state') ?? incident.state,
      closeCode: str('close_code') ?? incident.closeCode ?? '',
      closeNotes: str('close_notes') ?? incident.closeNotes ?? '',
    };
    // As the incident data policy does: resolving or closing needs the resolution code and notes.
    if (next.state === '6' || next.state === '7') {
      const missing = [
        ...(next.closeCode.trim() ? [] : ['Resolution code']),
        ...(next.closeNotes.trim() ? [] : ['Resolution notes']),
      ];
      if (missing.length > 0) {
        throw new ApiError(
          403,
          'Operation Failed',
          `Data Policy Exception: \n\tThe following fields are mandatory: ${missing.join(', ')}\n`,
        );
      }
    }
    const now = new Date().toISOString();
    if (next.state !== incident.state && next.state === '6') incident.resolvedAt = now;
    incident.state = next.state;
    if (str('close_code') !== undefined) incident.closeCode = next.closeCode;
    if (str('close_notes') !== undefined) incident.closeNotes = next.closeNotes;
    if (str(VERIFICATION_FIELD) !== undefined) incident.verificationUrl = str(VERIFICATION_FIELD);
    if (str('short_description') !== undefined) incident.subject = str('short_description') as string;
    if (str('category') !== undefined) incident.category = str('category') as string;
    const workNote = str('work_notes');
    if (workNote?.trim()) incident.notes.push({ at: now, text: workNote });
    const comment = str('comments');
    if (comment?.trim()) incident.comments.push({ at: now, text: comment });
    incident.updatedAt = now;
    incident.modCount += 1;
    this.save();
  }

  /** A record as the Table API returns it, given sysparm_fields, sysparm_display_value and links. */
  private render(
    table: string,
    id: string,
    view: { fields: string | null; display: DisplayMode; excludeLinks: boolean },
  ): Record<string, unknown> {
    const fields = this.fieldsOf(table, id);
    const names = view.fields
      ? view.fields
          .split(',')
          .map((f) => f.trim())
          .filter(Boolean)
      : Object.keys(fields);
    const out: Record<string, unknown> = {};
    for (const name of names) {
      const [head, ...rest] = name.split('.');
      let value = fields[head as string];
      if (value === undefined) continue; // invalid fields are ignored
      if (rest.length > 0) {
        if (!(value instanceof Ref)) continue;
        // Dot-walking: one hop through a reference (caller_id.email), an empty reference gives "".
        value = value.id ? this.fieldsOf(value.table, value.id)[rest.join('.')] : '';
        if (value === undefined || value instanceof Ref) continue;
      }
      out[name] = this.present(head as string, value, view);
    }
    return out;
  }

  private present(
    field: string,
    value: FieldValue,
    view: { display: DisplayMode; excludeLinks: boolean },
  ): unknown {
    if (value instanceof Ref) {
      const link = `${this.baseUrl}/api/now/table/${value.table}/${value.id}`;
      const display = this.users.find((u) => u.sys_id === value.id)?.name ?? '';
      if (!value.id) return view.display === 'all' ? { display_value: '', value: '' } : '';
      if (view.display === 'false') return view.excludeLinks ? value.id : { link, value: value.id };
      if (view.display === 'true') return view.excludeLinks ? display : { link, display_value: display };
      return { display_value: display, value: value.id, ...(view.excludeLinks ? {} : { link }) };
    }
    const label =
      field === 'state' || field === 'incident_state'
        ? (STATE_LABELS[value] ?? value)
        : field === 'category'
          ? (CATEGORY_LABELS[value] ?? value)
          : value;
    if (view.display === 'false') return value;
    if (view.display === 'true') return label;
    return { display_value: label, value };
  }

  /** Every journal entry (work notes and comments) by a sys_id derived from its place. */
  private journalEntries(): Map<string, Record<string, FieldValue>> {
    const entries = new Map<string, Record<string, FieldValue>>();
    for (const i of this.incidents) {
      for (const [element, journal] of [
        ['work_notes', i.notes],
        ['comments', i.comments],
      ] as const) {
        journal.forEach((note, n) => {
          const sysId = createHash('md5').update(`${i.id}:${element}:${n}`).digest('hex');
          entries.set(sysId, {
            sys_id: sysId,
            element_id: i.id,
            element,
            name: this.table,
            value: note.text,
            sys_created_on: glideDate(note.at),
          });
        });
      }
    }
    return entries;
  }

  private fieldsOf(table: string, id: string): Record<string, FieldValue> {
    if (table === 'sys_journal_field') return this.journalEntries().get(id) ?? {};
    if (table === 'sys_user') {
      const u = this.users.find((x) => x.sys_id === id);
      return u ? { sys_id: u.sys_id, email: u.email, name: u.name, user_name: u.user_name } : {};
    }
    const i = this.byId.get(id);
    if (!i) return {};
    return {
      sys_id: i.id,
      number: i.number,
      short_description: i.subject,
      description: i.description ?? '',
      category: i.category,
      state: i.state,
      incident_state: i.state,
      active: i.state === '7' || i.state === '8' ? 'false' : 'true',
      caller_id: new Ref('sys_user', i.callerId),
      opened_at: glideDate(i.openedAt),
      resolved_at: i.resolvedAt ? glideDate(i.resolvedAt) : '',
      close_code: i.closeCode ?? '',
      close_notes: i.closeNotes ?? '',
      [VERIFICATION_FIELD]: i.verificationUrl ?? '',
      work_notes: '',
      comments: '',
      sys_class_name: this.table,
      sys_created_on: glideDate(i.openedAt),
      sys_updated_on: glideDate(i.updatedAt),
      sys_mod_count: String(i.modCount),
    };
  }

  /** POST /oauth_token.do with grant_type=client_credentials (form-encoded). */
  private async issueToken(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = new URLSearchParams(await readText(req));
    const client = this.options.oauthClient;
    if (form.get('grant_type') !== 'client_credentials') {
      return send(res, 400, { error: 'unsupported_grant_type', error_description: 'access_denied' });
    }
    if (
      !client ||
      !safeEqual(form.get('client_id') ?? '', client.clientId) ||
      !safeEqual(form.get('client_secret') ?? '', client.clientSecret)
    ) {
      return send(res, 401, { error: 'server_error', error_description: 'access_denied' });
    }
    const token = randomBytes(32).toString('base64url');
    this.tokens.set(token, Date.now() + TOKEN_LIFETIME_SECONDS * 1000);
    return send(res, 200, {
      access_token: token,
      scope: 'useraccount',
      token_type: 'Bearer',
      expires_in: TOKEN_LIFETIME_SECONDS,
    });
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

type Operator = '=' | '!=' | '>=' | '<=' | '>' | '<' | 'LIKE';

/** The subset of encoded-query syntax this simulator understands; anything else is a 400. */
function parseEncodedQuery(encoded: string): {
  conditions: { field: string; operator: Operator; value: string }[];
  order?: { field: string; descending: boolean };
} {
  const conditions: { field: string; operator: Operator; value: string }[] = [];
  let order: { field: string; descending: boolean } | undefined;
  for (const part of encoded.split('^').filter(Boolean)) {
    const sort = /^ORDERBY(DESC)?([\w.]+)$/.exec(part);
    if (sort?.[2]) {
      order = { field: sort[2], descending: sort[1] !== undefined };
      continue;
    }
    const condition = /^([\w.]+?)(!=|>=|<=|=|>|<|LIKE)(.*)$/.exec(part);
    if (!condition?.[1] || /^(OR|NQ)/.test(part)) {
      throw new ApiError(400, 'Invalid query', `This simulator does not support the condition "${part}"`);
    }
    conditions.push({ field: condition[1], operator: condition[2] as Operator, value: condition[3] ?? '' });
  }
  return { conditions, order };
}

/** `=`, `!=` and `LIKE` (contains) ignore case (as on a case-insensitive database); the rest compare as text. */
function compare(actual: string, operator: Operator, expected: string): boolean {
  const folded = operator === '=' || operator === '!=' || operator === 'LIKE';
  const a = folded ? actual.toLowerCase() : actual;
  const e = folded ? expected.toLowerCase() : expected;
  switch (operator) {
    case 'LIKE':
      return a.includes(e);
    case '=':
      return a === e;
    case '!=':
      return a !== e;
    case '>=':
      return a >= e;
    case '<=':
      return a <= e;
    case '>':
      return a > e;
    case '<':
      return a < e;
  }
}

/** ServiceNow's database date-time format, UTC: 2024-05-01 12:52:29. */
const glideDate = (iso: string) => iso.slice(0, 19).replace('T', ' ');

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = await readText(req);
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
  } catch {
    // answered below
  }
  throw new ApiError(400, 'Exception while reading request', 'The payload is not valid JSON.');
}

function fail(res: ServerResponse, error: ApiError) {
  send(
    res,
    error.status,
    { error: { message: error.message, detail: error.detail }, status: 'failure' },
    error.headers,
  );
}

/**
 * A work note as an agent sees it: with glide.ui.security.allow_codetag on, our exact link markup
 * inside [code] renders as a link; everything else is shown as text.
 */
function renderNote(text: string): string {
  const link = /\[code\]<a href="([^"<>]*)" target="_blank">([^<>]*)<\/a>\[\/code\]/g;
  let html = '';
  let last = 0;
  for (const m of text.matchAll(link)) {
    html += escapeHtml(text.slice(last, m.index));
    const href = unescapeHtml(m[1] ?? '');
    const label = unescapeHtml(m[2] ?? '');
    html += /^https?:\/\//i.test(href)
      ? `<a href="${escapeHtml(href)}" target="_blank" rel="noopener noreferrer">${escapeHtml(label)}</a>`
      : escapeHtml(m[0]);
    last = m.index + m[0].length;
  }
  return html + escapeHtml(text.slice(last));
}

const unescapeHtml = (s: string) =>
  s.replace(
    /&(amp|lt|gt|quot|#39);/g,
    (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e] ?? '',
  );

function page(res: ServerResponse, incidents: SimulatedIncident[], table: string) {
  const rows = [...incidents]
    .reverse()
    .map(
      (
        i,
      ) => `<article><h2>${escapeHtml(i.number)} <small>${escapeHtml(CATEGORY_LABELS[i.category] ?? i.category)} · ${escapeHtml(STATE_LABELS[i.state] ?? i.state)}</small></h2>
<p>${escapeHtml(i.subject)} — ${escapeHtml(i.requesterEmail)}</p>
<p class="meta">sys_id ${escapeHtml(i.id)}</p>
${i.verificationUrl && /^https?:\/\//i.test(i.verificationUrl) ? `<p>Verification: <a href="${escapeHtml(i.verificationUrl)}" target="_blank" rel="noopener noreferrer">Send Verification Link</a></p>` : ''}
${i.closeCode ? `<p>Resolution: ${escapeHtml(i.closeCode)} — ${escapeHtml(i.closeNotes ?? '')}</p>` : ''}
<h3>Work notes</h3>${
        i.notes.length === 0
          ? '<p class="meta">None yet.</p>'
          : `<ol>${[...i.notes]
              .reverse()
              .map((n) => `<li><time>${escapeHtml(n.at)}</time><pre>${renderNote(n.text)}</pre></li>`)
              .join('')}</ol>`
      }</article>`,
    )
    .join('');
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  });
  res.end(`<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>ServiceNow simulator</title>
<style>body{font:15px/1.4 system-ui,sans-serif;max-width:52rem;margin:1rem auto;padding:0 1rem;overflow-wrap:anywhere}article{border:1px solid #ccc;border-radius:6px;padding:.5rem 1rem;margin:1rem 0}h3{font-size:1rem;margin:.6rem 0 .2rem}ol{padding-left:1.2rem}pre{white-space:pre-wrap;margin:.2rem 0;font:inherit}small,.meta{color:#555;font-weight:normal}.meta{font-size:.85rem}form{display:grid;gap:.6rem;max-width:28rem}label{display:grid;gap:.2rem}input,select,button{font:inherit;padding:.35rem;max-width:100%;box-sizing:border-box}</style>
<h1>ServiceNow simulator</h1>
<p>A stand-in instance for the local stack: the ${escapeHtml(table)} table through the Table API. Opening an incident runs the Helpdesk Verify business rule (a signed webhook); its work notes show what Helpdesk Verify wrote.</p>
<form method="post" action="/ui/incidents">
<label>Category <select name="category">${CATEGORIES.map((c) => `<option value="${c}">${escapeHtml(CATEGORY_LABELS[c] ?? c)}</option>`).join('')}</select></label>
<label>Short description <input name="subject" required value="Locked out, please reset my password"></label>
<label>Caller email <input name="requesterEmail" type="email" required value="zoe.martin@example.com"></label>
<button>Open incident</button></form>${rows}</html>`);
}
