import type { AssuranceReport } from './assurance.js';
import type { ClientSignals } from './client-signals.js';
import type { AnswerRecord, Question } from './question.js';
import type { TicketRef } from './ticket.js';

/**
 * The verification model and its lifecycle. The transition table below is the only place that
 * says which status may follow which; the store turns it into a DynamoDB condition on every write.
 */
export const STATUSES = [
  'sent',
  'in_progress',
  /** The answers would pass, but a strong proof is missing: waiting for the manager (step-up.ts). */
  'step_up',
  'passed',
  'failed',
  'not_enough_questions',
  'timed_out',
  'cancelled',
] as const;
export type VerificationStatus = (typeof STATUSES)[number];

export const FINAL_STATUSES = ['passed', 'failed', 'not_enough_questions', 'timed_out', 'cancelled'] as const;
export type FinalStatus = (typeof FINAL_STATUSES)[number];
export type OutcomeStatus = Exclude<FinalStatus, 'cancelled'>;

export const TRANSITIONS: Readonly<Record<VerificationStatus, readonly VerificationStatus[]>> = {
  sent: ['in_progress', 'timed_out', 'cancelled'],
  in_progress: ['step_up', 'passed', 'failed', 'not_enough_questions', 'timed_out', 'cancelled'],
  // Only the step-up's own decision (approve, deny, not right, no answer) or a cancel ends it.
  step_up: ['passed', 'failed', 'cancelled'],
  passed: [],
  failed: [],
  not_enough_questions: [],
  timed_out: [],
  cancelled: [],
};

export function canTransition(from: VerificationStatus, to: VerificationStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** The statuses from which `to` may be reached: the condition the store puts on the write. */
export function allowedSources(to: VerificationStatus): VerificationStatus[] {
  return STATUSES.filter((from) => canTransition(from, to));
}

export function isFinal(status: VerificationStatus): status is FinalStatus {
  return (FINAL_STATUSES as readonly string[]).includes(status);
}

/**
 * The writes to the ticket, in lifecycle order: progress notes (link sent, link opened) that never
 * hold the lifecycle up, then the outcome, the action and the resolution.
 */
export type TicketWrite = 'sent' | 'opened' | 'step_up' | 'cancelled' | 'outcome' | 'action' | 'resolve';
/** Trail notes: recorded as made, but they do not speak for the outcome's write-back state. */
export const PROGRESS_WRITES: readonly TicketWrite[] = ['sent', 'opened', 'step_up', 'cancelled'];

/** State of the writes to the ticket (outcome note, action note, resolve). */
export type WriteBackState = 'pending' | 'done' | 'failed';
/** State of the automated action the requester may perform after passing. */
export type ActionState = 'none' | 'pending' | 'running' | 'done' | 'failed' | 'expired';
export type RequestedAction = 'password_reset';
export type Channel = 'email' | 'sms';
export type RiskLevel = 'verified' | 'medium' | 'high';

export interface Reason {
  code: string;
  category: 'network' | 'endpoint' | 'persona' | 'questions';
  points: number;
  evidence: string;
  message: string;
  /**
   * Who vouches for the evidence: `server` (what the server saw or holds: the connection, the
   * directory, server timing, a credential it issued and checked) or `page` (what the browser
   * reported, which anyone can forge). Absent on records written before it existed.
   */
  verifiedBy?: 'server' | 'page';
}

export interface Assessment {
  riskScore: number;
  riskLevel: RiskLevel;
  reasons: Reason[];
  recommendation: string;
  answered: number;
  correct: number;
  /** The strong proofs this person and action needed, were given and miss (absent before assurance). */
  assurance?: AssuranceReport;
}

export interface Verification {
  verificationId: string;
  ticket: TicketRef;
  ticketNumber: string;
  category: string;
  requesterId: string;
  requesterName: string;
  channel: Channel;
  /** Where the link goes. Needed to send; never logged or returned by the API (use the masked form). */
  destination: string;
  destinationMasked: string;
  destinationIsContactOnRecord: boolean;
  requestedAction?: RequestedAction;
  /**
   * Who asked: an agent from a ticket (the default), an agent from the console's "Verify a caller"
   * (`agent_led`, with or without a ticket), or the requester on the portal's start page.
   */
  origin?: 'agent' | 'agent_led' | 'self_service';
  /** Sent without an ITSM ticket (agent-led): nothing is written back. See hasTicket. */
  ticketless?: true;
  agent: string;
  status: VerificationStatus;
  createdAt: string;
  updatedAt: string;
  linkExpiresAt: string;
  questions?: Question[];
  /** The answers so far, in question order, graded as they arrived. */
  answers?: AnswerRecord[];
  assessment?: Assessment;
  /** When the link was first opened (server time): how long the answers took. */
  openedAt?: string;
  completedAt?: string;
  writeBack: {
    state: WriteBackState;
    lastError?: string;
    updatedAt?: string;
    /** The ticket writes already made, so a re-run never writes one twice. */
    written?: TicketWrite[];
  };
  /** When the link was handed to the Messenger; a re-run of SendLink does not send again. */
  linkDeliveredAt?: string;
  /** What the portal page reported and where it connected from (IP kept as a prefix only). */
  client?: ClientContext;
  /** The link was opened on a second device after the first. */
  secondDevice?: boolean;
  /** Network signals of the second device's connection (the latest one to report). */
  secondDeviceNetworkReasons?: Reason[];
  action: { state: ActionState; completedAt?: string };
  ticketResolvedAt?: string;
  /** Step Functions callback tokens, per waiting stage. */
  taskTokens?: Partial<Record<WaitStage, string>>;
  /** The step-up: who was asked for the strong proof, how, until when, and what they decided. */
  stepUp?: StepUp;
  /** The requester said on the portal "I did not ask for this" (ends the verification as Failed). */
  requesterReport?: { kind: 'not_me'; at: string };
  /** Optional feedback the requester left after the outcome. */
  feedback?: RequesterFeedback;
  /** Epoch seconds; DynamoDB TTL removes the record after the retention period. */
  expiresAtEpoch: number;
}

export interface RequesterFeedback {
  difficulty: 'easy' | 'hard';
  /** Free text, at most 500 characters; never logged. */
  comment?: string;
  at: string;
}

export interface ClientContext {
  signals: Omit<ClientSignals, 'deviceHash'>;
  /** HMAC of the browser's device hash, per person: comparable, not reversible. */
  deviceHmac?: string;
  userAgent: string;
  ipPrefix?: string;
  ipCountry?: string;
  asn?: number;
  asOrg?: string;
  /** Network signals, worked out when the full source address was at hand (it is not kept). */
  networkReasons?: Reason[];
  /**
   * The device credential the page presented (one the server issued on an earlier pass): `verified`
   * with the stored key (an HMAC of its id) when its signature, person, connection, expiry and the
   * server-side record all checked out; `rejected` with why otherwise. Absent: none presented.
   */
  deviceCredential?: { state: 'verified'; key: string } | { state: 'rejected'; reason: string };
  at: string;
}

export type WaitStage = 'open' | 'completion' | 'step_up' | 'action';

/** What the manager answered on their page: "This is not right" is an alert, like "I did not ask for this". */
export type ManagerDecision = 'approve' | 'deny' | 'not_right';

/**
 * The step-up stage's record. The manager comes from the directory (the requester's managerId),
 * never from a name anyone typed; only the hash of their link token is kept.
 */
export interface StepUp {
  proof: 'manager_approval';
  requestedAt: string;
  /** Absent when no manager could be asked (then `unavailable` says why). */
  managerId?: string;
  managerName?: string;
  channel?: Channel;
  destinationMasked?: string;
  tokenHash?: string;
  expiresAt?: string;
  unavailable?: string;
  decision?: ManagerDecision | 'no_answer';
  decidedAt?: string;
}

/** What AwaitOpen resumes with: how much of the link's lifetime is left for AwaitCompletion. */
export interface OpenedOutput {
  remainingSeconds: number;
  /** cancelled when a cancel or resend resumed the wait instead of an open (see resume-stage.ts). */
  status?: VerificationStatus;
}

/**
 * Whether the verification has an ITSM ticket to write to: not a self-service request (which runs on
 * a per-person record), not an agent-led one sent without a ticket. The lifecycle skips every
 * ticket write otherwise; the console and the audit log are then the record.
 */
export const hasTicket = (v: Pick<Verification, 'origin' | 'ticketless'>) =>
  v.origin !== 'self_service' && v.ticketless !== true;

export function remainingSeconds(v: { linkExpiresAt: string }, now: Date): number {
  return Math.max(1, Math.ceil((Date.parse(v.linkExpiresAt) - now.getTime()) / 1000));
}

/** What the portal's completion hands the state machine, and what it branches on. */
export interface LifecycleOutcome {
  /** step_up: the state machine goes on to the step-up stage before the write-back. */
  status: OutcomeStatus | 'step_up';
  /** How long the step-up waits for the manager (set on step_up only). */
  stepUpSeconds?: number;
  awaitAction: boolean;
  actionWindowSeconds: number;
  autoClose: boolean;
}

/** What the console keeps beside the domain's verification (recorded at send time). */
export type ConsoleVerification = Verification & {
  requesterEmail?: string;
  /** Why the agent typed a destination instead of the contact on record. */
  destinationReason?: string;
};
