/** What we keep of each gated ticket: its link entry and the lock on its newest verification. */
import type { TicketRecord, TicketRef } from '../domain/model/ticket.js';
export interface TicketRecords {
  /** Creates the ticket record unless it exists; returns the stored one either way. */
  createTicket(ticket: TicketRecord): Promise<{ created: boolean; ticket: TicketRecord }>;
  getTicket(ref: TicketRef): Promise<TicketRecord | undefined>;
  /** Moves the link entry between states only if it is in `from`; false when someone else holds it. */
  setLinkEntry(
    ref: TicketRef,
    from: TicketRecord['linkEntry'][],
    to: TicketRecord['linkEntry'],
  ): Promise<boolean>;
}
