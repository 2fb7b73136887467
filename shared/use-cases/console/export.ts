/**
 * CSV export (primary course): an auditor or admin asks for the filtered (or full) table; a job is
 * queued (audited) and answered at once. The job runs from the table's stream (console-export-run):
 * rows are read page by page and streamed through csv-stringify into an upload one part at a
 * time, so memory stays flat however many rows; a Lambda response (6 MB) never carries the file.
 * The caller polls the job and gets a short-lived download URL (each one issued is audited).
 *
 * Cells are quoted, and any cell starting with = + - @ tab or CR is prefixed with a single quote
 * so a spreadsheet shows it as text instead of running it as a formula (OWASP CSV injection).
 */
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { ulid } from 'ulid';
import type { Ctx } from '../../composition.js';
import type { ExportJob, Filters, VerificationRow } from '../../console-api.js';
import { forbidden, notFound } from '../../domain/errors.js';
import type { Principal } from '../../http/api.js';
import type { ExportJobRecord } from '../../ports.js';
import { allRows } from './list.js';

export const DOWNLOAD_SECONDS = 900;
const FORMULA_START = /^[=+\-@\t\r]/;

/** A cell a spreadsheet will not evaluate. */
export function neutralise(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

export const CSV_COLUMNS: { key: keyof VerificationRow; header: string }[] = [
  { key: 'verificationId', header: 'Verification ID' },
  { key: 'ticketNumber', header: 'Ticket' },
  { key: 'requesterName', header: 'Requester' },
  { key: 'requesterEmail', header: 'Requester email' },
  { key: 'riskLevel', header: 'Risk level' },
  { key: 'riskScore', header: 'Risk score' },
  { key: 'status', header: 'Status' },
  { key: 'category', header: 'Category' },
  { key: 'agent', header: 'Initiated by' },
  { key: 'channel', header: 'Channel' },
  { key: 'createdAt', header: 'Created (UTC)' },
  { key: 'completedAt', header: 'Completed (UTC)' },
  { key: 'writeBackState', header: 'Write-back' },
];

/** Rows in, CSV text out, a chunk at a time. */
export function toCsv(
  rows: AsyncIterable<VerificationRow> | Iterable<VerificationRow>,
): AsyncIterable<string> {
  const csv = stringify({
    header: true,
    columns: CSV_COLUMNS,
    quoted_string: true,
    cast: { string: neutralise },
  });
  return Readable.from(rows).pipe(csv).setEncoding('utf8') as AsyncIterable<string>;
}

const toJob = (r: ExportJobRecord): ExportJob => ({
  exportId: r.exportId,
  status: r.status,
  requestedBy: r.requestedBy,
  requestedAt: r.requestedAt,
  filters: r.filters as Filters,
  ...(r.rowCount !== undefined ? { rowCount: r.rowCount } : {}),
  ...(r.completedAt ? { completedAt: r.completedAt } : {}),
  ...(r.error ? { error: r.error } : {}),
});

export async function startExport(
  ctx: Ctx<'store' | 'consoleQueries'>,
  principal: Principal,
  filters: Filters,
): Promise<ExportJob> {
  const now = ctx.clock.now();
  const job: ExportJobRecord = {
    exportId: ulid(now.getTime()),
    status: 'queued',
    requestedBy: principal.username,
    requestedAt: now.toISOString(),
    filters: Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined)) as Record<
      string,
      string
    >,
  };
  await ctx.consoleQueries.putExportJob(job);
  await ctx.store.appendAudit({
    actor: principal.username,
    action: 'export.requested',
    at: job.requestedAt,
    details: { exportId: job.exportId, ...job.filters },
  });
  return toJob(job);
}

export async function runExport(
  ctx: Ctx<'store' | 'consoleQueries' | 'exportFiles'>,
  exportId: string,
): Promise<void> {
  const job = await ctx.consoleQueries.getExportJob(exportId);
  // A redelivered stream record finds the job already taken: nothing to do.
  if (!job || !(await ctx.consoleQueries.updateExportJob(exportId, 'queued', { status: 'running' }))) return;
  const fileKey = `exports/${exportId}.csv`;
  let rowCount = 0;
  async function* counted() {
    for await (const row of allRows(ctx, job?.filters as Filters)) {
      rowCount++;
      yield row;
    }
  }
  const at = () => ctx.clock.now().toISOString();
  try {
    await ctx.exportFiles.write(fileKey, toCsv(counted()));
  } catch (error) {
    await ctx.consoleQueries.updateExportJob(exportId, 'running', {
      status: 'failed',
      completedAt: at(),
      error: 'The export could not be written; try again',
    });
    await ctx.store.appendAudit({
      actor: 'system',
      action: 'export.failed',
      at: at(),
      details: { exportId, requestedBy: job.requestedBy, error: (error as Error).name },
    });
    throw error;
  }
  await ctx.consoleQueries.updateExportJob(exportId, 'running', {
    status: 'done',
    rowCount,
    fileKey,
    completedAt: at(),
  });
  await ctx.store.appendAudit({
    actor: 'system',
    action: 'export.completed',
    at: at(),
    details: { exportId, requestedBy: job.requestedBy, rows: rowCount },
  });
}

/** The job; when done, a fresh short-lived download URL (the requester's own exports, or any for an admin). */
export async function getExport(
  ctx: Ctx<'store' | 'consoleQueries' | 'exportFiles'>,
  exportId: string,
  principal: Principal,
): Promise<ExportJob> {
  const job = /^[0-9A-HJKMNP-TV-Z]{26}$/.test(exportId)
    ? await ctx.consoleQueries.getExportJob(exportId)
    : undefined;
  if (!job) throw notFound('EXPORT_NOT_FOUND', 'No such export');
  if (job.requestedBy !== principal.username && !principal.roles.includes('admin'))
    throw forbidden(
      'NOT_YOUR_EXPORT',
      'Only the person who asked for this export or an admin may download it',
    );
  if (job.status !== 'done' || !job.fileKey) return toJob(job);
  const expires = new Date(ctx.clock.now().getTime() + DOWNLOAD_SECONDS * 1000);
  const downloadUrl = await ctx.exportFiles.downloadUrl(job.fileKey, DOWNLOAD_SECONDS);
  await ctx.store.appendAudit({
    actor: principal.username,
    action: 'export.download_issued',
    at: ctx.clock.now().toISOString(),
    details: { exportId },
  });
  return { ...toJob(job), downloadUrl, downloadExpiresAt: expires.toISOString() };
}
