/** Link tokens by hash, kept a grace period past expiry (domain/model/limits.ts). */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { LINK_TOKEN_GRACE_SECONDS } from '../../domain/model/limits.js';
import type { LinkTokens } from '../../ports/link-tokens.js';
import { keys } from './table.js';
import type { TableAccess } from './writes.js';

export class DynamoDbLinkTokens implements LinkTokens {
  constructor(private readonly t: TableAccess) {}

  async saveLinkToken(tokenHash: string, verificationId: string, expiresAt: string): Promise<void> {
    await this.t.doc.send(
      new PutCommand({
        TableName: this.t.table,
        Item: {
          ...keys.linkToken(tokenHash),
          verificationId,
          expiresAt,
          expiresAtEpoch: Math.floor(Date.parse(expiresAt) / 1000) + LINK_TOKEN_GRACE_SECONDS,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async findLinkToken(tokenHash: string): Promise<{ verificationId: string; expiresAt: string } | undefined> {
    const out = await this.t.doc.send(
      new GetCommand({ TableName: this.t.table, Key: keys.linkToken(tokenHash) }),
    );
    const item = out.Item;
    return item
      ? { verificationId: String(item.verificationId), expiresAt: String(item.expiresAt) }
      : undefined;
  }
}
