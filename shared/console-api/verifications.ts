/**
 * /api/verifications and /api/tickets: the table's filters and listing, sending a link, cancelling,
 * one verification's summary and transcript, and what the send page pre-fills from a ticket.
 */

import type { TranscriptEntry } from '../domain/model/question.js';
import type { Ticket } from '../domain/model/ticket.js';
import {
  type ActionState,
  type Channel,
  type ConsoleVerification,
  type Reason,
  type RiskLevel,
  STATUSES,
  type Verification,
  type WriteBackState,
} from '../domain/model/verification.js';
import type { Verdict } from '../domain/verdict.js';
import * as z from '../zod.js';
import type { AuditEventView } from './audit.js';
import { cursor, day, limit, text } from './common.js';

const VERIFICATION_STATUSES = STATUSES;
const RISK_LEVELS = ['verified', 'medium', 'high'] as const satisfies readonly RiskLevel[];

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
export const filtersSchema = z.strictObject(filterShape);
export type Filters = z.infer<typeof filtersSchema>;

/** GET /api/verifications?status&riskLevel&category&agent&from&to&q&cursor&limit */
export const listQuerySchema = z.strictObject({ ...filterShape, cursor: cursor(), limit: limit() });
export type ListQuery = z.infer<typeof listQuerySchema>;

/** How a link goes out, wherever an agent sends one from. `destination` omitted: the contact on record. */
export const deliveryFields = {
  channel: z.enum(['email', 'sms']),
  /** Email address, or phone number (E.164, or national with `country`). Needs `reason`. */
  destination: z.optional(z.string().check(z.trim(), z.minLength(3), z.maxLength(254))),
  /** ISO 3166 alpha-2 country for a phone number typed without its +country code. */
  country: z.optional(z.string().check(z.regex(/^[A-Z]{2}$/, 'a two-letter country code'))),
  /** Why the agent typed a destination instead of using the contact on record (recorded). */
  reason: z.optional(text(500)),
  requestedAction: z.optional(z.enum(['password_reset'])),
};

/** A typed destination needs its reason (recorded, and scored as riskier). */
export const typedDestinationNeedsReason = z.refine<{ destination?: string; reason?: string }>(
  (v) => v.destination === undefined || v.reason !== undefined,
  { path: ['reason'], message: 'Say why the link goes somewhere other than the contact on record' },
);

/** POST /api/verifications (send-link). */
export const sendBodySchema = z
  .strictObject({
    connectionId: z.string().check(z.minLength(1), z.maxLength(64)),
    ticketId: z.string().check(z.minLength(1), z.maxLength(128)),
    ...deliveryFields,
  })
  .check(typedDestinationNeedsReason);
export type SendBody = z.infer<typeof sendBodySchema>;

/** POST /api/verifications/{id}/cancel */
export const cancelBodySchema = z.strictObject({ reason: z.optional(text(500)) });

/** One row of the verifications table (and of the CSV export): the verification's fields, flattened. */
export interface VerificationRow
  extends Pick<
    ConsoleVerification,
    | 'verificationId'
    | 'ticketNumber'
    | 'requesterName'
    | 'category'
    | 'status'
    | 'channel'
    | 'createdAt'
    | 'completedAt'
    | 'requesterReport'
    | 'feedback'
  > {
  connectionId: string;
  ticketId: string;
  /** Absent on verifications sent before it was recorded. */
  requesterEmail?: string;
  riskLevel?: RiskLevel;
  riskScore?: number;
  /** The console user who sent it (the referrer of the "Initiated by" column). */
  agent: string;
  writeBackState: WriteBackState;
  /** What people read (shared/domain/verdict.ts): Passed, Failed, ...; the level is Verified only on a pass. */
  outcome: string;
  level: string;
  recommendation: string;
  /** The requester said "I did not ask for this" (show it first). */
  urgent: boolean;
  /** The top reasons by points (messages), for the CSV; absent when hidden from agents. */
  mainReasons?: string[];
  actionState: ActionState;
  /** Seconds from the link being sent to the requester finishing. */
  durationSeconds?: number;
  /** Set when the connection shows agents only the outcome and the recommendation. */
  analysisHidden?: boolean;
}

/**
 * What the console shows of a verification: the fields named here, never the destination in
 * clear, tokens, questions or answers.
 */
export interface VerificationView
  extends Pick<
    ConsoleVerification,
    | 'verificationId'
    | 'ticket'
    | 'ticketNumber'
    | 'category'
    | 'requesterId'
    | 'requesterName'
    | 'requesterEmail'
    | 'channel'
    | 'destinationMasked'
    | 'destinationIsContactOnRecord'
    | 'destinationReason'
    | 'requestedAction'
    | 'agent'
    | 'status'
    | 'createdAt'
    | 'updatedAt'
    | 'linkExpiresAt'
    | 'openedAt'
    | 'completedAt'
    | 'assessment'
    | 'client'
    | 'secondDevice'
    | 'action'
    | 'ticketResolvedAt'
    | 'origin'
    | 'ticketless'
    | 'requesterReport'
    | 'feedback'
  > {
  /** The ticket writes' state, not which writes were made. */
  writeBack: Pick<Verification['writeBack'], 'state' | 'lastError' | 'updatedAt'>;
  questionCount: number;
  /** The outcome, level and recommendation as people read them (shared/domain/verdict.ts). */
  verdict: Verdict;
  /**
   * The connection shows agents only the outcome and the recommendation: the assessment's score,
   * level and reasons, the device and network details are not in this response.
   */
  analysisHidden?: boolean;
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
export interface TranscriptView
  extends Pick<
    Verification,
    'verificationId' | 'ticketNumber' | 'requesterName' | 'openedAt' | 'completedAt'
  > {
  entries: TranscriptEntry[];
}

/** GET /api/tickets/{connectionId}/{ticketId}: what the send page pre-fills. */
export interface TicketPrefill extends Pick<Ticket, 'connectionId' | 'ticketId' | 'subject' | 'category'> {
  ticketNumber: string;
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
