/** The ITSM connections, one item each, all listed under one GSI2 partition for the console. */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Connection } from '../../domain/model/connection.js';
import type { Connections } from '../../ports/connections.js';
import { keys, strip } from './table.js';
import type { TableAccess } from './writes.js';

export class DynamoDbConnections implements Connections {
  constructor(private readonly t: TableAccess) {}

  async getConnection(connectionId: string): Promise<Connection | undefined> {
    const out = await this.t.doc.send(
      new GetCommand({ TableName: this.t.table, Key: keys.connection(connectionId) }),
    );
    return strip<Connection>(out.Item);
  }

  async putConnection(connection: Connection): Promise<void> {
    await this.t.doc.send(
      new PutCommand({
        TableName: this.t.table,
        Item: {
          ...keys.connection(connection.connectionId),
          gsi2pk: keys.allConnections,
          gsi2sk: connection.connectionId,
          ...connection,
        },
      }),
    );
  }
}
