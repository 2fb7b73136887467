export interface TicketRef {
  connectionId: string;
  ticketId: string;
}

export interface TicketRecord extends TicketRef {
  ticketNumber: string;
  category: string;
  requesterEmail: string;
  createdAt: string;
  /** The "Send verification link" entry on the ticket: written once per ticket. */
  linkEntry: 'writing' | 'done' | 'failed';
  /** The newest verification of this ticket; the lock that keeps one open verification per ticket. */
  lastVerificationId?: string;
}

export interface Ticket extends TicketRef {
  number: string;
  category: string;
  subject: string;
  /** The requester's own words; '' when the ticket has none. Read live, never stored by us. */
  description: string;
  requesterEmail: string;
  state: string;
}

export interface TicketNote {
  /** Plain text an agent can read months later. */
  text: string;
  /** A URL the ITSM should render as a link, if it can. */
  link?: { label: string; url: string };
  /**
   * A reference unique to this note (verification ID and write kind), written with it: the
   * connector can look for it to tell whether an earlier attempt already landed.
   */
  marker?: string;
}

export interface RecentTicket {
  number: string;
  subject: string;
  /** ISO 8601, UTC. */
  openedAt: string;
  /**
   * True when the requester opened it themselves while signed in (ServiceNow: channel
   * `self-service`, or opened by the caller), false when an agent logged it from a call, a walk-in
   * or an email anyone could send; absent when the ITSM does not say.
   */
  selfService?: boolean;
  /** Who raised it, as the ITSM names them (for counting distinct people); never stored or logged. */
  requester?: string;
}
