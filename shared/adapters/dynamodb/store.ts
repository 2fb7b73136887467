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
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { AlreadyCompleted, InvalidTransition, NotFound, StateConflict } from '../../domain/errors.js';
import type { AuditEvent } from '../../domain/model/audit-event.js';
import type { Connection } from '../../domain/model/connection.js';
import type { AnswerRecord, TranscriptEntry } from '../../domain/model/question.js';
import type { TicketRecord, TicketRef } from '../../domain/model/ticket.js';
import {
  type ActionState,
  allowedSources,
  type ClientContext,
  isFinal,
  type RequesterFeedback,
  type TicketWrite,
  type Verification,
  type VerificationStatus,
  type WaitStage,
  type WriteBackState,
} from '../../domain/model/verification.js';
import type { AbuseCounters } from '../../ports/abuse-counters.js';
import type { AuditLog } from '../../ports/audit-log.js';
import type { Connections } from '../../ports/connections.js';
import type { LinkTokens } from '../../ports/link-tokens.js';
import type { People } from '../../ports/people.js';
import type { TicketRecords } from '../../ports/tickets.js';
import type { TorExitList, TorExits } from '../../ports/tor-exits.js';
import type { TransitionPatch, Verifications, WriteBackClaim } from '../../ports/verifications.js';
import { searchItems, statusIndexAttributes, verificationItem } from './console-index.js';
import { keys, strip } from './table.js';

type Item = Record<string, unknown>;
type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
/** How long a device that passed stays known. */
const KNOWN_DEVICE_DAYS = 180;

/** `IN (:p0, :p1, ...)` and its values, for conditions on a set of allowed states. */
function inList(prefix: string, values: readonly string[]) {
  const names = values.map((_, i) => `:${prefix}${i}`);
  return {
    expression: `IN (${names.join(', ')})`,
    values: Object.fromEntries(values.map((v, i) => [names[i], v])),
  };
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

export class DynamoDbVerificationStore
  implements Verifications, TicketRecords, Connections, LinkTokens, AbuseCounters, People, TorExits, AuditLog
{
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
        Item: {
          ...keys.connection(connection.connectionId),
          gsi2pk: keys.allConnections,
          gsi2sk: connection.connectionId,
          ...connection,
        },
      }),
    );
  }

  async createTicket(ticket: TicketRecord): Promise<{ created: boolean; ticket: TicketRecord }> {
    const created = await this.conditionally(
      new PutCommand({
        TableName: this.table,
        Item: { ...keys.ticket(ticket.connectionId, ticket.ticketId), ...ticket },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    if (created) return { created, ticket };
    const existing = await this.getTicket(ticket);
    if (!existing) throw new Error('Ticket record vanished after a conflicting create');
    return { created, ticket: existing };
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
    const allowed = inList('f', from);
    return this.conditionally(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.ticket(ref.connectionId, ref.ticketId),
        UpdateExpression: 'SET linkEntry = :to',
        ConditionExpression: `linkEntry ${allowed.expression}`,
        ExpressionAttributeValues: { ':to': to, ...allowed.values },
      }),
    );
  }

  async createVerification(
    verification: Verification,
    audit: AuditEvent,
    previousVerificationId: string | undefined,
  ): Promise<void> {
    const { ticket } = verification;
    const created = await this.withAudit(
      [
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
            Item: verificationItem(verification),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        ...searchItems(verification).map((Item) => ({ Put: { TableName: this.table, Item } })),
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
    const { transcript, ...fields } = patch;
    const set: Record<string, unknown> = { status: to, updatedAt: now, ...fields };
    const entries = Object.entries(set).filter(([, v]) => v !== undefined);
    // The console's filter keys follow the status (not part of the returned verification).
    const written = [...entries, ...Object.entries(statusIndexAttributes(to, fields.assessment))];
    const current = await this.getVerification(verificationId);
    if (!current) throw new NotFound('VERIFICATION_NOT_FOUND', 'No such verification');
    const allowed = inList('s', sources);
    const changed = await this.withAudit(
      [
        {
          Update: {
            TableName: this.table,
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
        ...(transcript
          ? [
              {
                Put: {
                  TableName: this.table,
                  Item: {
                    ...keys.transcript(verificationId),
                    entries: transcript,
                    expiresAtEpoch: current.expiresAtEpoch,
                  },
                },
              },
            ]
          : []),
      ],
      audit,
      current.expiresAtEpoch,
    );
    if (!changed) {
      const latest = await this.getVerification(verificationId);
      if (latest && isFinal(latest.status)) {
        throw new AlreadyCompleted(latest.status);
      }
      throw new InvalidTransition(`Cannot move from ${latest?.status ?? 'unknown'} to ${to}`);
    }
    return { ...current, ...(Object.fromEntries(entries) as Partial<Verification>) };
  }

  async isKnownDevice(userId: string, deviceHmac: string): Promise<boolean> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: keys.knownDevice(userId, deviceHmac) }),
    );
    const expires = Number(out.Item?.expiresAtEpoch ?? 0);
    return out.Item !== undefined && expires > this.now().getTime() / 1000;
  }

  async rememberDevice(userId: string, deviceHmac: string): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...keys.knownDevice(userId, deviceHmac),
          lastSeenAt: this.now().toISOString(),
          expiresAtEpoch: Math.floor(this.now().getTime() / 1000) + KNOWN_DEVICE_DAYS * 86_400,
        },
      }),
    );
  }

  async forgetDevice(userId: string, deviceHmac: string): Promise<void> {
    await this.doc.send(
      new DeleteCommand({ TableName: this.table, Key: keys.knownDevice(userId, deviceHmac) }),
    );
  }

  async recordClient(verificationId: string, client: ClientContext): Promise<{ secondDevice: boolean }> {
    // The first report wins; a later one from another device only raises the flag.
    const first = await this.conditionally(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.verification(verificationId),
        UpdateExpression: 'SET #client = :client',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#client)',
        ExpressionAttributeNames: { '#client': 'client' },
        ExpressionAttributeValues: { ':client': client },
      }),
    );
    if (first) return { secondDevice: false };
    const current = await this.getVerification(verificationId);
    const secondDevice = current?.client?.deviceHmac !== client.deviceHmac;
    if (secondDevice) {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.verification(verificationId),
          // The second device's own network is scored too (a link forwarded to a VPS shows here).
          UpdateExpression: 'SET secondDevice = :yes, secondDeviceNetworkReasons = :reasons',
          ExpressionAttributeValues: { ':yes': true, ':reasons': client.networkReasons ?? [] },
        }),
      );
    }
    return { secondDevice };
  }

  async recordAnswer(verificationId: string, position: number, answer: AnswerRecord): Promise<boolean> {
    // In order and once: the answer is appended only at the position the caller saw, while in progress.
    return this.conditionally(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.verification(verificationId),
        UpdateExpression: 'SET answers = list_append(answers, :answer), updatedAt = :now',
        ConditionExpression: '#status = :inProgress AND size(answers) = :position',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':answer': [answer],
          ':now': this.now().toISOString(),
          ':inProgress': 'in_progress',
          ':position': position,
        },
      }),
    );
  }

  async countAttempt(key: string, windowSeconds: number): Promise<number> {
    const nowSeconds = Math.floor(this.now().getTime() / 1000);
    const windowStart = nowSeconds - (nowSeconds % windowSeconds);
    const out = await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: `ATTEMPTS#${key}#${windowStart}`, sk: 'ATTEMPTS' },
        UpdateExpression: 'ADD attempts :one SET expiresAtEpoch = if_not_exists(expiresAtEpoch, :expires)',
        ExpressionAttributeValues: { ':one': 1, ':expires': windowStart + 2 * windowSeconds },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(out.Attributes?.attempts ?? 1);
  }

  async putTorExits(list: TorExitList): Promise<void> {
    // One item: a few thousand addresses, well under DynamoDB's 400 KB.
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...keys.torExits, addresses: list.addresses.join('\n'), fetchedAt: list.fetchedAt },
      }),
    );
  }

  async getTorExits(): Promise<TorExitList | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: keys.torExits }));
    if (!out.Item) return undefined;
    const addresses = String(out.Item.addresses ?? '');
    return { addresses: addresses ? addresses.split('\n') : [], fetchedAt: String(out.Item.fetchedAt) };
  }

  async lastSighting(userId: string): Promise<{ country?: string; at: string } | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: keys.sighting(userId) }));
    return out.Item
      ? { country: out.Item.country as string | undefined, at: String(out.Item.at) }
      : undefined;
  }

  async recordSighting(userId: string, sighting: { country?: string; at: string }): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...keys.sighting(userId),
          ...sighting,
          expiresAtEpoch: Math.floor(this.now().getTime() / 1000) + 90 * 86_400,
        },
      }),
    );
  }

  async getTranscript(verificationId: string): Promise<TranscriptEntry[] | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: keys.transcript(verificationId) }),
    );
    return out.Item?.entries as TranscriptEntry[] | undefined;
  }

  async storeTaskToken(verificationId: string, stage: WaitStage, token: string): Promise<boolean> {
    // Only while the stage is still open; the portal re-reads the token after closing it.
    const byStage: Record<WaitStage, { condition: string; names: Record<string, string>; values: Item }> = {
      open: { condition: '#status = :sent', names: { '#status': 'status' }, values: { ':sent': 'sent' } },
      completion: {
        condition: '#status IN (:sent, :inProgress)',
        names: { '#status': 'status' },
        values: { ':sent': 'sent', ':inProgress': 'in_progress' },
      },
      action: {
        condition: '#action.#state IN (:pending, :running)',
        names: { '#action': 'action', '#state': 'state' },
        values: { ':pending': 'pending', ':running': 'running' },
      },
    };
    const { condition, names, values } = byStage[stage];
    return this.conditionally(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.verification(verificationId),
        UpdateExpression: 'SET taskTokens.#stage = :token',
        ConditionExpression: `attribute_exists(pk) AND ${condition}`,
        ExpressionAttributeNames: { '#stage': stage, ...names },
        ExpressionAttributeValues: { ':token': token, ...values },
      }),
    );
  }

  async setWriteBack(
    verificationId: string,
    state: WriteBackState,
    details: { lastError?: string; written?: TicketWrite } = {},
  ): Promise<void> {
    const set = ['writeBack.#state = :state', 'writeBack.updatedAt = :at'];
    const values: Item = { ':state': state, ':at': this.now().toISOString() };
    if (details.written) {
      set.push('writeBack.written = list_append(if_not_exists(writeBack.written, :none), :written)');
      Object.assign(values, { ':none': [], ':written': [details.written] });
    }
    if (details.lastError !== undefined) {
      set.push('writeBack.lastError = :error');
      values[':error'] = details.lastError;
    }
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.verification(verificationId),
        UpdateExpression: `SET ${set.join(', ')}${details.lastError === undefined ? ' REMOVE writeBack.lastError' : ''}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: values,
      }),
    );
  }

  async claimWriteBack(
    verificationId: string,
    write: TicketWrite,
    owner: string,
    leaseSeconds: number,
  ): Promise<WriteBackClaim> {
    // Claimed only if the write was not made and nobody holds a live lease: one writer at a time.
    // Each claim is remembered in writeBack.attempted, so the next one knows an attempt went before.
    const now = this.now();
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.verification(verificationId),
          UpdateExpression:
            'SET writeBack.#claim = :claim, writeBack.attempted = list_append(if_not_exists(writeBack.attempted, :none), :writes)',
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_not_exists(writeBack.written) OR NOT contains(writeBack.written, :write)) AND (attribute_not_exists(writeBack.#claim) OR writeBack.#claim.#until < :now)',
          ExpressionAttributeNames: { '#claim': 'claim', '#until': 'until' },
          ExpressionAttributeValues: {
            ':claim': { write, owner, until: new Date(now.getTime() + leaseSeconds * 1000).toISOString() },
            ':write': write,
            ':writes': [write],
            ':none': [],
            ':now': now.toISOString(),
          },
          ReturnValues: 'UPDATED_OLD',
        }),
      );
      const before = (out.Attributes?.writeBack as { attempted?: string[] } | undefined)?.attempted ?? [];
      return { status: 'claimed', attemptedBefore: before.includes(write) };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const v = await this.getVerification(verificationId);
    if (!v) throw new NotFound('VERIFICATION_NOT_FOUND', 'No such verification');
    return v.writeBack.written?.includes(write) ? { status: 'written' } : { status: 'in_progress' };
  }

  async releaseWriteBack(verificationId: string, owner: string): Promise<void> {
    // Only our own lease: one that expired and was taken over belongs to the new writer.
    await this.conditionally(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.verification(verificationId),
        UpdateExpression: 'REMOVE writeBack.#claim',
        ConditionExpression: 'attribute_exists(pk) AND writeBack.#claim.#owner = :owner',
        ExpressionAttributeNames: { '#claim': 'claim', '#owner': 'owner' },
        ExpressionAttributeValues: { ':owner': owner },
      }),
    );
  }

  async markLinkDelivered(verificationId: string, at: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.verification(verificationId),
        UpdateExpression: 'SET linkDeliveredAt = :at',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':at': at },
      }),
    );
  }

  async listVerificationsSince(since: Date): Promise<Verification[]> {
    const found: Verification[] = [];
    const now = this.now();
    const sinceIso = since.toISOString();
    for (
      let month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
      month.toISOString().slice(0, 7) >= sinceIso.slice(0, 7);
      month = new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() - 1, 1))
    ) {
      const pages = paginateQuery(
        { client: this.doc },
        {
          TableName: this.table,
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

  async setAction(
    verificationId: string,
    from: ActionState[],
    to: ActionState,
    audit: AuditEvent,
  ): Promise<boolean> {
    const current = await this.getVerification(verificationId);
    if (!current) return false;
    const at = this.now().toISOString();
    const allowed = inList('f', from);
    return this.withAudit(
      [
        {
          Update: {
            TableName: this.table,
            Key: keys.verification(verificationId),
            UpdateExpression: 'SET #action.#state = :to, #action.completedAt = :at, updatedAt = :at',
            ConditionExpression: `#action.#state ${allowed.expression}`,
            ExpressionAttributeNames: { '#action': 'action', '#state': 'state' },
            ExpressionAttributeValues: { ':to': to, ':at': at, ...allowed.values },
          },
        },
      ],
      audit,
      current.expiresAtEpoch,
    );
  }

  async setFeedback(
    verificationId: string,
    feedback: RequesterFeedback,
    audit: AuditEvent,
  ): Promise<boolean> {
    const current = await this.getVerification(verificationId);
    if (!current) return false;
    // Once, and only after an outcome: the condition holds both, so two tabs cannot both write.
    const completed = inList('c', ['passed', 'failed', 'not_enough_questions']);
    return this.withAudit(
      [
        {
          Update: {
            TableName: this.table,
            Key: keys.verification(verificationId),
            UpdateExpression: 'SET feedback = :feedback',
            ConditionExpression: `attribute_not_exists(feedback) AND #status ${completed.expression}`,
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':feedback': feedback, ...completed.values },
          },
        },
      ],
      audit,
      current.expiresAtEpoch,
    );
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

  async claimDelivery(signatureHash: string, ttlSeconds: number): Promise<boolean> {
    return this.conditionally(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...keys.webhookDelivery(signatureHash),
          expiresAtEpoch: Math.floor(this.now().getTime() / 1000) + ttlSeconds,
        },
        // An expired claim that TTL has not swept yet does not count.
        ConditionExpression: 'attribute_not_exists(pk) OR expiresAtEpoch < :now',
        ExpressionAttributeValues: { ':now': Math.floor(this.now().getTime() / 1000) },
      }),
    );
  }

  async releaseDelivery(signatureHash: string): Promise<void> {
    await this.doc.send(
      new DeleteCommand({ TableName: this.table, Key: keys.webhookDelivery(signatureHash) }),
    );
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

  /** Sends a conditional write; false when its condition failed, any other error thrown. */
  private async conditionally(command: PutCommand | UpdateCommand | TransactWriteCommand): Promise<boolean> {
    try {
      await this.doc.send(command as PutCommand);
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** A change and the audit event that records it, in one transaction: neither exists without the other. */
  private withAudit(items: TransactItem[], audit: AuditEvent, expiresAtEpoch: number): Promise<boolean> {
    return this.conditionally(
      new TransactWriteCommand({
        TransactItems: [
          ...items,
          { Put: { TableName: this.table, Item: this.auditItem(audit, expiresAtEpoch) } },
        ],
      }),
    );
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
      gsi6pk: keys.auditByActor(event.actor),
      ...event,
      eventId,
      expiresAtEpoch,
    };
  }
}
