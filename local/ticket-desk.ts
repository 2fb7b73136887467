/**
 * The local ticket desk: a small ITSM the local stack runs so the whole lifecycle can be watched
 * without a ServiceNow or ChangeGear instance (their simulators come with the connectors issue).
 *
 * - REST API with Basic auth: GET/PATCH /api/tickets/{id} (notes are a journal: each PATCH with a
 *   note appends one), POST /api/tickets to open a ticket, and GET /api/tickets?since=<ISO>&limit=
 *   <1-20>[&requesterEmail=|&excludeRequesterEmail=][&excludeTicketId=] for recent tickets, newest
 *   first (emails compared case-insensitively).
 * - Opening a ticket delivers a signed webhook to Helpdesk Verify (`t=<unix>,v1=<hmac>` over the
 *   body, as the shipped business-rule script does), retried a few times on failure.
 * - Fault injection (POST /_faults) to rehearse ITSM outages: reads or writes answer 503 (or 404)
 *   for the next N calls.
 * - A page at / to open tickets and read their notes.
 * Tickets persist in a JSON file when a path is given.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { escapeHtml } from './html.js';
import {
  LocalItsm,
  type LocalItsmOptions,
  type NewTicket,
  readText,
  redirectHome,
  sendJson,
  signatureHeader,
} from './simulators/local-itsm.js';

interface DeskNote {
  at: string;
  text: string;
  link?: { label: string; url: string };
}

export interface DeskTicket {
  id: string;
  number: string;
  category: string;
  subject: string;
  /** The requester's own words. */
  description?: string;
  requesterEmail: string;
  /** ISO 8601; absent on tickets stored before the desk recorded it (never listed as recent). */
  openedAt?: string;
  state: 'new' | 'in_progress' | 'resolved';
  verificationUrl?: string;
  closeCode?: string;
  notes: DeskNote[];
  webhook: { connectionId: string; deliveries: { at: string; status: number | string }[] };
}

type FaultMode = 'unavailable' | 'not_found' | 'rate_limited';

export interface TicketDeskOptions extends LocalItsmOptions {
  /** user:password the integration uses. */
  credentials: string;
  /** The signing secret per connection. */
  webhookSecret: (connectionId: string) => string;
  defaultConnectionId: string;
}

const CATEGORIES = ['password_reset', 'mfa_reset', 'account_unlock', 'hardware', 'software', 'other'];

export class TicketDesk extends LocalItsm<FaultMode, DeskTicket[]> {
  protected readonly label = 'ticket desk';
  private readonly tickets: DeskTicket[];
  private readonly byId = new Map<string, DeskTicket>();

  constructor(private readonly options: TicketDeskOptions) {
    super(options);
    this.tickets = this.restore() ?? [];
    for (const t of this.tickets) this.byId.set(t.id, t);
  }

  protected snapshot(): DeskTicket[] {
    return this.tickets;
  }

  get(id: string): DeskTicket | undefined {
    return this.byId.get(id);
  }

  /**
   * Opens a ticket and delivers the webhook in the background, as an ITSM would. With
   * `deliver: false` the caller delivers it (tests and benchmarks that sign their own deliveries);
   * `openedAt` backdates it (seeded history).
   */
  open(
    input: NewTicket,
    { deliver = true, openedAt = new Date() }: { deliver?: boolean; openedAt?: Date } = {},
  ): DeskTicket {
    const seq = this.tickets.length + 1;
    const ticket: DeskTicket = {
      id: `t${Date.now().toString(36)}${seq}`,
      number: `INC${String(1000 + seq).padStart(7, '0')}`,
      category: input.category,
      subject: input.subject,
      ...(input.description ? { description: input.description } : {}),
      requesterEmail: input.requesterEmail,
      openedAt: openedAt.toISOString(),
      state: 'new',
      notes: [],
      webhook: { connectionId: input.connectionId ?? this.options.defaultConnectionId, deliveries: [] },
    };
    this.tickets.push(ticket);
    this.byId.set(ticket.id, ticket);
    this.save();
    if (deliver) {
      const body = JSON.stringify({ ticketId: ticket.id, number: ticket.number, event: 'created' });
      const { connectionId } = ticket.webhook;
      this.deliver(
        connectionId,
        body,
        () => signatureHeader(body, this.options.webhookSecret(connectionId)),
        (status) => ticket.webhook.deliveries.push({ at: new Date().toISOString(), status }),
      );
    }
    return ticket;
  }

  private authorised(req: IncomingMessage): boolean {
    const expected = Buffer.from(`Basic ${Buffer.from(this.options.credentials).toString('base64')}`);
    const given = Buffer.from(req.headers.authorization ?? '');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  /**
   * Tickets opened since `since`, newest first, at most `limit` (1-20), optionally only one
   * requester's or everyone else's, leaving one ticket out (GET /api/tickets, where read faults apply).
   */
  recent(query: {
    since: Date;
    limit: number;
    requesterEmail?: string;
    excludeRequesterEmail?: string;
    excludeTicketId?: string;
  }): { id: string; number: string; subject: string; openedAt: string }[] {
    const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
    const since = query.since.getTime();
    return this.tickets
      .filter(
        (t): t is DeskTicket & { openedAt: string } =>
          t.openedAt !== undefined &&
          Date.parse(t.openedAt) >= since &&
          (query.requesterEmail === undefined || same(t.requesterEmail, query.requesterEmail)) &&
          (query.excludeRequesterEmail === undefined ||
            !same(t.requesterEmail, query.excludeRequesterEmail)) &&
          t.id !== query.excludeTicketId,
      )
      .sort((a, b) => Date.parse(b.openedAt) - Date.parse(a.openedAt))
      .slice(0, query.limit)
      .map(({ id, number, subject, openedAt }) => ({ id, number, subject, openedAt }));
  }

  private listRecent(params: URLSearchParams, res: ServerResponse) {
    const since = new Date(params.get('since') ?? '');
    const limit = Number(params.get('limit'));
    const injected = this.fault('reads');
    const status =
      injected === 'unavailable'
        ? 503
        : injected === 'rate_limited'
          ? 429
          : Number.isNaN(since.getTime()) || !Number.isInteger(limit) || limit < 1 || limit > 20
            ? 400
            : 200;
    this.calls.push({ method: 'GET', id: '(recent)', status });
    if (status === 429) return sendJson(res, 429, { error: 'too many requests' }, { 'retry-after': '1' });
    if (status === 503) return sendJson(res, 503, { error: 'service unavailable' });
    if (status === 400)
      return sendJson(res, 400, { error: 'since must be a date and limit a whole number from 1 to 20' });
    const optional = (name: string) => params.get(name) ?? undefined;
    const tickets = this.recent({
      since,
      limit,
      requesterEmail: optional('requesterEmail'),
      excludeRequesterEmail: optional('excludeRequesterEmail'),
      excludeTicketId: optional('excludeTicketId'),
    });
    return sendJson(res, 200, { tickets });
  }

  protected async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://desk');
    const method = req.method ?? 'GET';
    if (method === 'GET' && url.pathname === '/') return page(res, this.tickets);
    if (method === 'POST' && url.pathname === '/ui/tickets') {
      const form = new URLSearchParams(await readText(req));
      this.open({
        category: form.get('category') ?? 'other',
        subject: form.get('subject') ?? '',
        description: form.get('description') ?? '',
        requesterEmail: form.get('requesterEmail') ?? '',
      });
      return redirectHome(res);
    }
    if (!url.pathname.startsWith('/api/tickets')) return sendJson(res, 404, { error: 'not found' });
    if (!this.authorised(req)) return sendJson(res, 401, { error: 'authentication required' });

    if (method === 'POST' && url.pathname === '/api/tickets') {
      const input = JSON.parse(await readText(req)) as Parameters<TicketDesk['open']>[0];
      return sendJson(res, 201, { ticket: this.open(input) });
    }
    if (method === 'GET' && url.pathname === '/api/tickets') return this.listRecent(url.searchParams, res);
    const id = decodeURIComponent(url.pathname.slice('/api/tickets/'.length));
    const isWrite = method === 'PATCH';
    const injected = this.fault(isWrite ? 'writes' : 'reads');
    const ticket = this.get(id);
    const status =
      injected === 'unavailable'
        ? 503
        : injected === 'rate_limited'
          ? 429
          : injected === 'not_found' || !ticket
            ? 404
            : 200;
    this.calls.push({ method, id, status });
    if (status === 429) return sendJson(res, 429, { error: 'too many requests' }, { 'retry-after': '1' });
    if (status !== 200 || !ticket)
      return sendJson(res, status, { error: status === 404 ? 'no such ticket' : 'service unavailable' });
    if (method === 'GET') return sendJson(res, 200, { ticket });
    if (!isWrite) return sendJson(res, 405, { error: 'method not allowed' });

    const patch = JSON.parse(await readText(req)) as {
      verificationUrl?: string;
      note?: { text: string; link?: { label: string; url: string } };
      state?: DeskTicket['state'];
      closeCode?: string;
    };
    if (patch.verificationUrl) ticket.verificationUrl = patch.verificationUrl;
    if (patch.note) ticket.notes.push({ at: new Date().toISOString(), ...patch.note });
    if (patch.state) ticket.state = patch.state;
    if (patch.closeCode) ticket.closeCode = patch.closeCode;
    this.save();
    return sendJson(res, 200, { ticket });
  }
}

function page(res: ServerResponse, tickets: DeskTicket[]) {
  const rows = [...tickets]
    .reverse()
    .map(
      (
        t,
      ) => `<article><h2>${escapeHtml(t.number)} <small>${escapeHtml(t.category)} · ${escapeHtml(t.state)}</small></h2>
<p>${escapeHtml(t.subject)} — ${escapeHtml(t.requesterEmail)}</p>
${t.verificationUrl ? `<p>Verification: <a href="${escapeHtml(t.verificationUrl)}">Send Verification Link</a></p>` : ''}
<ol>${t.notes
        .map(
          (n) =>
            `<li><time>${escapeHtml(n.at)}</time><pre>${escapeHtml(n.text)}</pre>${n.link ? `<a href="${escapeHtml(n.link.url)}">${escapeHtml(n.link.label)}</a>` : ''}</li>`,
        )
        .join('')}</ol></article>`,
    )
    .join('');
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
  });
  res.end(`<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Local ticket desk</title>
<style>body{font:15px/1.4 system-ui,sans-serif;max-width:52rem;margin:1rem auto;padding:0 1rem}article{border:1px solid #ccc;border-radius:6px;padding:.5rem 1rem;margin:1rem 0}pre{white-space:pre-wrap;margin:.2rem 0}small{color:#555;font-weight:normal}form{display:grid;gap:.6rem;max-width:28rem}label{display:grid;gap:.2rem}input,select,textarea,button{font:inherit;padding:.35rem}</style>
<h1>Local ticket desk</h1>
<p>A stand-in ITSM for the local stack. Open a ticket in a gated category and watch Helpdesk Verify write to it.</p>
<form method="post" action="/ui/tickets">
<label>Category <select name="category">${CATEGORIES.map((c) => `<option>${c}</option>`).join('')}</select></label>
<label>Subject <input name="subject" required value="Locked out, please reset my password"></label>
<label>Description <textarea name="description" rows="3">Back from holiday and my password no longer works.</textarea></label>
<label>Requester email <input name="requesterEmail" type="email" required value="zoe.martin@example.com"></label>
<button>Open ticket</button></form>${rows}</html>`);
}
