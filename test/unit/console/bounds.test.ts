/**
 * Bounded work for every console request (issue 12.1): the contract's one date-range rule, the
 * counted partition loops, and an export that runs out of its time budget ends failed with a
 * reason (and a job whose run died is failed by the next read), never "running" for ever.
 */
import { describe, expect, it } from 'vitest';
import { daysBetween, monthsBetween } from '../../../shared/adapters/dynamodb/console-walk.js';
import type { Config } from '../../../shared/config.js';
import { addMonths, daysIn, rangeProblem } from '../../../shared/console-api/range.js';
import type { VerificationRow } from '../../../shared/console-api/verifications.js';
import type { ExportJobRecord, ListPageResult } from '../../../shared/ports/console-queries.js';
import type { Ctx } from '../../../shared/ports/context.js';
import { dashboard } from '../../../shared/use-cases/console/dashboard.js';
import {
  exportBudget,
  getExport,
  runExport,
  STALE_JOB_MS,
  startExport,
} from '../../../shared/use-cases/console/export.js';
import { checkedRange } from '../../../shared/use-cases/console/request.js';
import { verification } from '../fixtures.js';

const today = '2026-12-04';
const rules = { today, maxMonths: 13 };

describe('the date-range rule', () => {
  it('accepts a range up to 13 months, ending at most tomorrow', () => {
    expect(rangeProblem({ from: '2025-11-05', to: '2026-12-04' }, rules)).toBeUndefined();
    expect(rangeProblem({ from: '2026-12-05', to: '2026-12-05' }, rules)).toBeUndefined();
  });

  it('refuses a reversed, future or too long range with a stable code and a sentence', () => {
    expect(rangeProblem({ from: '2026-05-01', to: '2026-04-01' }, rules)).toEqual({
      code: 'RANGE_REVERSED',
      message:
        'The start date (2026-05-01) is after the end date (2026-04-01); swap them or pick another start date.',
    });
    expect(rangeProblem({ from: '2026-12-01', to: '9999-12-31' }, rules)?.code).toBe('DATE_IN_FUTURE');
    expect(rangeProblem({ from: '2025-11-04', to: '2026-12-04' }, rules)).toEqual({
      code: 'RANGE_TOO_LONG',
      message: 'Pick a range of at most 13 months; 2025-11-04 to 2026-12-04 is 396 days.',
    });
  });

  it('counts calendar months, clamping to the end of a short month', () => {
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    // Date.UTC would read the years 0-99 as 1900-1999 and let a 1,900-year range through.
    expect(addMonths('0000-01-01', 13)).toBe('0001-02-01');
    expect(
      rangeProblem({ from: '0000-01-01', to: '1901-01-31' }, { today: '2026-12-04', maxMonths: 13 })?.code,
    ).toBe('RANGE_TOO_LONG');
    expect(addMonths('2026-03-15', -13)).toBe('2025-02-15');
    expect(daysIn('2026-01-01', '2026-12-31')).toBe(365);
  });

  it('defaults a missing start within the maximum, and refuses the far-future end of the reproducer', () => {
    const now = new Date(`${today}T12:00:00Z`);
    const retention = () => '2016-01-01';
    expect(checkedRange({}, now, { maxMonths: 13, defaultFrom: retention })).toEqual({
      from: '2025-11-05',
      to: today,
    });
    expect(() => checkedRange({ to: '9999-12-31' }, now, { maxMonths: 13, defaultFrom: retention })).toThrow(
      expect.objectContaining({ code: 'DATE_IN_FUTURE', name: 'InvalidInput' }),
    );
  });
});

describe('partition walks', () => {
  it('are counted and capped, whatever the dates', () => {
    expect(monthsBetween('2026-01-15', '2026-03-02')).toEqual(['2026-03', '2026-02', '2026-01']);
    expect(daysBetween('2026-02-27', '2026-03-01')).toEqual(['2026-03-01', '2026-02-28', '2026-02-27']);
    expect(() => daysBetween('2026-01-01', '9999-12-31')).toThrow(
      expect.objectContaining({ code: 'RANGE_TOO_LONG' }),
    );
    expect(() => monthsBetween('0001-01-01', '9999-12-31')).toThrow(
      expect.objectContaining({ code: 'RANGE_TOO_LONG' }),
    );
  });
});

/** A clock the test moves; every read of it moves it by `step` ms (each row "takes" that long). */
function clock(start: string, step = 0) {
  let t = Date.parse(start);
  return {
    now: () => {
      const d = new Date(t);
      t += step;
      return d;
    },
    advance: (ms: number) => {
      t += ms;
    },
  };
}

function fakes(options: { pages: number; clock: ReturnType<typeof clock> }) {
  const jobs = new Map<string, ExportJobRecord>();
  const audit: { action: string; details?: Record<string, unknown> }[] = [];
  const written: string[] = [];
  let calls = 0;
  const row = verification({ createdAt: '2026-11-01T10:00:00.000Z' });
  const ctx = {
    config: { RETENTION_DAYS: 365 } as Config,
    clock: options.clock,
    audit: {
      appendAudit: async (e: { action: string; details?: Record<string, unknown> }) => {
        audit.push(e);
      },
    },
    consoleQueries: {
      putExportJob: async (job: ExportJobRecord) => {
        jobs.set(job.exportId, { ...job });
      },
      getExportJob: async (id: string) =>
        jobs.has(id) ? { ...(jobs.get(id) as ExportJobRecord) } : undefined,
      updateExportJob: async (id: string, from: string, patch: Partial<ExportJobRecord>) => {
        const job = jobs.get(id);
        if (!job || job.status !== from) return false;
        jobs.set(id, { ...job, ...patch });
        return true;
      },
      listVerifications: async (): Promise<ListPageResult<VerificationRow>> => {
        calls++;
        const more = calls < options.pages;
        return {
          items: Array.from({ length: 10 }, () => row) as never,
          ...(more ? { next: { before: '2026-11-01T10:00:00.000Z#~' } } : {}),
        };
      },
    },
    exportFiles: {
      write: async (_key: string, chunks: AsyncIterable<string>) => {
        for await (const chunk of chunks) written.push(chunk);
      },
      downloadUrl: async (key: string) => `https://files.example/${key}`,
    },
  } as unknown as Ctx<
    | 'consoleQueries'
    | 'exportFiles'
    | 'verifications'
    | 'tickets'
    | 'connections'
    | 'linkTokens'
    | 'counters'
    | 'people'
    | 'torExits'
    | 'audit'
  >;
  return { ctx, jobs, audit, written };
}

const auditor = { username: 'audrey', roles: ['auditor' as const] };

describe('an export', () => {
  it('refuses a far-future range before any job exists', async () => {
    const f = fakes({ pages: 1, clock: clock(`${today}T12:00:00Z`) });
    await expect(startExport(f.ctx, auditor, { to: '9999-12-31' })).rejects.toMatchObject({
      code: 'DATE_IN_FUTURE',
    });
    expect(f.jobs.size).toBe(0);
  });

  it('records the range it covers and finishes within its budget', async () => {
    const f = fakes({ pages: 3, clock: clock(`${today}T12:00:00Z`) });
    const job = await startExport(f.ctx, auditor, {});
    expect(job.filters).toEqual({ from: '2025-12-03', to: today });
    await runExport(f.ctx, job.exportId, 60_000);
    expect(f.jobs.get(job.exportId)).toMatchObject({ status: 'done', rowCount: 30 });
  });

  it('that runs out of budget ends failed with a reason, and the stream record is done with', async () => {
    // Every clock read "takes" a second: 1000 pages of rows cannot fit in a 30 s budget.
    const f = fakes({ pages: 1000, clock: clock(`${today}T12:00:00Z`, 1000) });
    const job = await startExport(f.ctx, auditor, {});
    await expect(runExport(f.ctx, job.exportId, 30_000)).resolves.toBeUndefined();
    const done = f.jobs.get(job.exportId);
    expect(done?.status).toBe('failed');
    expect(done?.error).toMatch(/more rows than fit in one run .*pick a shorter date range/);
    expect(f.audit.map((a) => a.action)).toEqual(['export.requested', 'export.failed']);
  });

  it('whose run died is failed by the next read, never left running', async () => {
    const c = clock(`${today}T12:00:00Z`);
    const f = fakes({ pages: 1, clock: c });
    const job = await startExport(f.ctx, auditor, {});
    await f.ctx.consoleQueries.updateExportJob(job.exportId, 'queued', {
      status: 'running',
      startedAt: c.now().toISOString(),
    });
    expect((await getExport(f.ctx, job.exportId, auditor)).status).toBe('running');
    c.advance(STALE_JOB_MS + 1000);
    const read = await getExport(f.ctx, job.exportId, auditor);
    expect(read).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/stopped before it finished/),
    });
  });

  it('budgets the time its invocation has left, less a margin', () => {
    expect(exportBudget(undefined)).toBe(720_000);
    expect(exportBudget(900_000)).toBe(720_000);
    expect(exportBudget(30_000)).toBe(24_000);
  });
});

describe('the dashboard', () => {
  it('answers a range ending on 9999-12-31 with a 400, not a loop', async () => {
    const ctx = {
      config: {} as Config,
      clock: { now: () => new Date(`${today}T12:00:00Z`) },
      consoleQueries: {
        aggregates: async () => {
          throw new Error('must not read');
        },
      },
    } as unknown as Ctx<'consoleQueries'>;
    await expect(dashboard(ctx, { to: '9999-12-31' })).rejects.toMatchObject({ code: 'DATE_IN_FUTURE' });
  });
});
