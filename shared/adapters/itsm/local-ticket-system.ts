/**
 * TicketSystem for the local ticket desk (local/ticket-desk.ts): a small REST ITSM that the local
 * stack runs so the whole lifecycle can be watched without a ServiceNow or ChangeGear instance.
 * Faults are classified the way the ASL expects: timeouts, 429 and 5xx are retryable; the rest is
 * permanent. Recent tickets are one GET /api/tickets with the filters as query parameters and a
 * short timeout.
 */
import { TicketSystemPermanentError } from '../../domain/errors.js';
import type { RecentTicket, Ticket, TicketNote } from '../../domain/model/ticket.js';
import type { RecentTicketsQuery, TicketSystem } from '../../ports/ticket-system.js';
import {
  basicAuth,
  RECENT_TICKETS_TIMEOUT_MS,
  recentTicketsLimit,
  throwForStatus,
  timedFetch,
} from './http.js';

export class LocalTicketSystem implements TicketSystem {
  constructor(
    private readonly connectionId: string,
    private readonly baseUrl: string,
    private readonly credentials: () => Promise<string>,
    private readonly timeoutMs = 5_000,
    private readonly lookupTimeoutMs = RECENT_TICKETS_TIMEOUT_MS,
  ) {}

  async getTicket(ticketId: string): Promise<Ticket> {
    const body = (await this.call('GET', ticketId)) as {
      ticket: Omit<Ticket, 'connectionId' | 'ticketId'> & { id: string };
    };
    const { id, ...fields } = body.ticket;
    return {
      ...fields,
      description: fields.description ?? '',
      connectionId: this.connectionId,
      ticketId: id,
    };
  }

  async addVerificationLink(ticketId: string, url: string, note: TicketNote): Promise<void> {
    await this.call('PATCH', ticketId, { verificationUrl: url, note });
  }

  async addNote(ticketId: string, note: TicketNote): Promise<void> {
    await this.call('PATCH', ticketId, { note });
  }

  async resolve(ticketId: string, closeCode: string, closeNotes: string): Promise<void> {
    await this.call('PATCH', ticketId, { state: 'resolved', closeCode, note: { text: closeNotes } });
  }

  async recentTickets(query: RecentTicketsQuery): Promise<RecentTicket[]> {
    const detail = 'GET recent tickets';
    const limit = recentTicketsLimit(query, detail);
    if (limit === 0) return [];
    const params = new URLSearchParams({ since: query.since.toISOString(), limit: String(limit) });
    if (query.requesterEmail !== undefined) params.set('requesterEmail', query.requesterEmail);
    if (query.excludeRequesterEmail !== undefined)
      params.set('excludeRequesterEmail', query.excludeRequesterEmail);
    if (query.excludeTicketId !== undefined) params.set('excludeTicketId', query.excludeTicketId);
    const body = (await this.call('GET', undefined, undefined, {
      query: params,
      detail,
      timeoutMs: this.lookupTimeoutMs,
    })) as { tickets?: unknown };
    if (!Array.isArray(body.tickets)) {
      throw new TicketSystemPermanentError(`${detail}: the desk answered without a list of tickets`);
    }
    return (body.tickets as unknown[])
      .map((t) => (typeof t === 'object' && t !== null ? (t as Partial<RecentTicket>) : {}))
      .map(({ number, subject, openedAt }) => ({ number, subject, openedAt }))
      .filter((t): t is RecentTicket =>
        [t.number, t.subject, t.openedAt].every((v) => typeof v === 'string' && v !== ''),
      )
      .slice(0, limit);
  }

  /** One call on a ticket (`ticketId`) or on the ticket list (undefined, with `query`). */
  private async call(
    method: 'GET' | 'PATCH',
    ticketId: string | undefined,
    body?: unknown,
    {
      query,
      detail = `${method} ticket ${ticketId}`,
      timeoutMs = this.timeoutMs,
    }: { query?: URLSearchParams; detail?: string; timeoutMs?: number } = {},
  ): Promise<unknown> {
    const path = ticketId === undefined ? '' : `/${encodeURIComponent(ticketId)}`;
    const response = await timedFetch(
      `${this.baseUrl}/api/tickets${path}${query ? `?${query}` : ''}`,
      {
        method,
        headers: {
          authorization: basicAuth(await this.credentials()),
          accept: 'application/json',
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      },
      timeoutMs,
      detail,
    );
    if (!response.ok)
      await throwForStatus(response, detail, { forbidden: "check the integration user's credentials" });
    return response.json();
  }
}
