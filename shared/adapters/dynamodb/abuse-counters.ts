/** Attempt counters per window and replay claims on signed deliveries, under domain/model/limits.ts. */
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { attemptWindow, epochSeconds } from '../../domain/model/limits.js';
import type { AbuseCounters } from '../../ports/abuse-counters.js';
import { keys } from './table.js';
import type { TableAccess } from './writes.js';

export class DynamoDbAbuseCounters implements AbuseCounters {
  constructor(private readonly t: TableAccess) {}

  async countAttempt(key: string, windowSeconds: number): Promise<number> {
    const window = attemptWindow(this.t.now(), windowSeconds);
    const out = await this.t.doc.send(
      new UpdateCommand({
        TableName: this.t.table,
        Key: { pk: `ATTEMPTS#${key}#${window.start}`, sk: 'ATTEMPTS' },
        UpdateExpression: 'ADD attempts :one SET expiresAtEpoch = if_not_exists(expiresAtEpoch, :expires)',
        ExpressionAttributeValues: { ':one': 1, ':expires': window.keepUntil },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(out.Attributes?.attempts ?? 1);
  }

  /** `deliveryClaimHolds` as the condition: a claim past its time that TTL has not swept does not count. */
  async claimDelivery(signatureHash: string, ttlSeconds: number): Promise<boolean> {
    const now = epochSeconds(this.t.now());
    return this.t.conditionally(
      new PutCommand({
        TableName: this.t.table,
        Item: { ...keys.webhookDelivery(signatureHash), expiresAtEpoch: now + ttlSeconds },
        ConditionExpression: 'attribute_not_exists(pk) OR expiresAtEpoch < :now',
        ExpressionAttributeValues: { ':now': now },
      }),
    );
  }

  async releaseDelivery(signatureHash: string): Promise<void> {
    await this.t.doc.send(
      new DeleteCommand({ TableName: this.t.table, Key: keys.webhookDelivery(signatureHash) }),
    );
  }
}
