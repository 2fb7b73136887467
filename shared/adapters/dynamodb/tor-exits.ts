/** The Tor exit list: one item, a few thousand addresses, well under DynamoDB's 400 KB. */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { TorExitList, TorExits } from '../../ports/tor-exits.js';
import { keys } from './table.js';
import type { TableAccess } from './writes.js';

export class DynamoDbTorExits implements TorExits {
  constructor(private readonly t: TableAccess) {}

  async putTorExits(list: TorExitList): Promise<void> {
    await this.t.doc.send(
      new PutCommand({
        TableName: this.t.table,
        Item: { ...keys.torExits, addresses: list.addresses.join('\n'), fetchedAt: list.fetchedAt },
      }),
    );
  }

  async getTorExits(): Promise<TorExitList | undefined> {
    const out = await this.t.doc.send(new GetCommand({ TableName: this.t.table, Key: keys.torExits }));
    if (!out.Item) return undefined;
    const addresses = String(out.Item.addresses ?? '');
    return { addresses: addresses ? addresses.split('\n') : [], fetchedAt: String(out.Item.fetchedAt) };
  }
}
