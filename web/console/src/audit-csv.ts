/** The audit log as CSV (the audit page's Export CSV): no React, no DOM, so it is unit-tested. */
import type { AuditEventView } from '../../../shared/console-api/audit.js';
import { neutralise } from '../../../shared/csv-cell.js';

const cell = (value: unknown) => `"${neutralise(String(value ?? '')).replace(/"/g, '""')}"`;

/** The audit log's rows as CSV, every cell quoted and neutralised (as the verifications export). */
export function auditCsv(events: AuditEventView[]): string {
  const header = ['When (UTC)', 'Actor', 'Action', 'Verification ID', 'Ticket', 'Connection', 'Details'];
  const rows = events.map((e) => [
    e.at,
    e.actor,
    e.action,
    e.verificationId ?? '',
    e.ticket?.ticketId ?? '',
    e.ticket?.connectionId ?? '',
    e.details
      ? Object.entries(e.details)
          .map(([k, v]) => `${k}: ${v}`)
          .join('; ')
      : '',
  ]);
  return `${[header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}
