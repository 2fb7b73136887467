/**
 * TicketSystem for the local ticket desk (local/ticket-desk.ts): a small REST ITSM that the local
 * stack runs so the whole lifecycle can be watched without a ServiceNow or ChangeGear instance.
 * Faults are classified the way the ASL expects: timeouts, 429 and 5xx are retryable; the rest is
 * permanent.
 */
import { TicketSystemPermanentError, TicketSystemRetryableError } from '../domain/errors.js';
import type { Ticket, TicketNote, TicketSystem } from '../ports.js';

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
    const url = `${this.baseUrl}/api/tickets/${encodeURIComponent(ticketId)}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          authorization: `Basic ${Buffer.from(await this.credentials()).toString('base64')}`,
          accept: 'application/json',
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new TicketSystemRetryableError(`Ticket system unreachable: ${(error as Error).name}`);
    }
    if (response.ok) return response.json();
    const detail = `${method} ticket ${ticketId}: HTTP ${response.status}`;
    if (response.status === 429 || response.status >= 500) throw new TicketSystemRetryableError(detail);
    if (response.status === 404) throw new TicketSystemPermanentError(`${detail} (ticket not found)`, 404);
    if (response.status === 401 || response.status === 403) {
      throw new TicketSystemPermanentError(
        `${detail} (check the integration user's credentials and role)`,
        response.status,
      );
    }
    throw new TicketSystemPermanentError(detail, response.status);
  }
}
