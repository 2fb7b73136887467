/**
 * The rules a verification's sub-states follow once it exists, besides the status transition table
 * (verification.ts). Each rule is stated once here, as a pure function of the stored record (and as
 * data where a store must turn it into a write condition); every store enforces it atomically on
 * the write it guards, so two concurrent callers can never both pass it.
 */
import { AlreadyCompleted, InvalidTransition } from '../errors.js';
import {
  type ActionState,
  type ClientContext,
  isFinal,
  type TicketWrite,
  type Verification,
  type VerificationStatus,
  type WaitStage,
} from './verification.js';

/**
 * Why a transition to `to` was refused, given the status found: a verification already finished
 * is AlreadyCompleted, any other source is an InvalidTransition.
 */
export function transitionRefusal(found: VerificationStatus | undefined, to: VerificationStatus): Error {
  if (found && isFinal(found)) return new AlreadyCompleted(found);
  return new InvalidTransition(`Cannot move from ${found ?? 'unknown'} to ${to}`);
}

/**
 * What each waiting stage waits for: a callback token may be stored only while the verification
 * is still in one of these states. The one who moves it on re-reads the token after the move, so
 * a token stored at the same moment is never lost (see use-cases/resume-stage.ts).
 */
export const WAITING_FOR: Readonly<
  Record<
    WaitStage,
    { on: 'status'; in: readonly VerificationStatus[] } | { on: 'action'; in: readonly ActionState[] }
  >
> = {
  open: { on: 'status', in: ['sent'] },
  completion: { on: 'status', in: ['sent', 'in_progress'] },
  step_up: { on: 'status', in: ['step_up'] },
  action: { on: 'action', in: ['pending', 'running'] },
};

export function isWaitingFor(v: Pick<Verification, 'status' | 'action'>, stage: WaitStage): boolean {
  const rule = WAITING_FOR[stage];
  return rule.on === 'status'
    ? rule.in.includes(v.status)
    : (rule.in as readonly string[]).includes(v.action.state);
}

/**
 * Answers are recorded in order and once: an answer lands only at the position the caller saw
 * (the number already recorded), and only while the verification is in progress with its
 * answer list started (opening it starts the list).
 */
export const ANSWERING_STATUS: VerificationStatus = 'in_progress';
export function mayRecordAnswer(v: Pick<Verification, 'status' | 'answers'>, position: number): boolean {
  return v.status === ANSWERING_STATUS && v.answers !== undefined && v.answers.length === position;
}

/**
 * The first device that reports wins: its report is kept. A later report from another device (a
 * different device HMAC, or none where the first had one) only raises the second-device flag,
 * with that device's network signals; a repeat report from the same device changes nothing.
 */
export function clientReportOutcome(
  stored: Pick<ClientContext, 'deviceHmac'> | undefined,
  report: Pick<ClientContext, 'deviceHmac'>,
): 'first' | 'same_device' | 'second_device' {
  if (!stored) return 'first';
  return stored.deviceHmac === report.deviceHmac ? 'same_device' : 'second_device';
}

/**
 * The step-up's request is recorded once, while the verification waits for it: a re-run of the
 * stage (a retry, a resumed execution) finds it recorded and sends the manager nothing more.
 */
export const STEP_UP_STATUS: VerificationStatus = 'step_up';
export function mayRecordStepUp(v: Pick<Verification, 'status' | 'stepUp'>): boolean {
  return v.status === STEP_UP_STATUS && v.stepUp?.tokenHash === undefined;
}

/** The statuses after which the requester may leave feedback: an outcome, not a cancel or timeout. */
export const FEEDBACK_STATUSES: readonly VerificationStatus[] = ['passed', 'failed', 'not_enough_questions'];
/** Feedback is left once, and only after an outcome (two tabs cannot both write it). */
export function mayLeaveFeedback(v: Pick<Verification, 'status' | 'feedback'>): boolean {
  return v.feedback === undefined && FEEDBACK_STATUSES.includes(v.status);
}

/** The action sub-state moves only from one of the states the caller names (`from`). */
export function mayMoveAction(v: Pick<Verification, 'action'>, from: readonly ActionState[]): boolean {
  return from.includes(v.action.state);
}

/** A writer's lease on one ticket write, kept on the record beside the write-back state. */
export interface WriteBackLease {
  write: TicketWrite;
  owner: string;
  /** ISO time the lease runs out; after it another writer may take the write over. */
  until: string;
}

/** The write-back state as stored: the lease and every write ever claimed travel with it. */
export type StoredWriteBack = Verification['writeBack'] & {
  claim?: WriteBackLease;
  /** Each claimed write, once per claim: a second claim knows an attempt went before. */
  attempted?: TicketWrite[];
};

/**
 * One writer at a time per ticket write, and each write made once: a write already recorded as
 * made is `written`; a live lease held by anyone is `in_progress`; otherwise the write may be
 * claimed (a lease that ran out is taken over). `attemptedBefore`: an earlier claim of this write
 * was never recorded as made, so its note may have landed anyway.
 */
export function writeBackClaimOutcome(
  writeBack: StoredWriteBack,
  write: TicketWrite,
  now: Date,
): { status: 'written' } | { status: 'in_progress' } | { status: 'claimable'; attemptedBefore: boolean } {
  if (writeBack.written?.includes(write)) return { status: 'written' };
  if (writeBack.claim && !leaseExpired(writeBack.claim, now)) return { status: 'in_progress' };
  return { status: 'claimable', attemptedBefore: (writeBack.attempted ?? []).includes(write) };
}

/** A lease runs out strictly after its `until`. */
export function leaseExpired(lease: Pick<WriteBackLease, 'until'>, now: Date): boolean {
  return lease.until < now.toISOString();
}

/** A writer gives back only its own lease: one that ran out and was taken over is the new writer's. */
export function mayReleaseLease(writeBack: StoredWriteBack, owner: string): boolean {
  return writeBack.claim?.owner === owner;
}
