/** Where a newest-first listing resumes: below `before` (a sort key), in `partition` for walks. */

import type { StoredAuditEvent } from '../domain/model/audit-event.js';
import type { Connection } from '../domain/model/connection.js';
import type { Verification } from '../domain/model/verification.js';
export interface ListPosition {
  partition?: string;
  before: string;
}

export interface ListPageResult<T> {
  items: T[];
  /** Where the next page starts; undefined when there is nothing more. */
  next?: ListPosition;
}

export interface VerificationFilters {
  status?: string;
  riskLevel?: string;
  category?: string;
  agent?: string;
  /** YYYY-MM-DD, inclusive. */
  from?: string;
  to?: string;
  /** A normalised search term (ticket number, requester email or full name). */
  term?: string;
  /** `not_me`: only verifications whose requester said "I did not ask for this". */
  reported?: string;
  /** One verification by its id (the reference the portal shows the requester). */
  verificationId?: string;
}

export interface AuditFilters {
  actor?: string;
  action?: string;
  verificationId?: string;
  from?: string;
  to?: string;
}

/** A day's dashboard counters: `started`, `passed`, `cat:<category>:started`, `ttc:<bucket>`, ... */
export interface AggregateDay {
  date: string;
  counters: Record<string, number>;
}

export interface ExportJobRecord {
  exportId: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  requestedBy: string;
  requestedAt: string;
  filters: Record<string, string>;
  rowCount?: number;
  completedAt?: string;
  /** When a run took the job (a job running far longer than its function's timeout has died). */
  startedAt?: string;
  fileKey?: string;
  error?: string;
}

/** The console's read side over the table: every query by key or index, never a Scan. */
export interface ConsoleQueries {
  /** Verifications newest first; may return fewer than `limit` with a `next` (bounded work per call). */
  listVerifications(
    filters: VerificationFilters,
    position: ListPosition | undefined,
    limit: number,
    oldest: string,
    /** Only these attributes (the export reads rows, not whole verifications). */
    attributes?: readonly string[],
  ): Promise<ListPageResult<Verification>>;
  listAudit(
    filters: AuditFilters,
    position: ListPosition | undefined,
    limit: number,
    oldest: string,
  ): Promise<ListPageResult<StoredAuditEvent>>;
  /**
   * The range's per-day totals (counters without a `:`: started, passed, ...), and the detail
   * counters (risk, time to complete, by category, by agent) summed over the range.
   */
  aggregates(from: string, to: string): Promise<{ days: AggregateDay[]; details: Record<string, number> }>;
  /**
   * Adds `counters` to the day once per (verificationId, change): false when that change was
   * counted before (a redelivered stream record).
   */
  applyAggregate(
    verificationId: string,
    change: string,
    date: string,
    counters: Record<string, number>,
    expiresAtEpoch: number,
  ): Promise<boolean>;
  putExportJob(job: ExportJobRecord): Promise<void>;
  getExportJob(exportId: string): Promise<ExportJobRecord | undefined>;
  /** Moves the job on only from `from`; false otherwise. */
  updateExportJob(
    exportId: string,
    from: ExportJobRecord['status'],
    patch: Partial<ExportJobRecord>,
  ): Promise<boolean>;
  listConnections(): Promise<Connection[]>;
}
