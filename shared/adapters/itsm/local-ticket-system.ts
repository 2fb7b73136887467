/**
 * TicketSystem for the local ticket desk (local/ticket-desk.ts): a small REST ITSM that the local
 * stack runs so the whole lifecycle can be watched without a ServiceNow or ChangeGear instance.
 * Faults are classified the way the ASL expects: timeouts, 429 and 5xx are retryable; the rest is
 * permanent.
 */
import type { Ticket, TicketNote, TicketSystem } from '../../ports.js';
import { basicAuth, throwForStatus, timedFetch } from './http.js';

export class LocalTicketSystem implements TicketSystem {
  constructor(
    private readonly connectionId: string,
    private readonly baseUrl: string,
    private readonly credentials: () => Promise<string>,
    private readonly timeoutMs = 5_000,
  ) {}

  async getTicket(ticketId: string): Promise<Ticket> {
    const body = (await this.call('GET', ticketId)) as {
      ticket: Omit<Ticket, 'connectionId' | 'ticketId'> & { id: string };
    };
    const { id, ...fields } = body.ticket;
    return { ...fields, connectionId: this.connectionId, ticketId: id };
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

  private async call(method: 'GET' | 'PATCH', ticketId: string, body?: unknown): Promise<unknown> {
    const detail = `${method} ticket ${ticketId}`;
    const response = await timedFetch(
      `${this.baseUrl}/api/tickets/${encodeURIComponent(ticketId)}`,
      {
        method,
        headers: {
          authorization: basicAuth(await this.credentials()),
          accept: 'application/json',
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      },
      this.timeoutMs,
      detail,
    );
    if (!response.ok)
      await throwForStatus(response, detail, { forbidden: "check the integration user's credentials" });
    return response.json();
  }
}
