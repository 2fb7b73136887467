/**
 * CSV export (primary course): an auditor or admin asks for the filtered (or full) table; a job is
 * queued (audited) and answered at once. The job runs from the table's stream (console-export-run):
 * rows are read page by page and streamed through csv-stringify (export-csv.ts) into an upload one
 * part at a time, so memory stays flat however many rows; a Lambda response (6 MB) never carries
 * the file. The caller polls the job and gets a short-lived download URL (each one issued is audited).
 */
import { ulid } from 'ulid';
import type { ExportJob } from '../../console-api/export.js';
import type { Filters } from '../../console-api/verifications.js';
import { NotFound, NotPermitted } from '../../domain/errors.js';
import type { Principal } from '../../domain/model/principal.js';
import type { ExportJobRecord } from '../../ports/console-queries.js';
import type { Ctx } from '../../ports/context.js';
import { consoleSettings } from './config.js';
import { exportFileName, toCsv } from './export-csv.js';
import { allRows, rangeOf } from './list.js';

const DOWNLOAD_SECONDS = 900;

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
  ctx: Ctx<'consoleQueries' | 'audit'>,
  principal: Principal,
  filters: Filters,
): Promise<ExportJob> {
  const now = ctx.clock.now();
  // The range is checked (and made explicit) before the job exists: a refused one is a 400 now,
  // never a job that walks years of partitions.
  const range = rangeOf(ctx, filters, consoleSettings().EXPORT_MAX_RANGE_MONTHS);
  const job: ExportJobRecord = {
    exportId: ulid(now.getTime()),
    status: 'queued',
    requestedBy: principal.username,
    requestedAt: now.toISOString(),
    filters: Object.fromEntries(
      Object.entries({ ...filters, ...range }).filter(([, v]) => v !== undefined),
    ) as Record<string, string>,
  };
  await ctx.consoleQueries.putExportJob(job);
  await ctx.audit.appendAudit({
    actor: principal.username,
    action: 'export.requested',
    at: job.requestedAt,
    details: { exportId: job.exportId, ...job.filters },
  });
  return toJob(job);
}

/** Thrown inside the row stream when the invocation's time budget is spent: the upload is abandoned. */
class ExportBudgetSpent extends Error {
  override name = 'ExportBudgetSpent';
}

/** The budget for a run with `remainingMs` left: the setting, less a margin to record the outcome. */
export function exportBudget(remainingMs: number | undefined): number {
  const setting = consoleSettings().EXPORT_BUDGET_MS;
  if (remainingMs === undefined) return setting;
  return Math.max(0, Math.min(setting, remainingMs - Math.min(60_000, remainingMs / 5)));
}

/**
 * How long a job may stay queued or running before a reader calls it failed: longer than the
 * export function's timeout (15 minutes), so only a job whose invocation died is ever taken.
 */
export const STALE_JOB_MS = 20 * 60_000;

/**
 * Runs a queued job within a time budget (`budgetMs`, at most the setting EXPORT_BUDGET_MS; the
 * handler passes what its Lambda has left minus a margin). Rows are streamed into the upload; when
 * the budget is spent the upload is abandoned and the job ends `failed` with a reason the
 * requester can act on (narrow the range), so no job stays "running". A job whose invocation died
 * anyway is called failed by the next read (`getExport`, after STALE_JOB_MS).
 */
export async function runExport(
  ctx: Ctx<'consoleQueries' | 'exportFiles' | 'audit'>,
  exportId: string,
  budgetMs: number = consoleSettings().EXPORT_BUDGET_MS,
): Promise<void> {
  const job = await ctx.consoleQueries.getExportJob(exportId);
  const startedAt = ctx.clock.now();
  // A redelivered stream record finds the job already taken: nothing to do.
  if (
    !job ||
    !(await ctx.consoleQueries.updateExportJob(exportId, 'queued', {
      status: 'running',
      startedAt: startedAt.toISOString(),
    }))
  )
    return;
  const deadline = startedAt.getTime() + Math.min(budgetMs, consoleSettings().EXPORT_BUDGET_MS);
  const fileKey = `exports/${exportId}/${exportFileName(job.filters)}`;
  let rowCount = 0;
  async function* counted() {
    for await (const row of allRows(ctx, job?.filters as Filters)) {
      if (ctx.clock.now().getTime() > deadline) throw new ExportBudgetSpent();
      rowCount++;
      yield row;
    }
  }
  const at = () => ctx.clock.now().toISOString();
  try {
    await ctx.exportFiles.write(fileKey, toCsv(counted(), ctx.config.CONSOLE_BASE_URL));
  } catch (error) {
    const spent = error instanceof ExportBudgetSpent;
    await ctx.consoleQueries.updateExportJob(exportId, 'running', {
      status: 'failed',
      completedAt: at(),
      error: spent
        ? `The export had more rows than fit in one run (${rowCount} written in ${Math.round(
            (ctx.clock.now().getTime() - startedAt.getTime()) / 1000,
          )} s); pick a shorter date range or more filters and export again`
        : 'The export could not be written; try again',
    });
    await ctx.audit.appendAudit({
      actor: 'system',
      action: 'export.failed',
      at: at(),
      details: {
        exportId,
        requestedBy: job.requestedBy,
        error: (error as Error).name,
        ...(spent ? { rows: rowCount } : {}),
      },
    });
    // Out of budget is an outcome, not a fault: the stream record is done with.
    if (spent) return;
    throw error;
  }
  await ctx.consoleQueries.updateExportJob(exportId, 'running', {
    status: 'done',
    rowCount,
    fileKey,
    completedAt: at(),
  });
  await ctx.audit.appendAudit({
    actor: 'system',
    action: 'export.completed',
    at: at(),
    details: { exportId, requestedBy: job.requestedBy, rows: rowCount },
  });
}

/** A queued or running job older than STALE_JOB_MS is failed (its invocation died): never "running" for ever. */
async function settleStale(
  ctx: Ctx<'consoleQueries' | 'audit'>,
  job: ExportJobRecord,
): Promise<ExportJobRecord> {
  if (job.status !== 'queued' && job.status !== 'running') return job;
  const since = Date.parse(job.startedAt ?? job.requestedAt);
  if (ctx.clock.now().getTime() - since < STALE_JOB_MS) return job;
  const patch = {
    status: 'failed' as const,
    completedAt: ctx.clock.now().toISOString(),
    error:
      job.status === 'queued'
        ? 'The export never started; export again'
        : 'The export stopped before it finished; export again, with a shorter date range if it happens again',
  };
  if (!(await ctx.consoleQueries.updateExportJob(job.exportId, job.status, patch)))
    return (await ctx.consoleQueries.getExportJob(job.exportId)) ?? job;
  await ctx.audit.appendAudit({
    actor: 'system',
    action: 'export.failed',
    at: patch.completedAt,
    details: { exportId: job.exportId, requestedBy: job.requestedBy, error: `stale_${job.status}` },
  });
  return { ...job, ...patch };
}

/** The job; when done, a fresh short-lived download URL (the requester's own exports, or any for an admin). */
export async function getExport(
  ctx: Ctx<'consoleQueries' | 'exportFiles' | 'audit'>,
  exportId: string,
  principal: Principal,
): Promise<ExportJob> {
  let job = /^[0-9A-HJKMNP-TV-Z]{26}$/.test(exportId)
    ? await ctx.consoleQueries.getExportJob(exportId)
    : undefined;
  if (!job) throw new NotFound('EXPORT_NOT_FOUND', 'No such export');
  if (job.requestedBy !== principal.username && !principal.roles.includes('admin'))
    throw new NotPermitted(
      'NOT_YOUR_EXPORT',
      'Only the person who asked for this export or an admin may download it',
    );
  job = await settleStale(ctx, job);
  if (job.status !== 'done' || !job.fileKey) return toJob(job);
  const expires = new Date(ctx.clock.now().getTime() + DOWNLOAD_SECONDS * 1000);
  const downloadUrl = await ctx.exportFiles.downloadUrl(job.fileKey, DOWNLOAD_SECONDS);
  await ctx.audit.appendAudit({
    actor: principal.username,
    action: 'export.download_issued',
    at: ctx.clock.now().toISOString(),
    details: { exportId },
  });
  return { ...toJob(job), downloadUrl, downloadExpiresAt: expires.toISOString() };
}
