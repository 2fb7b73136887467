/**
 * The dashboard (primary course): aggregates are kept on write by the table's stream
 * (`aggregateChanges` below, applied by console-aggregate): per-day totals for the trend, and the
 * details (risk, time to complete, categories, agents) per day and per month. The dashboard reads
 * the range's day totals and its whole months' details plus the days either side: a few Queries,
 * never a scan of verifications.
 *
 * A verification counts on the day it was started: `started` when it is created, and its outcome
 * (status, risk level, time to complete) once, when it reaches a final status. Each change is
 * applied at most once per verification (a marker written in the same transaction), so a
 * redelivered or replayed stream record changes nothing.
 */

import type {
  Dashboard,
  DashboardBreakdown,
  DashboardDay,
  DashboardTotals,
} from '../../console-api/dashboard.js';
import { addDays, daysIn } from '../../console-api/range.js';
import { isFinal, type Verification } from '../../domain/model/verification.js';
import type { Ctx } from '../../ports/context.js';
import { consoleSettings } from './config.js';
import { COMPLETED } from './model.js';
import { checkedRange } from './request.js';

/** Upper bounds (seconds) of the time-to-complete histogram buckets; the last is open-ended. */
export const TTC_BUCKETS = [
  30, 60, 90, 120, 180, 240, 300, 420, 600, 900, 1200, 1800, 3600, 7200, 14_400, 86_400,
];

const STATUS_COUNTERS = {
  passed: 'passed',
  failed: 'failed',
  not_enough_questions: 'notEnoughQuestions',
  timed_out: 'timedOut',
  cancelled: 'cancelled',
} as const;

export interface AggregateChange {
  change: 'started' | 'final';
  date: string;
  counters: Record<string, number>;
}

export function ttcBucket(seconds: number): number {
  const i = TTC_BUCKETS.findIndex((upper) => seconds <= upper);
  return i === -1 ? TTC_BUCKETS.length : i;
}

/** What one write to a verification adds to its day's aggregate. */
export function aggregateChanges(before: Verification | undefined, after: Verification): AggregateChange[] {
  const date = after.createdAt.slice(0, 10);
  const changes: AggregateChange[] = [];
  if (!before) {
    changes.push({
      change: 'started',
      date,
      counters: { started: 1, [`cat:${after.category}:started`]: 1, [`agent:${after.agent}:started`]: 1 },
    });
  }
  if (isFinal(after.status) && !(before && isFinal(before.status))) {
    const counters: Record<string, number> = { [STATUS_COUNTERS[after.status]]: 1 };
    if (COMPLETED.has(after.status)) {
      counters.completed = 1;
      counters[`cat:${after.category}:completed`] = 1;
      counters[`agent:${after.agent}:completed`] = 1;
      if (after.completedAt) {
        const seconds = (Date.parse(after.completedAt) - Date.parse(after.createdAt)) / 1000;
        counters[`ttc:${ttcBucket(Math.max(0, seconds))}`] = 1;
      }
    }
    if (after.status === 'passed') {
      counters[`cat:${after.category}:passed`] = 1;
      counters[`agent:${after.agent}:passed`] = 1;
    }
    // A level is Verified only on a pass: older records may carry `verified` on another outcome,
    // counted as Medium (not verified), so the risk counts still add up to the completed ones.
    const level = after.assessment?.riskLevel;
    if (level) counters[`risk:${level === 'verified' && after.status !== 'passed' ? 'medium' : level}`] = 1;
    changes.push({ change: 'final', date, counters });
  }
  return changes;
}

/** The most days one dashboard answer covers, whatever its caller validated (13 months and more). */
const DASHBOARD_MAX_DAYS = 800;

const zero = (): DashboardTotals => ({
  started: 0,
  passed: 0,
  failed: 0,
  notEnoughQuestions: 0,
  timedOut: 0,
  cancelled: 0,
  completed: 0,
});
const rate = (n: number, d: number) => (d === 0 ? null : Math.round((n / d) * 10_000) / 10_000);

export async function dashboard(
  ctx: Ctx<'consoleQueries'>,
  query: { from?: string; to?: string },
): Promise<Dashboard> {
  const { from, to } = checkedRange(query, ctx.clock.now(), {
    maxMonths: consoleSettings().CONSOLE_MAX_RANGE_MONTHS,
    defaultFrom: (end) => addDays(end, -29),
  });
  const read = await ctx.consoleQueries.aggregates(from, to);
  const stored = new Map(read.days.map((d) => [d.date, d.counters]));
  const totals = zero();
  const risk = { verified: 0, medium: 0, high: 0 };
  const histogram = new Array<number>(TTC_BUCKETS.length + 1).fill(0);
  const breakdowns = {
    cat: new Map<string, DashboardBreakdown>(),
    agent: new Map<string, DashboardBreakdown>(),
  };
  const days: DashboardDay[] = [];
  // Counted, not compared: a loop on `date <= to` never ends once a date string outgrows its format.
  // The range was validated at the edge (at most MAX_RANGE_MONTHS); the cap holds regardless.
  const span = Math.min(daysIn(from, to), DASHBOARD_MAX_DAYS);
  for (let i = 0; i < span; i++) {
    const date = addDays(from, i);
    const day: DashboardDay = { date, ...zero() };
    for (const k of Object.keys(totals) as (keyof DashboardTotals)[]) {
      day[k] = Number(stored.get(date)?.[k] ?? 0);
      totals[k] += day[k];
    }
    days.push(day);
  }
  for (const [name, value] of Object.entries(read.details)) {
    if (name.startsWith('risk:')) {
      const level = name.slice(5) as keyof typeof risk;
      if (level in risk) risk[level] += value;
    } else if (name.startsWith('ttc:')) {
      const bucket = Number(name.slice(4));
      histogram[bucket] = (histogram[bucket] ?? 0) + value;
    } else {
      const kind = name.startsWith('cat:') ? 'cat' : name.startsWith('agent:') ? 'agent' : undefined;
      const metric = name.slice(name.lastIndexOf(':') + 1);
      if (!kind || !['started', 'completed', 'passed'].includes(metric)) continue;
      const key = name.slice(kind.length + 1, name.lastIndexOf(':'));
      const entry = breakdowns[kind].get(key) ?? { key, started: 0, completed: 0, passed: 0, passRate: null };
      entry[metric as 'started' | 'completed' | 'passed'] += value;
      breakdowns[kind].set(key, entry);
    }
  }
  // Verified is a pass: older aggregates may have counted a `verified` level on another outcome.
  risk.verified = Math.min(risk.verified, totals.passed);
  const ranked = (m: Map<string, DashboardBreakdown>) =>
    [...m.values()]
      .map((b) => ({ ...b, passRate: rate(b.passed, b.completed) }))
      .sort((a, b) => b.started - a.started || a.key.localeCompare(b.key));
  return {
    from,
    to,
    totals,
    rates: {
      completion: rate(totals.completed, totals.started),
      pass: rate(totals.passed, totals.completed),
      timedOut: rate(totals.timedOut, totals.started),
      notEnoughQuestions: rate(totals.notEnoughQuestions, totals.started),
    },
    medianTimeToCompleteSeconds: median(histogram),
    risk,
    days,
    byCategory: ranked(breakdowns.cat),
    byAgent: ranked(breakdowns.agent),
  };
}

/** The upper bound of the bucket holding the middle completion (the open-ended bucket: its lower bound). */
function median(histogram: number[]): number | null {
  const total = histogram.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  let seen = 0;
  for (const [i, count] of histogram.entries()) {
    seen += count;
    if (seen >= total / 2) return TTC_BUCKETS[i] ?? TTC_BUCKETS[TTC_BUCKETS.length - 1] ?? null;
  }
  return null;
}

/** Applies the changes of one stream record (a change counted before is not counted again). */
export async function applyAggregates(
  ctx: Ctx<'consoleQueries'>,
  before: Verification | undefined,
  after: Verification,
): Promise<void> {
  for (const c of aggregateChanges(before, after))
    await ctx.consoleQueries.applyAggregate(
      after.verificationId,
      c.change,
      c.date,
      c.counters,
      after.expiresAtEpoch,
    );
}
