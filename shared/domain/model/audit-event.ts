import type { TicketRef } from './ticket.js';
export interface AuditEvent {
  verificationId?: string;
  ticket?: TicketRef;
  actor: string;
  action: string;
  at: string;
  details?: Record<string, string | number | boolean>;
}

/** A stored audit event with its id. */
export type StoredAuditEvent = AuditEvent & { eventId: string };
