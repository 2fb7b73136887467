/**
 * The console API contract: one source for every `/api/*` route's query and body schemas (the
 * handlers validate with them) and the response types (the console web app imports them, type
 * only). Routes, their functions and roles live in shared/manifest.ts.
 *
 * | method | path                                             | roles                  | query / body            | response            |
 * |--------|--------------------------------------------------|------------------------|-------------------------|---------------------|
 * | GET    | /api/me                                          | admin, agent, auditor  |                         | Me                  |
 * | GET    | /api/verifications                               | admin, agent, auditor  | listQuerySchema         | Page<VerificationRow> |
 * | POST   | /api/verifications                               | admin, agent           | sendBodySchema          | VerificationView (202) |
 * | GET    | /api/verifications/{verificationId}              | admin, agent, auditor  |                         | VerificationDetail  |
 * | GET    | /api/verifications/{verificationId}/transcript   | admin, agent, auditor  |                         | TranscriptView      |
 * | POST   | /api/verifications/{verificationId}/resend       | admin, agent           | (no body)               | VerificationView (202) |
 * | POST   | /api/verifications/{verificationId}/cancel       | admin, agent (the sender or an admin) | cancelBodySchema | VerificationView |
 * | POST   | /api/verifications/{verificationId}/write-back   | admin, agent           | (no body)               | VerificationView    |
 * | GET    | /api/tickets/{connectionId}/{ticketId}           | admin, agent           |                         | TicketPrefill       |
 * | GET    | /api/dashboard                                   | admin, agent, auditor  | dashboardQuerySchema    | Dashboard           |
 * | POST   | /api/exports                                     | admin, auditor         | exportBodySchema        | ExportJob (202)     |
 * | GET    | /api/exports/{exportId}                          | admin, auditor         |                         | ExportJob           |
 * | GET    | /api/audit                                       | admin, auditor         | auditQuerySchema        | Page<AuditEventView> |
 * | GET    | /api/settings                                    | admin                  |                         | Settings            |
 * | POST   | /api/settings/connections/{connectionId}         | admin                  | connectionPolicyBodySchema | ConnectionSettings |
 * | POST   | /api/settings/connections/{connectionId}/secrets | admin                  | connectionSecretsBodySchema | { updated: string[] } |
 * | GET    | /api/users                                       | admin                  |                         | { items: ConsoleUserView[] } |
 * | POST   | /api/users                                       | admin                  | createUserBodySchema    | CreatedUser (201)   |
 * | POST   | /api/users/{username}                            | admin                  | updateUserBodySchema (roles, enabled, endSessions) | ConsoleUserView |
 *
 * Errors are `{ error: { code, message, details? } }` with a stable code; 401 from the gateway's
 * JWT check is `{ message: "Unauthorized" }` (API Gateway's own shape).
 * Dates in queries are UTC calendar days (`YYYY-MM-DD`, both ends inclusive); timestamps in
 * responses are ISO 8601 UTC.
 */

import { ROLES, type Role } from './domain/model/principal.js';
import type { TranscriptEntry } from './domain/model/question.js';
import type { TicketRef } from './domain/model/ticket.js';
import {
  type ActionState,
  type Channel,
  type ClientContext,
  type Reason,
  type RequestedAction,
  type RequesterFeedback,
  type RiskLevel,
  STATUSES,
  type VerificationStatus,
  type WriteBackState,
} from './domain/model/verification.js';
import type { Verdict } from './domain/verdict.js';
import * as z from './zod.js';

const VERIFICATION_STATUSES = STATUSES;
const RISK_LEVELS = ['verified', 'medium', 'high'] as const satisfies readonly RiskLevel[];
const CONSOLE_ROLES = ROLES;

export const PAGE_SIZE_DEFAULT = 25;
const PAGE_SIZE_MAX = 100;
/**
 * The longest date range (in calendar months) the dashboard, the table's filters and the audit log
 * accept, and the longest an export accepts. Defaults of the settings CONSOLE_MAX_RANGE_MONTHS and
 * EXPORT_MAX_RANGE_MONTHS (shared/use-cases/console/config.ts).
 */
export const MAX_RANGE_MONTHS = 13;
export const EXPORT_MAX_RANGE_MONTHS = 60;

/** Why a date range is refused: a stable code and a sentence for the person who chose it. */
export interface RangeProblem {
  code: 'RANGE_REVERSED' | 'DATE_IN_FUTURE' | 'RANGE_TOO_LONG';
  message: string;
}

const DAY_MS = 86_400_000;
/** `YYYY-MM-DD` plus n days (UTC). */
export const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
/** `YYYY-MM-DD` plus n calendar months, clamped to the month's last day. */
export function addMonths(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  // setUTCFullYear, not Date.UTC: Date.UTC reads the years 0-99 as 1900-1999.
  const at = (month: number, date: number) => new Date(new Date(0).setUTCFullYear(y, month, date));
  const last = at(m - 1 + n + 1, 0).getUTCDate();
  return at(m - 1 + n, Math.min(d, last))
    .toISOString()
    .slice(0, 10);
}
/** Days in [from, to], both ends included. */
export const daysIn = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;

/**
 * The one rule for every date range of the console (dashboard, table, audit log, export): the
 * start not after the end, the end not after tomorrow (UTC; a console user east of UTC may already
 * be there), and at most `maxMonths` calendar months. Dates are real calendar days (the schemas).
 */
export function rangeProblem(
  range: { from: string; to: string },
  rules: { today: string; maxMonths: number },
): RangeProblem | undefined {
  const { from, to } = range;
  if (from > to)
    return {
      code: 'RANGE_REVERSED',
      message: `The start date (${from}) is after the end date (${to}); swap them or pick another start date.`,
    };
  const latest = addDays(rules.today, 1);
  if (to > latest)
    return {
      code: 'DATE_IN_FUTURE',
      message: `The end date (${to}) is in the future; pick a day up to today (${rules.today}).`,
    };
  if (to >= addMonths(from, rules.maxMonths))
    return {
      code: 'RANGE_TOO_LONG',
      message: `Pick a range of at most ${rules.maxMonths} months; ${from} to ${to} is ${daysIn(from, to)} days.`,
    };
  return undefined;
}

/** A real calendar day (leap years included); how far apart and how far ahead: `rangeProblem`. */
const day = () => z.iso.date({ error: 'a date like 2026-01-31' });
const text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));
const limit = () => z.optional(z.coerce.number().check(z.int(), z.gte(1), z.lte(PAGE_SIZE_MAX)));
const cursor = () => z.optional(z.string().check(z.minLength(1), z.maxLength(1024)));

/** Filters shared by the table and the export. */
const filterShape = {
  status: z.optional(z.enum(VERIFICATION_STATUSES)),
  riskLevel: z.optional(z.enum(RISK_LEVELS)),
  category: z.optional(text(100)),
  /** The agent's console username. */
  agent: z.optional(text(128)),
  from: z.optional(day()),
  to: z.optional(day()),
  /** A ticket number (exact, any case), or the requester's email or full name (any case, accents ignored). */
  q: z.optional(text(254)),
  /** `not_me`: only verifications whose requester said "I did not ask for this". */
  reported: z.optional(z.enum(['not_me'])),
};
/** The filters of the verifications table (and of an export); the console mirrors them in its URL. */
export type FilterName = keyof typeof filterShape;

/** Date ranges are checked by `rangeProblem` (with the configured maximum), not here. */
const filtersSchema = z.strictObject(filterShape);
export type Filters = z.infer<typeof filtersSchema>;

/** GET /api/verifications?status&riskLevel&category&agent&from&to&q&cursor&limit */
export const listQuerySchema = z.strictObject({ ...filterShape, cursor: cursor(), limit: limit() });
export type ListQuery = z.infer<typeof listQuerySchema>;

/** POST /api/verifications (send-link). `destination` omitted: the contact on record. */
export const sendBodySchema = z
  .strictObject({
    connectionId: z.string().check(z.minLength(1), z.maxLength(64)),
    ticketId: z.string().check(z.minLength(1), z.maxLength(128)),
    channel: z.enum(['email', 'sms']),
    /** Email address, or phone number (E.164, or national with `country`). Needs `reason`. */
    destination: z.optional(z.string().check(z.trim(), z.minLength(3), z.maxLength(254))),
    /** ISO 3166 alpha-2 country for a phone number typed without its +country code. */
    country: z.optional(z.string().check(z.regex(/^[A-Z]{2}$/, 'a two-letter country code'))),
    /** Why the agent typed a destination instead of using the contact on record (recorded). */
    reason: z.optional(text(500)),
    requestedAction: z.optional(z.enum(['password_reset'])),
  })
  .check(
    z.refine((v) => v.destination === undefined || v.reason !== undefined, {
      path: ['reason'],
      message: 'Say why the link goes somewhere other than the contact on record',
    }),
  );
export type SendBody = z.infer<typeof sendBodySchema>;

/** POST /api/verifications/{id}/cancel */
export const cancelBodySchema = z.strictObject({ reason: z.optional(text(500)) });

/** GET /api/dashboard?from&to (default: the last 30 days up to today). */
export const dashboardQuerySchema = z.strictObject({ from: z.optional(day()), to: z.optional(day()) });

/** POST /api/exports: the filtered (or, with no filters, full) verifications table as CSV. */
export const exportBodySchema = z.strictObject({ filters: z.optional(filtersSchema) });

/** GET /api/audit?actor&action&verificationId&from&to&cursor&limit */
export const auditQuerySchema = z.strictObject({
  actor: z.optional(text(128)),
  action: z.optional(z.string().check(z.regex(/^[a-z_]+(\.[a-z_]+)*$/, 'an action like verification.sent'))),
  verificationId: z.optional(z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'a verification id'))),
  from: z.optional(day()),
  to: z.optional(day()),
  cursor: cursor(),
  limit: limit(),
});
export type AuditQuery = z.infer<typeof auditQuerySchema>;

const seconds = (min: number, max: number) => z.number().check(z.int(), z.gte(min), z.lte(max));
/** POST /api/settings/connections/{connectionId}: any subset of the policy. */
export const connectionPolicyBodySchema = z
  .strictObject({
    name: z.optional(text(200)),
    gatedCategories: z.optional(z.array(text(100)).check(z.minLength(1), z.maxLength(100))),
    linkLifetimeSeconds: z.optional(seconds(60, 86_400)),
    actionWindowSeconds: z.optional(seconds(60, 86_400)),
    minAnswered: z.optional(seconds(1, 10)),
    autoClose: z.optional(z.boolean()),
    closeCode: z.optional(text(200)),
    /** Scores at or above this are Medium (below: Verified). */
    mediumFrom: z.optional(z.number().check(z.gte(0.5), z.lte(10))),
    /** Scores at or above this are High. */
    highFrom: z.optional(z.number().check(z.gte(0.5), z.lte(10))),
    /** Private knowledge a pass needs, per link channel (see "How a verification is scored"). */
    minKnowledgeSms: z.optional(z.number().check(z.gte(0), z.lte(10))),
    minKnowledgeEmail: z.optional(z.number().check(z.gte(0), z.lte(10))),
    retentionDays: z.optional(seconds(1, 3650)),
    /** `outcome_only`: agents see the outcome and the recommendation only (enforced by the API). */
    agentView: z.optional(z.enum(['full', 'outcome_only'])),
  })
  .check(
    z.refine((v) => Object.keys(v).length > 0, { message: 'Change at least one setting' }),
    z.refine((v) => v.mediumFrom === undefined || v.highFrom === undefined || v.mediumFrom < v.highFrom, {
      path: ['highFrom'],
      message: '`highFrom` must be above `mediumFrom`',
    }),
  );
export type ConnectionPolicyBody = z.infer<typeof connectionPolicyBodySchema>;

/** POST /api/settings/connections/{connectionId}/secrets: write-only; values are never returned. */
export const connectionSecretsBodySchema = z
  .strictObject({
    /** Webhook signing secrets (new first during rotation), or accepted `user:password` values. */
    webhook: z.optional(
      z.array(z.string().check(z.minLength(16), z.maxLength(512))).check(z.minLength(1), z.maxLength(2)),
    ),
    /** Outbound credentials for the ITSM API (`user:password`, or OAuth client JSON). */
    outbound: z.optional(z.string().check(z.minLength(3), z.maxLength(4096))),
  })
  .check(
    z.refine((v) => v.webhook !== undefined || v.outbound !== undefined, {
      message: 'Set at least one secret',
    }),
  );

const username = () =>
  z
    .string()
    .check(z.regex(/^[a-z0-9][a-z0-9._-]{1,63}$/, 'lowercase letters, digits, dot, dash, underscore'));
/** POST /api/users */
export const createUserBodySchema = z.strictObject({
  username: username(),
  email: z.email(),
  roles: z.array(z.enum(CONSOLE_ROLES)).check(z.minLength(1), z.maxLength(3)),
});
/** POST /api/users/{username} */
export const updateUserBodySchema = z
  .strictObject({
    roles: z.optional(z.array(z.enum(CONSOLE_ROLES)).check(z.minLength(1), z.maxLength(3))),
    enabled: z.optional(z.boolean()),
    /** Ends every session of the user now: tokens issued until now are refused (sign in again). */
    endSessions: z.optional(z.literal(true)),
  })
  .check(
    z.refine((v) => v.roles !== undefined || v.enabled !== undefined || v.endSessions !== undefined, {
      message: 'Change roles or enabled, or end sessions',
    }),
  );

// ---- Responses -------------------------------------------------------------------------------

export interface Me {
  username: string;
  roles: Role[];
}

/** A page of a newest-first listing. `nextCursor` is opaque; null on the last page. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** One row of the verifications table (and of the CSV export). */
export interface VerificationRow {
  verificationId: string;
  connectionId: string;
  ticketId: string;
  ticketNumber: string;
  requesterName: string;
  /** Absent on verifications sent before it was recorded. */
  requesterEmail?: string;
  category: string;
  status: VerificationStatus;
  riskLevel?: RiskLevel;
  riskScore?: number;
  channel: Channel;
  /** The console user who sent it (the referrer of the "Initiated by" column). */
  agent: string;
  createdAt: string;
  completedAt?: string;
  writeBackState: WriteBackState;
  /** What people read (shared/domain/verdict.ts): Passed, Failed, ...; the level is Verified only on a pass. */
  outcome: string;
  level: string;
  recommendation: string;
  /** The requester said "I did not ask for this" (show it first). */
  urgent: boolean;
  requesterReport?: { kind: 'not_me'; at: string };
  feedback?: RequesterFeedback;
  /** The top reasons by points (messages), for the CSV; absent when hidden from agents. */
  mainReasons?: string[];
  actionState: ActionState;
  /** Seconds from the link being sent to the requester finishing. */
  durationSeconds?: number;
  /** Set when the connection shows agents only the outcome and the recommendation. */
  analysisHidden?: boolean;
}

/** What the console shows of a verification: never the destination in clear, tokens or answers. */
export interface VerificationView {
  verificationId: string;
  ticket: TicketRef;
  ticketNumber: string;
  category: string;
  requesterId: string;
  requesterName: string;
  requesterEmail?: string;
  channel: Channel;
  destinationMasked: string;
  destinationIsContactOnRecord: boolean;
  /** The agent's reason for typing a destination. */
  destinationReason?: string;
  requestedAction?: RequestedAction;
  agent: string;
  status: VerificationStatus;
  createdAt: string;
  updatedAt: string;
  linkExpiresAt: string;
  openedAt?: string;
  completedAt?: string;
  assessment?: {
    riskScore: number;
    riskLevel: RiskLevel;
    reasons: Reason[];
    recommendation: string;
    answered: number;
    correct: number;
  };
  writeBack: { state: WriteBackState; lastError?: string; updatedAt?: string };
  client?: ClientContext;
  secondDevice?: boolean;
  action: { state: ActionState; completedAt?: string };
  ticketResolvedAt?: string;
  questionCount: number;
  origin?: 'agent' | 'self_service';
  /** The outcome, level and recommendation as people read them (shared/domain/verdict.ts). */
  verdict: Verdict;
  requesterReport?: { kind: 'not_me'; at: string };
  feedback?: RequesterFeedback;
  /**
   * The connection shows agents only the outcome and the recommendation: the assessment's score,
   * level and reasons, the device and network details are not in this response.
   */
  analysisHidden?: boolean;
}

export interface AuditEventView {
  eventId: string;
  verificationId?: string;
  ticket?: TicketRef;
  actor: string;
  action: string;
  at: string;
  details?: Record<string, string | number | boolean>;
}

/** GET /api/verifications/{id}: the summary panel. */
export interface VerificationDetail extends VerificationView {
  /** The ticket's subject, read from the ticket system now; absent when it did not answer. */
  ticketSubject?: string;
  /** The ticket's description (the requester's words), read with the subject; absent when empty. */
  ticketDescription?: string;
  /** Reasons grouped by category (network, endpoint, persona, questions), each in score order. */
  reasonsByCategory: Partial<Record<Reason['category'], Reason[]>>;
  /** Audit events of this verification, oldest first. */
  timeline: AuditEventView[];
  transcriptAvailable: boolean;
  /** What the caller may do now (the server checks again on the action itself). */
  can: { cancel: boolean; resend: boolean; retryWriteBack: boolean; viewTranscript: boolean };
}

/** GET /api/verifications/{id}/transcript (viewing it is an audit event). */
export interface TranscriptView {
  verificationId: string;
  ticketNumber: string;
  requesterName: string;
  openedAt?: string;
  completedAt?: string;
  entries: TranscriptEntry[];
}

/** GET /api/tickets/{connectionId}/{ticketId}: what the send page pre-fills. */
export interface TicketPrefill {
  connectionId: string;
  ticketId: string;
  ticketNumber: string;
  subject: string;
  category: string;
  /** The ticket's category is one the connection gates. */
  requiresVerification: boolean;
  requesterName: string;
  /** The contact on record, masked; absent when the directory has none for that channel. */
  contactOnRecord: Partial<Record<Channel, string>>;
  /** The ticket's open verification (sent or in progress), for resend and cancel. */
  openVerification?: VerificationRow;
  /** The ticket's verifications, newest first. */
  history: VerificationRow[];
}

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

type ExportStatus = 'queued' | 'running' | 'done' | 'failed';

/** POST /api/exports (202) and GET /api/exports/{exportId}: poll until done or failed. */
export interface ExportJob {
  exportId: string;
  status: ExportStatus;
  requestedBy: string;
  requestedAt: string;
  filters: Filters;
  rowCount?: number;
  completedAt?: string;
  /** Presigned (AWS) or signed local URL; present when done, fresh on every GET. */
  downloadUrl?: string;
  downloadExpiresAt?: string;
  error?: string;
}

/** A connection's policy as the settings page edits it. Secrets are never returned. */
export interface ConnectionSettings {
  connectionId: string;
  name: string;
  type: 'local' | 'servicenow' | 'changegear';
  baseUrl: string;
  gatedCategories: string[];
  linkLifetimeSeconds: number;
  actionWindowSeconds: number;
  minAnswered: number;
  autoClose: boolean;
  closeCode: string;
  mediumFrom: number;
  highFrom: number;
  minKnowledgeSms: number;
  minKnowledgeEmail: number;
  retentionDays: number;
  agentView: 'full' | 'outcome_only';
}

/** GET /api/settings */
export interface Settings {
  connections: ConnectionSettings[];
}

export interface ConsoleUserView {
  username: string;
  email?: string;
  roles: Role[];
  enabled: boolean;
  /** Cognito's user status (e.g. FORCE_CHANGE_PASSWORD, CONFIRMED); locally CONFIRMED. */
  status: string;
  createdAt?: string;
  /** When an admin last ended the user's sessions. */
  sessionsEndedAt?: string;
}

/** POST /api/users (201). Cognito emails the temporary password; the local stack returns it once. */
export interface CreatedUser {
  user: ConsoleUserView;
  temporaryPassword?: string;
}
