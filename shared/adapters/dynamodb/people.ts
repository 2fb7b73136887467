/** Known devices and the last sighting of each person, kept for the lifetimes in domain/model/limits.ts. */
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { epochSeconds, KNOWN_DEVICE_DAYS, SIGHTING_DAYS, stillKept } from '../../domain/model/limits.js';
import type { People } from '../../ports/people.js';
import { keys } from './table.js';
import type { TableAccess } from './writes.js';

export class DynamoDbPeople implements People {
  constructor(private readonly t: TableAccess) {}

  async isKnownDevice(userId: string, deviceHmac: string): Promise<boolean> {
    const out = await this.t.doc.send(
      new GetCommand({ TableName: this.t.table, Key: keys.knownDevice(userId, deviceHmac) }),
    );
    return out.Item !== undefined && stillKept(Number(out.Item.expiresAtEpoch ?? 0), this.t.now());
  }

  async rememberDevice(userId: string, deviceHmac: string): Promise<void> {
    const now = this.t.now();
    await this.t.doc.send(
      new PutCommand({
        TableName: this.t.table,
        Item: {
          ...keys.knownDevice(userId, deviceHmac),
          lastSeenAt: now.toISOString(),
          expiresAtEpoch: epochSeconds(now) + KNOWN_DEVICE_DAYS * 86_400,
        },
      }),
    );
  }

  async forgetDevice(userId: string, deviceHmac: string): Promise<void> {
    await this.t.doc.send(
      new DeleteCommand({ TableName: this.t.table, Key: keys.knownDevice(userId, deviceHmac) }),
    );
  }

  async lastSighting(userId: string): Promise<{ country?: string; at: string } | undefined> {
    const out = await this.t.doc.send(
      new GetCommand({ TableName: this.t.table, Key: keys.sighting(userId) }),
    );
    return out.Item
      ? { country: out.Item.country as string | undefined, at: String(out.Item.at) }
      : undefined;
  }

  async recordSighting(userId: string, sighting: { country?: string; at: string }): Promise<void> {
    await this.t.doc.send(
      new PutCommand({
        TableName: this.t.table,
        Item: {
          ...keys.sighting(userId),
          ...sighting,
          expiresAtEpoch: epochSeconds(this.t.now()) + SIGHTING_DAYS * 86_400,
        },
      }),
    );
  }
}
