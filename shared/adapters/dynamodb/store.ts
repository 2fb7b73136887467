/**
 * VerificationStore over the single table. Every status change is a conditional write derived from
 * the domain's transition table; audit events are written in the same transaction as the change
 * they record, so neither exists without the other.
 */
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { conflict, notFound } from '../../domain/errors.js';
import {
  type ActionState,
  allowedSources,
  isFinal,
  type TicketRef,
  type Verification,
  type VerificationStatus,
  type WaitStage,
  type WriteBackState,
} from '../../domain/verification.js';
import type {
  AuditEvent,
  Connection,
  TicketRecord,
  TransitionPatch,
  VerificationStore,
} from '../../ports.js';
import { keys, TABLE } from './table.js';

type Item = Record<string, unknown>;
const KEY_NAMES = new Set<string>([
  TABLE.partitionKey,
  TABLE.sortKey,
  ...TABLE.indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
]);

function strip<T>(item: Item | undefined): T | undefined {
  if (!item) return undefined;
  return Object.fromEntries(Object.entries(item).filter(([k]) => !KEY_NAMES.has(k))) as T;
}

const isConditionFailure = (error: unknown) =>
  error instanceof ConditionalCheckFailedException ||
  (error instanceof TransactionCanceledException &&
    (error.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed'));

export interface DynamoDbStoreOptions {
  tableName: string;
  client: DynamoDBClient;
  now?: () => Date;
}

export class DynamoDbVerificationStore implements VerificationStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly table: string;
  private readonly now: () => Date;

  constructor(options: DynamoDbStoreOptions) {
    this.doc = DynamoDBDocumentClient.from(options.client, {
      marshallOptions: { removeUndefinedValues: true },
    });
    this.table = options.tableName;
    this.now = options.now ?? (() => new Date());
  }

  async getConnection(connectionId: string): Promise<Connection | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: keys.connection(connectionId) }),
    );
    return strip<Connection>(out.Item);
  }

  async putConnection(connection: Connection): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...keys.connection(connection.connectionId), ...connection },
      }),
    );
  }

  async createTicket(ticket: TicketRecord): Promise<{ created: boolean; ticket: TicketRecord }> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...keys.ticket(ticket.connectionId, ticket.ticketId), ...ticket },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { created: true, ticket };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const existing = await this.getTicket(ticket);
      if (!existing) throw error;
      return { created: false, ticket: existing };
    }
  }

  async getTicket(ref: TicketRef): Promise<TicketRecord | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.table,
        Key: keys.ticket(ref.connectionId, ref.ticketId),
        ConsistentRead: true,
      }),
    );
    return strip<TicketRecord>(out.Item);
  }

  async setLinkEntry(
    ref: TicketRef,
    from: TicketRecord['linkEntry'][],
    to: TicketRecord['linkEntry'],
  ): Promise<boolean> {
    const names = from.map((_, i) => `:f${i}`);
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.ticket(ref.connectionId, ref.ticketId),
          UpdateExpression: 'SET linkEntry = :to',
          ConditionExpression: `linkEntry IN (${names.join(', ')})`,
          ExpressionAttributeValues: { ':to': to, ...Object.fromEntries(from.map((f, i) => [`:f${i}`, f])) },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async createVerification(
    verification: Verification,
    audit: AuditEvent,
    previousVerificationId: string | undefined,
  ): Promise<void> {
    const { ticket } = verification;
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.table,
                Key: keys.ticket(ticket.connectionId, ticket.ticketId),
                UpdateExpression: 'SET lastVerificationId = :id',
                ConditionExpression: previousVerificationId
                  ? 'lastVerificationId = :previous'
                  : 'attribute_exists(pk) AND attribute_not_exists(lastVerificationId)',
                ExpressionAttributeValues: {
                  ':id': verification.verificationId,
                  ...(previousVerificationId ? { ':previous': previousVerificationId } : {}),
                },
              },
            },
            {
              Put: {
                TableName: this.table,
                Item: {
                  ...keys.verification(verification.verificationId),
                  gsi1pk: keys.verificationsMonth(verification.createdAt),
                  gsi1sk: `${verification.createdAt}#${verification.verificationId}`,
                  gsi2pk: keys.ticketVerifications(ticket.connectionId, ticket.ticketId),
                  gsi2sk: verification.createdAt,
                  ...verification,
                  taskTokens: {},
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            { Put: { TableName: this.table, Item: this.auditItem(audit, verification.expiresAtEpoch) } },
          ],
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) {
        throw conflict('VERIFICATION_IN_PROGRESS', 'Another verification for this ticket was just sent');
      }
      throw error;
    }
  }

  async getVerification(verificationId: string): Promise<Verification | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: keys.verification(verificationId), ConsistentRead: true }),
    );
    return strip<Verification>(out.Item);
  }

  async listVerificationsByTicket(ref: TicketRef): Promise<Verification[]> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
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
    const sources = allowedSources(to);
    const now = this.now().toISOString();
    const set: Record<string, unknown> = { status: to, updatedAt: now, ...patch };
    const entries = Object.entries(set).filter(([, v]) => v !== undefined);
    const current = await this.getVerification(verificationId);
    if (!current) throw notFound('VERIFICATION_NOT_FOUND', 'No such verification');
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.table,
                Key: keys.verification(verificationId),
                UpdateExpression: `SET ${entries.map((_, i) => `#a${i} = :v${i}`).join(', ')}`,
                ConditionExpression: `attribute_exists(pk) AND #status IN (${sources.map((_, i) => `:s${i}`).join(', ')})`,
                ExpressionAttributeNames: {
                  '#status': 'status',
                  ...Object.fromEntries(entries.map(([k], i) => [`#a${i}`, k])),
                },
                ExpressionAttributeValues: {
                  ...Object.fromEntries(entries.map(([, v], i) => [`:v${i}`, v])),
                  ...Object.fromEntries(sources.map((s, i) => [`:s${i}`, s])),
                },
              },
            },
            { Put: { TableName: this.table, Item: this.auditItem(audit, current.expiresAtEpoch) } },
          ],
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const latest = await this.getVerification(verificationId);
      if (latest && isFinal(latest.status)) {
        throw conflict('VERIFICATION_ALREADY_COMPLETED', `The verification is already ${latest.status}`);
      }
      throw conflict('INVALID_TRANSITION', `Cannot move from ${latest?.status ?? 'unknown'} to ${to}`);
    }
    return { ...current, ...(Object.fromEntries(entries) as Partial<Verification>) };
  }

  async storeTaskToken(verificationId: string, stage: WaitStage, token: string): Promise<boolean> {
    // Only while the stage is still open; the portal re-reads the token after closing it.
    const condition =
      stage === 'completion' ? '#status IN (:sent, :inProgress)' : '#action.#state IN (:pending, :running)';
    const values =
      stage === 'completion'
        ? { ':sent': 'sent', ':inProgress': 'in_progress' }
        : { ':pending': 'pending', ':running': 'running' };
    const names: Record<string, string> =
      stage === 'completion' ? { '#status': 'status' } : { '#action': 'action', '#state': 'state' };
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.verification(verificationId),
          UpdateExpression: 'SET taskTokens.#stage = :token',
          ConditionExpression: `attribute_exists(pk) AND ${condition}`,
          ExpressionAttributeNames: { '#stage': stage, ...names },
          ExpressionAttributeValues: { ':token': token, ...values },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async setWriteBack(verificationId: string, state: WriteBackState, lastError?: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.verification(verificationId),
        UpdateExpression: 'SET writeBack = :wb',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':wb': { state, lastError, updatedAt: this.now().toISOString() } },
      }),
    );
  }

  async setAction(
    verificationId: string,
    from: ActionState[],
    to: ActionState,
    audit: AuditEvent,
  ): Promise<boolean> {
    const current = await this.getVerification(verificationId);
    if (!current) return false;
    const at = this.now().toISOString();
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.table,
                Key: keys.verification(verificationId),
                UpdateExpression: 'SET #action.#state = :to, #action.completedAt = :at, updatedAt = :at',
                ConditionExpression: `#action.#state IN (${from.map((_, i) => `:f${i}`).join(', ')})`,
                ExpressionAttributeNames: { '#action': 'action', '#state': 'state' },
                ExpressionAttributeValues: {
                  ':to': to,
                  ':at': at,
                  ...Object.fromEntries(from.map((f, i) => [`:f${i}`, f])),
                },
              },
            },
            { Put: { TableName: this.table, Item: this.auditItem(audit, current.expiresAtEpoch) } },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async markTicketResolved(verificationId: string, at: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.verification(verificationId),
        UpdateExpression: 'SET ticketResolvedAt = :at',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':at': at },
      }),
    );
  }

  async saveLinkToken(tokenHash: string, verificationId: string, expiresAt: string): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...keys.linkToken(tokenHash),
          verificationId,
          expiresAt,
          // Kept a day past expiry so an expired link answers "expired", not "unknown".
          expiresAtEpoch: Math.floor(Date.parse(expiresAt) / 1000) + 86_400,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async findLinkToken(tokenHash: string): Promise<{ verificationId: string; expiresAt: string } | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: keys.linkToken(tokenHash) }),
    );
    const item = out.Item;
    return item
      ? { verificationId: String(item.verificationId), expiresAt: String(item.expiresAt) }
      : undefined;
  }

  async appendAudit(event: AuditEvent): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.table, Item: this.auditItem(event) }));
  }

  async listAudit(verificationId: string): Promise<AuditEvent[]> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :audit)',
        ExpressionAttributeValues: { ':pk': keys.verification(verificationId).pk, ':audit': 'AUDIT#' },
      }),
    );
    return (out.Items ?? []).map((i) => strip<AuditEvent>(i) as AuditEvent);
  }

  private auditItem(event: AuditEvent, expiresAtEpoch?: number): Item {
    const eventId = ulid();
    const pk = event.verificationId
      ? keys.verification(event.verificationId).pk
      : event.ticket
        ? keys.ticket(event.ticket.connectionId, event.ticket.ticketId).pk
        : 'AUDIT#SYSTEM';
    return {
      pk,
      sk: `AUDIT#${event.at}#${eventId}`,
      gsi1pk: keys.auditDay(event.at),
      gsi1sk: `${event.at}#${eventId}`,
      ...event,
      expiresAtEpoch,
    };
  }
}
