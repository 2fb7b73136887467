/** The append-only audit trail of each verification. */
import type { AuditEvent } from '../domain/model/audit-event.js';
export interface AuditLog {
  appendAudit(event: AuditEvent): Promise<void>;
  listAudit(verificationId: string): Promise<AuditEvent[]>;
}
