/**
 * Verifications in memory, under the same rules as the DynamoDB repository: a status changes only
 * from a source the transition table allows (InvalidTransition, or AlreadyCompleted when it is
 * final), a new verification takes the ticket's optimistic lock (StateConflict
 * VERIFICATION_IN_PROGRESS), answers go in at their position only while in progress, a callback
 * token is stored only while its stage is open, the first device report wins, one write-back lease
 * at a time. Each change and its audit event are made in one synchronous step.
 */
import { AlreadyCompleted, InvalidTransition, NotFound, StateConflict } from '../../domain/errors.js';
import type { AuditEvent } from '../../domain/model/audit-event.js';
import { mayRecordStepUp } from '../../domain/model/lifecycle-rules.js';
import type { AnswerRecord, TranscriptEntry } from '../../domain/model/question.js';
import type { TicketRef } from '../../domain/model/ticket.js';
import {
  type ActionState,
  allowedSources,
  type ClientContext,
  isFinal,
  type RequesterFeedback,
  type StepUp,
  type TicketWrite,
  type Verification,
  type VerificationStatus,
  type WaitStage,
  type WriteBackState,
} from '../../domain/model/verification.js';
import type { TransitionPatch, Verifications, WriteBackClaim } from '../../ports/verifications.js';
import { appendAudit, copy, type MemoryState, ticketKey } from './state.js';

/** Which statuses (or action states) a stage's callback token may be stored in. */
const STAGE_OPEN: Record<WaitStage, (v: Verification) => boolean> = {
  open: (v) => v.status === 'sent',
  completion: (v) => v.status === 'sent' || v.status === 'in_progress',
  step_up: (v) => v.status === 'step_up',
  action: (v) => v.action.state === 'pending' || v.action.state === 'running',
};

/** The outcomes after which feedback may be left. */
const COMPLETED: readonly VerificationStatus[] = ['passed', 'failed', 'not_enough_questions'];

export class MemoryVerifications implements Verifications {
  constructor(private readonly state: MemoryState) {}

  async createVerification(
    verification: Verification,
    audit: AuditEvent,
    previousVerificationId: string | undefined,
  ): Promise<void> {
    const key = ticketKey(verification.ticket);
    const ticket = this.state.tickets.get(key);
    const locked = previousVerificationId
      ? ticket?.lastVerificationId === previousVerificationId
      : ticket !== undefined && ticket.lastVerificationId === undefined;
    if (!ticket || !locked || this.state.verifications.has(verification.verificationId))
      throw new StateConflict(
        'VERIFICATION_IN_PROGRESS',
        'Another verification for this ticket was just sent',
      );
    ticket.lastVerificationId = verification.verificationId;
    this.state.verifications.set(verification.verificationId, { ...copy(verification), taskTokens: {} });
    appendAudit(this.state, audit);
  }

  async getVerification(verificationId: string): Promise<Verification | undefined> {
    const v = this.state.verifications.get(verificationId);
    return v && copy(v);
  }

  async listVerificationsByTicket(ref: TicketRef): Promise<Verification[]> {
    const key = ticketKey(ref);
    return newestFirst([...this.state.verifications.values()].filter((v) => ticketKey(v.ticket) === key));
  }

  async transition(
    verificationId: string,
    to: VerificationStatus,
    patch: TransitionPatch,
    audit: AuditEvent,
  ): Promise<Verification> {
    const current = this.state.verifications.get(verificationId);
    if (!current) throw new NotFound('VERIFICATION_NOT_FOUND', 'No such verification');
    if (!allowedSources(to).includes(current.status)) {
      if (isFinal(current.status)) throw new AlreadyCompleted(current.status);
      throw new InvalidTransition(`Cannot move from ${current.status} to ${to}`);
    }
    const { transcript, ...fields } = copy(patch);
    const set = Object.fromEntries(
      Object.entries({ status: to, updatedAt: this.state.now().toISOString(), ...fields }).filter(
        ([, value]) => value !== undefined,
      ),
    ) as Partial<Verification>;
    // The DynamoDB repository answers with the record it read before the write, plus the fields set.
    const answer = { ...copy(current), ...copy(set) };
    Object.assign(current, set);
    if (transcript) this.state.transcripts.set(verificationId, transcript);
    appendAudit(this.state, audit);
    return answer;
  }

  async storeTaskToken(verificationId: string, stage: WaitStage, token: string): Promise<boolean> {
    const v = this.state.verifications.get(verificationId);
    if (!v || !STAGE_OPEN[stage](v)) return false;
    v.taskTokens = { ...v.taskTokens, [stage]: token };
    return true;
  }

  async recordClient(verificationId: string, client: ClientContext): Promise<{ secondDevice: boolean }> {
    const v = this.state.verifications.get(verificationId);
    if (!v) return { secondDevice: false };
    if (v.client === undefined) {
      v.client = copy(client);
      return { secondDevice: false };
    }
    const secondDevice = v.client.deviceHmac !== client.deviceHmac;
    if (secondDevice) {
      // The second device's own network is scored too (a link forwarded to a VPS shows here).
      v.secondDevice = true;
      v.secondDeviceNetworkReasons = copy(client.networkReasons ?? []);
    }
    return { secondDevice };
  }

  async recordAnswer(verificationId: string, position: number, answer: AnswerRecord): Promise<boolean> {
    const v = this.state.verifications.get(verificationId);
    if (v?.status !== 'in_progress' || v.answers?.length !== position) return false;
    v.answers.push(copy(answer));
    v.updatedAt = this.state.now().toISOString();
    return true;
  }

  async getTranscript(verificationId: string): Promise<TranscriptEntry[] | undefined> {
    const entries = this.state.transcripts.get(verificationId);
    return entries && copy(entries);
  }

  async setWriteBack(
    verificationId: string,
    state: WriteBackState,
    details: { lastError?: string; written?: TicketWrite } = {},
  ): Promise<void> {
    const v = this.mustExist(verificationId);
    const { lastError: _previous, ...writeBack } = v.writeBack;
    v.writeBack = {
      ...writeBack,
      state,
      updatedAt: this.state.now().toISOString(),
      ...(details.written ? { written: [...(writeBack.written ?? []), details.written] } : {}),
      ...(details.lastError !== undefined ? { lastError: details.lastError } : {}),
    };
  }

  async claimWriteBack(
    verificationId: string,
    write: TicketWrite,
    owner: string,
    leaseSeconds: number,
  ): Promise<WriteBackClaim> {
    const v = this.state.verifications.get(verificationId);
    if (!v) throw new NotFound('VERIFICATION_NOT_FOUND', 'No such verification');
    const now = this.state.now();
    const lease = this.state.leases.get(verificationId) ?? {};
    if (v.writeBack.written?.includes(write)) return { status: 'written' };
    if (lease.claim && lease.claim.until >= now.toISOString()) return { status: 'in_progress' };
    const attemptedBefore = lease.attempted?.includes(write) ?? false;
    this.state.leases.set(verificationId, {
      claim: { write, owner, until: new Date(now.getTime() + leaseSeconds * 1000).toISOString() },
      attempted: [...(lease.attempted ?? []), write],
    });
    return { status: 'claimed', attemptedBefore };
  }

  async releaseWriteBack(verificationId: string, owner: string): Promise<void> {
    // Only our own lease: one that expired and was taken over belongs to the new writer.
    const lease = this.state.leases.get(verificationId);
    if (lease?.claim?.owner === owner) this.state.leases.set(verificationId, { attempted: lease.attempted });
  }

  async markLinkDelivered(verificationId: string, at: string): Promise<void> {
    this.mustExist(verificationId).linkDeliveredAt = at;
  }

  async listVerificationsSince(since: Date): Promise<Verification[]> {
    const from = since.toISOString();
    return newestFirst([...this.state.verifications.values()].filter((v) => v.createdAt >= from));
  }

  async setAction(
    verificationId: string,
    from: ActionState[],
    to: ActionState,
    audit: AuditEvent,
  ): Promise<boolean> {
    const v = this.state.verifications.get(verificationId);
    if (!v || !from.includes(v.action.state)) return false;
    const at = this.state.now().toISOString();
    v.action = { ...v.action, state: to, completedAt: at };
    v.updatedAt = at;
    appendAudit(this.state, audit);
    return true;
  }

  async markTicketResolved(verificationId: string, at: string): Promise<void> {
    this.mustExist(verificationId).ticketResolvedAt = at;
  }

  async recordStepUp(verificationId: string, stepUp: StepUp, audit: AuditEvent): Promise<boolean> {
    const v = this.state.verifications.get(verificationId);
    if (!v || !mayRecordStepUp(v)) return false;
    v.stepUp = copy(stepUp);
    appendAudit(this.state, audit);
    return true;
  }

  async setFeedback(
    verificationId: string,
    feedback: RequesterFeedback,
    audit: AuditEvent,
  ): Promise<boolean> {
    const v = this.state.verifications.get(verificationId);
    // Once, and only after an outcome.
    if (!v || v.feedback !== undefined || !COMPLETED.includes(v.status)) return false;
    v.feedback = copy(feedback);
    appendAudit(this.state, audit);
    return true;
  }

  /** The DynamoDB repository's `attribute_exists(pk)` condition on unconditional updates. */
  private mustExist(verificationId: string): Verification {
    const v = this.state.verifications.get(verificationId);
    if (!v) throw new NotFound('VERIFICATION_NOT_FOUND', 'No such verification');
    return v;
  }
}

/** Newest first, as the indexes sort (creation time, then id). */
function newestFirst(list: Verification[]): Verification[] {
  return list
    .map(copy)
    .sort((a, b) => `${b.createdAt}#${b.verificationId}`.localeCompare(`${a.createdAt}#${a.verificationId}`));
}
