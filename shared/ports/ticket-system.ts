import type { Connection } from '../domain/model/connection.js';
import type { RecentTicket, Ticket, TicketNote } from '../domain/model/ticket.js';
export interface WriteOptions {
  /**
   * An earlier attempt of this write may have reached the ticket (it timed out or died before it
   * was recorded): look before writing, and skip a write that is already there.
   */
  mayExist?: boolean;
}

export interface TicketSystem {
  getTicket(ticketId: string): Promise<Ticket>;
  /** Sets the ticket's verification link field and adds the matching note. */
  addVerificationLink(ticketId: string, url: string, note: TicketNote): Promise<void>;
  /**
   * Adds a note and checks it stuck; a write the ITSM accepted but did not keep (a field that does
   * not exist, no rights on it) is a TicketSystemPermanentError naming the field.
   */
  addNote(ticketId: string, note: TicketNote, options?: WriteOptions): Promise<void>;
  resolve(ticketId: string, closeCode: string, closeNotes: string, options?: WriteOptions): Promise<void>;
  /**
   * Recent tickets, newest first: a requester's own (excluding one ticket), or other people's
   * (decoys). One bounded request with a short timeout (someone is waiting for their first
   * question); failures are the adapter's usual retryable or permanent errors.
   */
  recentTickets(query: RecentTicketsQuery): Promise<RecentTicket[]>;
}

export interface RecentTicketsQuery {
  /** Only this requester's tickets. */
  requesterEmail?: string;
  /** Everyone's but this requester's (decoys). */
  excludeRequesterEmail?: string;
  /** Leave out the ticket being verified. */
  excludeTicketId?: string;
  /** Opened at or after. */
  since: Date;
  /** At most this many (1-20). */
  limit: number;
}

export interface TicketSystems {
  forConnection(connection: Connection): TicketSystem;
}
