import type { AuditEvent } from '../domain/model/audit-event.js';
import type { AnswerRecord, TranscriptEntry } from '../domain/model/question.js';
import type { TicketRef } from '../domain/model/ticket.js';
import type {
  ActionState,
  ClientContext,
  RequesterFeedback,
  StepUp,
  TicketWrite,
  Verification,
  VerificationStatus,
  WaitStage,
  WriteBackState,
} from '../domain/model/verification.js';
export interface TransitionPatch {
  openedAt?: string;
  /** Stored as its own item in the same transaction (kept off the verification record). */
  transcript?: TranscriptEntry[];
  assessment?: Verification['assessment'];
  questions?: Verification['questions'];
  answers?: Verification['answers'];
  completedAt?: string;
  action?: Verification['action'];
  requesterReport?: Verification['requesterReport'];
  stepUp?: Verification['stepUp'];
}

/**
 * A claim's answer: 'written' when the write was made already, 'in_progress' while another writer
 * holds a live lease. `attemptedBefore`: an earlier claim of this write was never recorded as
 * made (it failed, timed out or died), so its note may have landed anyway.
 */
export type WriteBackClaim =
  | { status: 'claimed'; attemptedBefore: boolean }
  | { status: 'written' }
  | { status: 'in_progress' };

/**
 * Verifications and their lifecycle: every status change, answer, client report, ticket write and
 * action goes through here, under the rules of domain/model/verification.ts (the transition table)
 * and domain/model/lifecycle-rules.ts, which every adapter enforces (test/contract/ checks both).
 */
export interface Verifications {
  /**
   * Stores a new verification and its audit event, and makes it the ticket's latest, provided the
   * ticket's latest is still `previousVerificationId` (optimistic lock: of two concurrent sends for
   * one ticket, one wins). Throws VERIFICATION_IN_PROGRESS (409) otherwise.
   */
  createVerification(
    verification: Verification,
    audit: AuditEvent,
    previousVerificationId: string | undefined,
  ): Promise<void>;
  getVerification(verificationId: string): Promise<Verification | undefined>;
  listVerificationsByTicket(ref: TicketRef): Promise<Verification[]>;
  /**
   * The only way a status changes: the write is conditioned on the current status being one the
   * transition table allows. Throws InvalidTransition (409) otherwise.
   */
  transition(
    verificationId: string,
    to: VerificationStatus,
    patch: TransitionPatch,
    audit: AuditEvent,
  ): Promise<Verification>;
  /** Stores a callback token while the verification is still waiting for that stage; false otherwise. */
  storeTaskToken(verificationId: string, stage: WaitStage, token: string): Promise<boolean>;
  /** Records what the portal page reported; flags a second device when another opened it first. */
  recordClient(verificationId: string, client: ClientContext): Promise<{ secondDevice: boolean }>;
  /**
   * Appends a graded answer at `position` (the number already recorded), only while in progress:
   * false when another request recorded that position first or the verification moved on.
   */
  recordAnswer(verificationId: string, position: number, answer: AnswerRecord): Promise<boolean>;
  /** The transcript of a completed verification. Viewing it is an audit event (the console's job). */
  getTranscript(verificationId: string): Promise<TranscriptEntry[] | undefined>;
  /** Records the state of the ticket writes; `written` adds one to the list of writes made. */
  setWriteBack(
    verificationId: string,
    state: WriteBackState,
    details?: { lastError?: string; written?: TicketWrite },
  ): Promise<void>;
  /**
   * Claims the right to make one ticket write (a lease of `leaseSeconds`), so concurrent retries
   * and the lifecycle never make it twice: 'written' when it was made already, 'in_progress' while
   * another writer holds a live lease.
   */
  claimWriteBack(
    verificationId: string,
    write: TicketWrite,
    owner: string,
    leaseSeconds: number,
  ): Promise<WriteBackClaim>;
  /** Gives the lease back (after setWriteBack recorded the write, or after a failure). */
  releaseWriteBack(verificationId: string, owner: string): Promise<void>;
  markLinkDelivered(verificationId: string, at: string): Promise<void>;
  /** Verifications created since `since`, newest first, from the monthly index (no Scan). */
  listVerificationsSince(since: Date): Promise<Verification[]>;
  /** Moves the action sub-state only if it is in `from`; false otherwise. */
  setAction(
    verificationId: string,
    from: ActionState[],
    to: ActionState,
    audit: AuditEvent,
  ): Promise<boolean>;
  markTicketResolved(verificationId: string, at: string): Promise<void>;
  /**
   * Records the step-up's request (the manager asked, the hash of their link token) once, only
   * while the verification is in step_up with none recorded (`mayRecordStepUp`): false otherwise.
   */
  recordStepUp(verificationId: string, stepUp: StepUp, audit: AuditEvent): Promise<boolean>;
  /**
   * Stores the requester's feedback once, only on a completed verification: false when feedback
   * was already left or the verification is not completed.
   */
  setFeedback(verificationId: string, feedback: RequesterFeedback, audit: AuditEvent): Promise<boolean>;
}
