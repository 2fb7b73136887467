/**
 * A simulated ChangeGear instance for the local stack and tests: the documented REST API subset
 * Helpdesk Verify uses, and ChangeGear-style webhooks. Same public shape as the local ticket desk
 * (local/ticket-desk.ts), so the local stack and tests can treat them alike.
 *
 * - `POST /cgrestapi/api/authenticate/user` `{username, password}` -> `{sessionId, userId}` (401 on
 *   a wrong password). Entity calls accept the session id in a `sessionid` header or as the whole
 *   `Authorization` value, or Basic credentials.
 * - Only the documented paths. Read: `GET /cgrestapi/api/entity/{entityType}/{id}?columns=..&
 *   columns=..` (also `columns[0]=..`): `columns` is required (400 without), the answer is a
 *   one-item array with the columns asked for (unknown ones left out) and the item's `eTag`. There
 *   is no `GET /cgrestapi/api/{entityType}/{id}` (405, as ASP.NET Web API answers a PUT-only route).
 * - `PUT /cgrestapi/api/{entityType}/{id}` `{eTag, ...fields}`: a stale eTag answers 409 (ChangeGear
 *   does not document the status; this is our assumption). Writing the note field appends one
 *   entry to the ticket's journal; a field the simulator does not know is stored silently on the
 *   side (answered 200, readable as a column, shown nowhere an agent looks), as a real instance
 *   may do with a custom or misspelt field; read-only fields answer 400. Every successful write
 *   bumps the eTag.
 * - Webhooks like ChangeGear's: on create and on update (agent edits and API writes alike), a POST
 *   of the whole item (the same JSON as the GET) to `${webhookBaseUrl}/${connectionId}` with
 *   `Authorization: Basic ...`, in the background, retried on 5xx and network errors.
 * - Fault injection (`setFaults`, or POST /_faults) as on the ticket desk, plus `stale_etag`: the
 *   next N writes (or the next N reads: right after answering) meet a concurrent edit.
 * - A page at / to open incidents, edit them as an agent would, and read their notes.
 * Tickets persist in a JSON file when a path is given.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  CHANGEGEAR_DEFAULTS,
  CHANGEGEAR_DESCRIPTION_FIELD,
  CHANGEGEAR_SUMMARY_FIELD,
} from '../../shared/adapters/itsm/changegear.js';
import { basicAuth } from '../../shared/adapters/itsm/http.js';
import { escapeHtml } from '../html.js';
import {
  LocalItsm,
  type LocalItsmOptions,
  type NewTicket,
  readText,
  redirectHome,
  sendJson as send,
} from './local-itsm.js';

/** The field names this simulator uses: the adapter's defaults (CHANGEGEAR_DEFAULTS) plus Summary. */
const SIMULATOR_FIELDS = {
  id: CHANGEGEAR_DEFAULTS.idField,
  number: CHANGEGEAR_DEFAULTS.numberField,
  category: CHANGEGEAR_DEFAULTS.categoryField,
  requesterEmail: CHANGEGEAR_DEFAULTS.requesterEmailField,
  note: CHANGEGEAR_DEFAULTS.noteField,
  status: CHANGEGEAR_DEFAULTS.statusField,
  summary: CHANGEGEAR_SUMMARY_FIELD,
  description: CHANGEGEAR_DESCRIPTION_FIELD,
  closeType: 'CloseType',
} as const;

interface ChangeGearNote {
  at: string;
  text: string;
  /** Who wrote it: the API user or an agent on the page. */
  by: string;
}

export interface ChangeGearRecord {
  /** The integer item ID, as a string (what the API paths and Ticket.ticketId carry). */
  id: string;
  /** The ItemID shown to agents, e.g. IR-0000042. */
  number: string;
  category: string;
  subject: string;
  /** Description: the requester's own words. */
  description?: string;
  requesterEmail: string;
  /** The Status value, e.g. New, In Progress, Pending Close. */
  state: string;
  /** ChangeGear has no documented URL field: the link is in the notes, so this stays undefined. */
  verificationUrl?: string;
  /** ChangeGear's Close Type, set only when a write sets CloseType (Helpdesk Verify puts its close code in the note). */
  closeCode?: string;
  notes: ChangeGearNote[];
  /** Fields written that the simulator does not know: kept, and shown nowhere an agent looks. */
  extra?: Record<string, string>;
  eTag: number;
  createdAt: string;
  modifiedAt: string;
  webhook: {
    connectionId: string;
    deliveries: { at: string; event: 'create' | 'update'; status: number | string }[];
  };
}

type FaultMode = 'unavailable' | 'not_found' | 'rate_limited' | 'stale_etag';

export interface AgentEdit {
  category?: string;
  subject?: string;
  requesterEmail?: string;
  state?: string;
  /** An agent's note, appended to the journal. */
  note?: string;
}

export interface ChangeGearSimulatorOptions extends LocalItsmOptions {
  /** user:password of the API user Helpdesk Verify logs in as. */
  credentials: string;
  /** The user:password the webhook sends as Basic, per connection. */
  webhookCredentials: (connectionId: string) => string;
  defaultConnectionId: string;
  /** The entity type in API paths (matched case-insensitively, as IIS does). */
  entityType?: string;
  /** Which events fire the webhook (ChangeGear lets the admin choose). Default: create and update. */
  webhookEvents?: ('create' | 'update')[];
}

const CATEGORIES = ['password_reset', 'mfa_reset', 'account_unlock', 'hardware', 'software', 'other'];
const STATUSES = ['New', 'Assigned', 'In Progress', 'Pending Close', 'Closed'];
const WRITABLE = new Set<string>([
  SIMULATOR_FIELDS.category,
  SIMULATOR_FIELDS.requesterEmail,
  SIMULATOR_FIELDS.note,
  SIMULATOR_FIELDS.status,
  SIMULATOR_FIELDS.summary,
  SIMULATOR_FIELDS.description,
  SIMULATOR_FIELDS.closeType,
]);

/** Fields the API shows but never lets a PUT change. */
const READ_ONLY = new Set<string>([
  SIMULATOR_FIELDS.id,
  SIMULATOR_FIELDS.number,
  'CreatedDateTime',
  'LastModifiedDateTime',
  'AllowedActions',
]);

export class ChangeGearSimulator extends LocalItsm<FaultMode, ChangeGearRecord[]> {
  protected readonly label = 'ChangeGear simulator';
  private readonly tickets: ChangeGearRecord[];
  private readonly byId = new Map<string, ChangeGearRecord>();
  private readonly sessions = new Set<string>();
  private readonly entityType: string;

  constructor(private readonly options: ChangeGearSimulatorOptions) {
    super(options);
    this.entityType = options.entityType ?? CHANGEGEAR_DEFAULTS.entityType;
    this.tickets = this.restore() ?? [];
    for (const t of this.tickets) this.byId.set(t.id, t);
  }

  protected snapshot(): ChangeGearRecord[] {
    return this.tickets;
  }

  protected override failed(res: ServerResponse, error: unknown): void {
    if (!res.headersSent) send(res, 500, { Message: String(error) });
    else res.end();
  }

  get(id: string): ChangeGearRecord | undefined {
    return this.byId.get(id);
  }

  /**
   * Opens an incident and delivers the create webhook in the background, as ChangeGear would. With
   * `deliver: false` no webhook is sent (tests and benchmarks that deliver their own).
   */
  open(input: NewTicket, { deliver = true } = {}): ChangeGearRecord {
    const seq = this.tickets.reduce((max, t) => Math.max(max, Number(t.id)), 0) + 1;
    const now = new Date().toISOString();
    const ticket: ChangeGearRecord = {
      id: String(seq),
      number: `IR-${String(seq).padStart(7, '0')}`,
      category: input.category,
      subject: input.subject,
      ...(input.description ? { description: input.description } : {}),
      requesterEmail: input.requesterEmail,
      state: 'New',
      notes: [],
      eTag: 1,
      createdAt: now,
      modifiedAt: now,
      webhook: { connectionId: input.connectionId ?? this.options.defaultConnectionId, deliveries: [] },
    };
    this.tickets.push(ticket);
    this.byId.set(ticket.id, ticket);
    this.save();
    if (deliver) this.fire(ticket, 'create');
    return ticket;
  }

  /** An agent edits the incident in ChangeGear: the eTag moves on and the update webhook fires. */
  update(id: string, changes: AgentEdit, { deliver = true } = {}): ChangeGearRecord {
    const ticket = this.byId.get(id);
    if (!ticket) throw new Error(`No incident ${id}`);
    if (changes.category !== undefined) ticket.category = changes.category;
    if (changes.subject !== undefined) ticket.subject = changes.subject;
    if (changes.requesterEmail !== undefined) ticket.requesterEmail = changes.requesterEmail;
    if (changes.state !== undefined) ticket.state = changes.state;
    if (changes.note) ticket.notes.push({ at: new Date().toISOString(), text: changes.note, by: 'agent' });
    this.touch(ticket);
    if (deliver) this.fire(ticket, 'update');
    return ticket;
  }

  /** Forgets every session, as an application-pool recycle would: the next call answers 401. */
  expireSessions(): void {
    this.sessions.clear();
  }

  /** The item as the API (and the webhook) shows it. */
  entity(ticket: ChangeGearRecord): Record<string, unknown> {
    const f = SIMULATOR_FIELDS;
    return {
      [f.id]: Number(ticket.id),
      [f.number]: ticket.number,
      [f.summary]: ticket.subject,
      [f.description]: ticket.description ?? '',
      [f.category]: ticket.category,
      [f.requesterEmail]: ticket.requesterEmail,
      [f.status]: ticket.state,
      [f.closeType]: ticket.closeCode ?? null,
      // The journal as one text, newest last, as a multi-line note field would read.
      [f.note]: ticket.notes.map((n) => `[${n.at}] ${n.by}: ${n.text}`).join('\n\n'),
      CreatedDateTime: ticket.createdAt,
      LastModifiedDateTime: ticket.modifiedAt,
      AllowedActions: 'View,Edit,Resolve,Close',
      eTag: ticket.eTag,
    };
  }

  /** The columns asked for (case-insensitively; unknown ones left out), plus the eTag. */
  private columns(ticket: ChangeGearRecord, columns: string[]): Record<string, unknown> {
    const all: Record<string, unknown> = { ...ticket.extra, ...this.entity(ticket) };
    const byLower = new Map(Object.keys(all).map((k) => [k.toLowerCase(), k]));
    const out: Record<string, unknown> = {};
    for (const column of columns) {
      const key = byLower.get(column.toLowerCase());
      if (key !== undefined) out[key] = all[key];
    }
    return { ...out, eTag: ticket.eTag };
  }

  private touch(ticket: ChangeGearRecord): void {
    ticket.eTag += 1;
    ticket.modifiedAt = new Date().toISOString();
    this.save();
  }

  private fire(ticket: ChangeGearRecord, event: 'create' | 'update'): void {
    if (!(this.options.webhookEvents ?? ['create', 'update']).includes(event)) return;
    // The payload is fixed when the event happens, as ChangeGear's would be.
    const body = JSON.stringify(this.entity(ticket));
    const { connectionId } = ticket.webhook;
    this.deliver(
      connectionId,
      body,
      () => ({ authorization: basicAuth(this.options.webhookCredentials(connectionId)) }),
      (status) => ticket.webhook.deliveries.push({ at: new Date().toISOString(), event, status }),
    );
  }

  private authorised(req: IncomingMessage): boolean {
    const sessionHeader = req.headers.sessionid;
    const authorization = req.headers.authorization ?? '';
    const session = typeof sessionHeader === 'string' ? sessionHeader : authorization;
    if (session && this.sessions.has(session)) return true;
    return sameText(authorization, basicAuth(this.options.credentials));
  }

  protected async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://changegear');
    const path = url.pathname.toLowerCase();
    const method = req.method ?? 'GET';
    if (method === 'GET' && path === '/') return page(res, this.tickets);
    if (method === 'POST' && path === '/ui/tickets') {
      const form = new URLSearchParams(await readText(req));
      this.open({
        category: form.get('category') ?? 'other',
        subject: form.get('subject') ?? '',
        requesterEmail: form.get('requesterEmail') ?? '',
      });
      return redirectHome(res);
    }
    const edit = /^\/ui\/tickets\/(\d+)$/.exec(path);
    if (method === 'POST' && edit?.[1] && this.byId.has(edit[1])) {
      const form = new URLSearchParams(await readText(req));
      this.update(edit[1], {
        state: form.get('state') || undefined,
        category: form.get('category') || undefined,
        note: form.get('note')?.trim() || undefined,
      });
      return redirectHome(res);
    }
    // Dev hooks for the demo: read a ticket as the simulator holds it (notes included), and open
    // one as an agent would in the UI (the REST API has no create here), answered with the record.
    const record = /^\/_records\/(\d+)$/.exec(path);
    if (method === 'GET' && record?.[1]) {
      const ticket = this.byId.get(record[1]);
      return ticket ? send(res, 200, { record: ticket }) : send(res, 404, { error: 'no such ticket' });
    }
    if (method === 'POST' && path === '/_tickets') {
      const input = JSON.parse((await readText(req)) || '{}') as Parameters<ChangeGearSimulator['open']>[0];
      return send(res, 201, { ticket: this.open(input) });
    }
    if (method === 'POST' && path === '/cgrestapi/api/authenticate/user') return this.login(req, res);

    const type = this.entityType.toLowerCase();
    const read = new RegExp(`^/cgrestapi/api/entity/${type}/([^/]+)$`).exec(path);
    const update = new RegExp(`^/cgrestapi/api/${type}/([^/]+)$`).exec(path);
    if (!read && !update) return send(res, 404, { Message: 'No HTTP resource was found' });
    // ASP.NET Web API: a route that exists for other methods answers 405.
    if ((read && method !== 'GET') || (update && method !== 'PUT'))
      return send(res, 405, {
        Message: `The requested resource does not support http method '${method}'.`,
      });
    if (!this.authorised(req)) return send(res, 401, { Message: 'Authorization has been denied' });
    const id = (read?.[1] ?? update?.[1]) as string;
    if (!/^\d+$/.test(id)) return send(res, 400, { Message: `The id '${id}' is not an integer` });
    const columns = [...url.searchParams.entries()]
      .filter(([name]) => /^columns(\[\d+\])?$/i.test(name))
      .map(([, value]) => value)
      .filter(Boolean);
    if (read && columns.length === 0)
      return send(res, 400, { Message: "The request is invalid: 'columns' is required" });

    const isWrite = method === 'PUT';
    const injected = this.fault(isWrite ? 'writes' : 'reads');
    const ticket = this.byId.get(id);
    // A concurrent edit: someone saved the incident just before this write (or right after this read).
    if (injected === 'stale_etag' && ticket && isWrite) this.touch(ticket);
    const status =
      injected === 'unavailable'
        ? 503
        : injected === 'rate_limited'
          ? 429
          : injected === 'not_found' || !ticket
            ? 404
            : 200;
    if (status === 429) {
      this.calls.push({ method, id, status });
      return send(res, 429, { Message: 'Too many requests' }, { 'retry-after': '1' });
    }
    if (status !== 200 || !ticket) {
      this.calls.push({ method, id, status });
      return send(res, status, { Message: status === 404 ? 'Item not found' : 'Service unavailable' });
    }
    if (method === 'GET') {
      this.calls.push({ method, id, status: 200 });
      send(res, 200, [this.columns(ticket, columns)]);
      if (injected === 'stale_etag') this.touch(ticket);
      return;
    }
    const answer = this.put(ticket, await readText(req));
    this.calls.push({ method, id, status: answer.status });
    send(res, answer.status, answer.body);
    if (answer.status === 200) this.fire(ticket, 'update');
  }

  private async login(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let given: { username?: unknown; password?: unknown } = {};
    try {
      given = JSON.parse(await readText(req)) as typeof given;
    } catch {
      // Answered below as a refused login.
    }
    const ok =
      typeof given.username === 'string' &&
      typeof given.password === 'string' &&
      sameText(`${given.username}:${given.password}`, this.options.credentials);
    this.calls.push({ method: 'POST', id: 'authenticate/user', status: ok ? 200 : 401 });
    if (!ok) return send(res, 401, { Message: 'Invalid user name or password' });
    const sessionId = randomBytes(24).toString('base64');
    this.sessions.add(sessionId);
    return send(res, 200, { sessionId, userId: '7' });
  }

  private put(ticket: ChangeGearRecord, raw: string): { status: number; body: unknown } {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return { status: 400, body: { Message: 'The request body is not valid JSON' } };
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return { status: 400, body: { Message: 'The request body must be an object of fields' } };
    }
    const { eTag, ...fields } = body;
    if (eTag === undefined) return { status: 400, body: { Message: 'eTag is required to update an item' } };
    if (Number(eTag) !== ticket.eTag) {
      return {
        status: 409,
        body: { Message: 'The item was modified by another user (eTag mismatch); get it again' },
      };
    }
    for (const [name, value] of Object.entries(fields)) {
      if (READ_ONLY.has(name)) return { status: 400, body: { Message: `The field '${name}' is read-only` } };
      if (typeof value !== 'string')
        return { status: 400, body: { Message: `Field '${name}' must be text` } };
    }
    for (const [name, value] of Object.entries(fields)) {
      if (!WRITABLE.has(name)) ticket.extra = { ...ticket.extra, [name]: value as string };
    }
    const f = SIMULATOR_FIELDS;
    const text = (name: string) => fields[name] as string | undefined;
    if (text(f.summary) !== undefined) ticket.subject = text(f.summary) as string;
    if (text(f.category) !== undefined) ticket.category = text(f.category) as string;
    if (text(f.requesterEmail) !== undefined) ticket.requesterEmail = text(f.requesterEmail) as string;
    if (text(f.status) !== undefined) ticket.state = text(f.status) as string;
    if (text(f.closeType) !== undefined) ticket.closeCode = text(f.closeType);
    const note = text(f.note);
    if (note) ticket.notes.push({ at: new Date().toISOString(), text: note, by: 'api' });
    this.touch(ticket);
    return { status: 200, body: this.entity(ticket) };
  }
}

function sameText(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

const options = (values: string[], selected: string) =>
  values.map((v) => `<option${v === selected ? ' selected' : ''}>${escapeHtml(v)}</option>`).join('');

function page(res: ServerResponse, tickets: ChangeGearRecord[]) {
  const rows = [...tickets]
    .reverse()
    .map(
      (
        t,
      ) => `<article><h2>${escapeHtml(t.number)} <small>${escapeHtml(t.category)} · ${escapeHtml(t.state)} · eTag ${t.eTag}</small></h2>
<p>${escapeHtml(t.subject)} — ${escapeHtml(t.requesterEmail)}</p>
<details><summary>Notes (${t.notes.length})</summary><ol>${t.notes
        .map(
          (n) =>
            `<li><time>${escapeHtml(n.at)}</time> <small>${escapeHtml(n.by)}</small><pre>${escapeHtml(n.text)}</pre></li>`,
        )
        .join('')}</ol></details>
<form method="post" action="/ui/tickets/${escapeHtml(t.id)}" class="edit">
<label>Status <select name="state">${options(STATUSES.includes(t.state) ? STATUSES : [t.state, ...STATUSES], t.state)}</select></label>
<label>Category <select name="category">${options(CATEGORIES.includes(t.category) ? CATEGORIES : [t.category, ...CATEGORIES], t.category)}</select></label>
<label>Agent note <textarea name="note" rows="2"></textarea></label>
<button>Save as agent</button></form></article>`,
    )
    .join('');
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy':
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  });
  res.end(`<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>ChangeGear simulator</title>
<style>body{font:15px/1.4 system-ui,sans-serif;max-width:52rem;margin:1rem auto;padding:0 1rem}article{border:1px solid #ccc;border-radius:6px;padding:.5rem 1rem;margin:1rem 0}h2{font-size:1.15rem;overflow-wrap:anywhere}pre{white-space:pre-wrap;overflow-wrap:anywhere;margin:.2rem 0}small{color:#555;font-weight:normal}form{display:grid;gap:.6rem;max-width:28rem}label{display:grid;gap:.2rem}input,select,textarea,button{font:inherit;padding:.35rem;max-width:100%;box-sizing:border-box}form.edit{margin:.6rem 0}ol{padding-left:1.2rem}</style>
<h1>ChangeGear simulator</h1>
<p>A stand-in ChangeGear for the local stack: its REST API at /cgrestapi/api and webhooks on create and update. Open an incident in a gated category and watch Helpdesk Verify's internal notes arrive; edit it as an agent to see eTags move.</p>
<form method="post" action="/ui/tickets">
<label>Category <select name="category">${options(CATEGORIES, 'password_reset')}</select></label>
<label>Summary <input name="subject" required value="Locked out, please reset my password"></label>
<label>Requester e-mail <input name="requesterEmail" type="email" required value="zoe.martin@example.com"></label>
<button>Open incident</button></form>${rows}</html>`);
}
