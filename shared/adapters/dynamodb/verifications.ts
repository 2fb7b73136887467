/**
 * Verifications over the one table. Every status change is a conditional write derived from the
 * domain's transition table (domain/model/verification.ts); the sub-state writes follow
 * domain/model/lifecycle-rules.ts (verification-progress.ts, write-back.ts). Audit events are
 * written in the same transaction as the change they record, so neither exists without the other;
 * a new verification also takes the ticket's lock (domain/model/ticket-rules.ts) in that transaction.
 */
import { GetCommand, paginateQuery, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { NotFound, StateConflict } from '../../domain/errors.js';
import type { AuditEvent } from '../../domain/model/audit-event.js';
import { transitionRefusal } from '../../domain/model/lifecycle-rules.js';
import type { AnswerRecord, TranscriptEntry } from '../../domain/model/question.js';
import type { TicketRef } from '../../domain/model/ticket.js';
import {
  type ActionState,
  allowedSources,
  type ClientContext,
  type RequesterFeedback,
  type StepUp,
  type TicketWrite,
  type Verification,
  type VerificationStatus,
  type WaitStage,
  type WriteBackState,
} from '../../domain/model/verification.js';
import type { TransitionPatch, Verifications, WriteBackClaim } from '../../ports/verifications.js';
import { searchItems, statusIndexAttributes, verificationItem } from './console-index.js';
import { keys, strip } from './table.js';
import * as progress from './verification-progress.js';
import * as writeBack from './write-back.js';
import { inList, readVerificationItem, type TableAccess, type TransactItem } from './writes.js';

export class DynamoDbVerifications implements Verifications {
  constructor(private readonly t: TableAccess) {}

  async createVerification(
    verification: Verification,
    audit: AuditEvent,
    previousVerificationId: string | undefined,
  ): Promise<void> {
    const { table } = this.t;
    const created = await this.t.withAudit(
      [
        ticketLock(table, verification, previousVerificationId),
        {
          Put: {
            TableName: table,
            Item: verificationItem(verification),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        ...searchItems(verification).map((Item) => ({ Put: { TableName: table, Item } })),
      ],
      audit,
      verification.expiresAtEpoch,
    );
    if (!created)
      throw new StateConflict(
        'VERIFICATION_IN_PROGRESS',
        'Another verification for this ticket was just sent',
      );
  }

  getVerification(verificationId: string): Promise<Verification | undefined> {
    return readVerificationItem(this.t, verificationId);
  }

  async listVerificationsByTicket(ref: TicketRef): Promise<Verification[]> {
    const out = await this.t.doc.send(
      new QueryCommand({
        TableName: this.t.table,
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.ticketVerifications(ref.connectionId, ref.ticketId) },
        ScanIndexForward: false,
      }),
    );
    return (out.Items ?? []).map((i) => strip<Verification>(i) as Verification);
  }

  async transition(
    verificationId: string,
    to: VerificationStatus,
    patch: TransitionPatch,
    audit: AuditEvent,
  ): Promise<Verification> {
    const { table } = this.t;
    const { transcript, ...fields } = patch;
    const set: Record<string, unknown> = { status: to, updatedAt: this.t.now().toISOString(), ...fields };
    const entries = Object.entries(set).filter(([, v]) => v !== undefined);
    // The console's filter keys follow the status (not part of the returned verification).
    const written = [...entries, ...Object.entries(statusIndexAttributes(to, fields.assessment))];
    const current = await this.getVerification(verificationId);
    if (!current) throw new NotFound('VERIFICATION_NOT_FOUND', 'No such verification');
    const allowed = inList('s', allowedSources(to));
    const items: TransactItem[] = [
      {
        Update: {
          TableName: table,
          Key: keys.verification(verificationId),
          UpdateExpression: `SET ${written.map((_, i) => `#a${i} = :v${i}`).join(', ')}`,
          ConditionExpression: `attribute_exists(pk) AND #status ${allowed.expression}`,
          ExpressionAttributeNames: {
            '#status': 'status',
            ...Object.fromEntries(written.map(([k], i) => [`#a${i}`, k])),
          },
          ExpressionAttributeValues: {
            ...Object.fromEntries(written.map(([, v], i) => [`:v${i}`, v])),
            ...allowed.values,
          },
        },
      },
    ];
    if (transcript) {
      const Item = {
        ...keys.transcript(verificationId),
        entries: transcript,
        expiresAtEpoch: current.expiresAtEpoch,
      };
      items.push({ Put: { TableName: table, Item } });
    }
    if (!(await this.t.withAudit(items, audit, current.expiresAtEpoch))) {
      const latest = await this.getVerification(verificationId);
      throw transitionRefusal(latest?.status, to);
    }
    return { ...current, ...(Object.fromEntries(entries) as Partial<Verification>) };
  }

  storeTaskToken(verificationId: string, stage: WaitStage, token: string): Promise<boolean> {
    return progress.writeTaskToken(this.t, verificationId, stage, token);
  }

  recordClient(verificationId: string, client: ClientContext): Promise<{ secondDevice: boolean }> {
    return progress.writeClientReport(this.t, verificationId, client);
  }

  recordAnswer(verificationId: string, position: number, answer: AnswerRecord): Promise<boolean> {
    return progress.appendAnswer(this.t, verificationId, position, answer);
  }

  async getTranscript(verificationId: string): Promise<TranscriptEntry[] | undefined> {
    const out = await this.t.doc.send(
      new GetCommand({ TableName: this.t.table, Key: keys.transcript(verificationId) }),
    );
    return out.Item?.entries as TranscriptEntry[] | undefined;
  }

  setWriteBack(
    verificationId: string,
    state: WriteBackState,
    details?: { lastError?: string; written?: TicketWrite },
  ): Promise<void> {
    return writeBack.writeWriteBackState(this.t, verificationId, state, details);
  }

  claimWriteBack(
    verificationId: string,
    write: TicketWrite,
    owner: string,
    leaseSeconds: number,
  ): Promise<WriteBackClaim> {
    return writeBack.writeWriteBackClaim(this.t, verificationId, write, owner, leaseSeconds);
  }

  releaseWriteBack(verificationId: string, owner: string): Promise<void> {
    return writeBack.removeWriteBackLease(this.t, verificationId, owner);
  }

  markLinkDelivered(verificationId: string, at: string): Promise<void> {
    return this.setMarker(verificationId, 'linkDeliveredAt', at);
  }

  markTicketResolved(verificationId: string, at: string): Promise<void> {
    return this.setMarker(verificationId, 'ticketResolvedAt', at);
  }

  async listVerificationsSince(since: Date): Promise<Verification[]> {
    const found: Verification[] = [];
    const now = this.t.now();
    const sinceIso = since.toISOString();
    for (
      let month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
      month.toISOString().slice(0, 7) >= sinceIso.slice(0, 7);
      month = new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() - 1, 1))
    ) {
      const pages = paginateQuery(
        { client: this.t.doc },
        {
          TableName: this.t.table,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk >= :since',
          ExpressionAttributeValues: {
            ':pk': keys.verificationsMonth(month.toISOString()),
            ':since': sinceIso,
          },
          ScanIndexForward: false,
        },
      );
      for await (const page of pages)
        for (const item of page.Items ?? []) found.push(strip<Verification>(item) as Verification);
    }
    return found;
  }

  setAction(
    verificationId: string,
    from: ActionState[],
    to: ActionState,
    audit: AuditEvent,
  ): Promise<boolean> {
    return progress.writeActionMove(this.t, verificationId, from, to, audit);
  }

  recordStepUp(verificationId: string, stepUp: StepUp, audit: AuditEvent): Promise<boolean> {
    return progress.writeStepUp(this.t, verificationId, stepUp, audit);
  }

  setFeedback(verificationId: string, feedback: RequesterFeedback, audit: AuditEvent): Promise<boolean> {
    return progress.writeFeedback(this.t, verificationId, feedback, audit);
  }

  private async setMarker(verificationId: string, field: 'linkDeliveredAt' | 'ticketResolvedAt', at: string) {
    await this.t.doc.send(
      new UpdateCommand({
        TableName: this.t.table,
        Key: keys.verification(verificationId),
        UpdateExpression: 'SET #field = :at',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#field': field },
        ExpressionAttributeValues: { ':at': at },
      }),
    );
  }
}

/**
 * `ticketLockHolds` as the condition on the ticket item: it exists and its latest is still the
 * verification the sender saw. Written in the new verification's transaction.
 */
function ticketLock(
  table: string,
  v: Verification,
  previousVerificationId: string | undefined,
): TransactItem {
  return {
    Update: {
      TableName: table,
      Key: keys.ticket(v.ticket.connectionId, v.ticket.ticketId),
      UpdateExpression: 'SET lastVerificationId = :id',
      ConditionExpression: previousVerificationId
        ? 'lastVerificationId = :previous'
        : 'attribute_exists(pk) AND attribute_not_exists(lastVerificationId)',
      ExpressionAttributeValues: {
        ':id': v.verificationId,
        ...(previousVerificationId ? { ':previous': previousVerificationId } : {}),
      },
    },
  };
}
