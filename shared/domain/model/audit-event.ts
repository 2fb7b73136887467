/** What the audit trail records: who did what to which verification, and when. */
import type { TicketRef } from './ticket.js';
import type { Verification } from './verification.js';

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

/** An event the requester caused (on the portal), on their verification. */
export function requesterAudit(
  v: Verification,
  action: string,
  at: Date,
  details?: Record<string, string | number | boolean>,
): AuditEvent {
  return {
    verificationId: v.verificationId,
    ticket: v.ticket,
    actor: 'requester',
    action,
    at: at.toISOString(),
    details,
  };
}
