/** GET /api/dashboard: the query and the counts the dashboard shows. */

import type { RiskLevel } from '../domain/model/verification.js';
import * as z from '../zod.js';
import { day } from './common.js';

/** GET /api/dashboard?from&to (default: the last 30 days up to today). */
export const dashboardQuerySchema = z.strictObject({ from: z.optional(day()), to: z.optional(day()) });

export interface DashboardTotals {
  started: number;
  passed: number;
  failed: number;
  notEnoughQuestions: number;
  timedOut: number;
  cancelled: number;
  /** passed + failed + notEnoughQuestions: the requester finished. */
  completed: number;
}

export interface DashboardDay extends DashboardTotals {
  /** YYYY-MM-DD (UTC), the day the verifications were started. */
  date: string;
}

export interface DashboardBreakdown {
  key: string;
  started: number;
  completed: number;
  passed: number;
  /** passed / completed; null when nothing completed. */
  passRate: number | null;
}

/** GET /api/dashboard: verifications started in [from, to], and what became of them. */
export interface Dashboard {
  from: string;
  to: string;
  totals: DashboardTotals;
  rates: {
    /** completed / started */
    completion: number | null;
    /** passed / completed */
    pass: number | null;
    /** timedOut / started */
    timedOut: number | null;
    /** notEnoughQuestions / started */
    notEnoughQuestions: number | null;
  };
  /** From link sent to completion; from a per-day histogram (bucket upper bound). */
  medianTimeToCompleteSeconds: number | null;
  risk: Record<RiskLevel, number>;
  /** Every day of the range, zero-filled, oldest first. */
  days: DashboardDay[];
  /** Busiest first. */
  byCategory: DashboardBreakdown[];
  byAgent: DashboardBreakdown[];
}
