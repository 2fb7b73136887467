/**
 * What every repository over the one table shares: the document client, the clock, conditional
 * writes that answer false when their condition failed, conditions on a set of allowed states,
 * and the audit item written in the same transaction as the change it records.
 */
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  type PutCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  type UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import type { AuditEvent } from '../../domain/model/audit-event.js';
import type { Verification } from '../../domain/model/verification.js';
import { keys, strip } from './table.js';

export type TableItem = Record<string, unknown>;
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export interface DynamoDbRepositoryOptions {
  tableName: string;
  client: DynamoDBClient;
  /** The clock (tests pass a controllable one); the system clock otherwise. */
  now?: () => Date;
}

/** The table a repository writes to, with the client and clock the repositories share. */
export class TableAccess {
  readonly doc: DynamoDBDocumentClient;
  readonly table: string;
  readonly now: () => Date;

  constructor(options: DynamoDbRepositoryOptions) {
    this.doc = DynamoDBDocumentClient.from(options.client, {
      marshallOptions: { removeUndefinedValues: true },
    });
    this.table = options.tableName;
    this.now = options.now ?? (() => new Date());
  }

  /** Sends a conditional write; false when its condition failed, any other error thrown. */
  async conditionally(command: PutCommand | UpdateCommand | TransactWriteCommand): Promise<boolean> {
    try {
      await this.doc.send(command as PutCommand);
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** A change and the audit event that records it, in one transaction: neither exists without the other. */
  withAudit(items: TransactItem[], audit: AuditEvent, expiresAtEpoch: number): Promise<boolean> {
    return this.conditionally(
      new TransactWriteCommand({
        TransactItems: [...items, { Put: { TableName: this.table, Item: auditItem(audit, expiresAtEpoch) } }],
      }),
    );
  }
}

export const isConditionFailure = (error: unknown) =>
  error instanceof ConditionalCheckFailedException ||
  (error instanceof TransactionCanceledException &&
    (error.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed'));

/** `IN (:p0, :p1, ...)` and its values, for conditions on a set of allowed states. */
export function inList(prefix: string, values: readonly string[]) {
  const names = values.map((_, i) => `:${prefix}${i}`);
  return {
    expression: `IN (${names.join(', ')})`,
    values: Object.fromEntries(values.map((v, i) => [names[i], v])),
  };
}

/** An audit event as stored: under its verification (or ticket), by day and by actor. */
export function auditItem(event: AuditEvent, expiresAtEpoch?: number): TableItem {
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

/** The verification as stored, read consistently (every repository that guards a write on it). */
export async function readVerificationItem(
  t: TableAccess,
  verificationId: string,
): Promise<Verification | undefined> {
  const out = await t.doc.send(
    new GetCommand({ TableName: t.table, Key: keys.verification(verificationId), ConsistentRead: true }),
  );
  return strip<Verification>(out.Item);
}
