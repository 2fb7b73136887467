/**
 * The console's read side (ConsoleQueries) over the single table: every listing is a Query on a
 * key or an index (table.ts lists the access patterns), never a Scan. The verifications listing
 * (console-list.ts) and the audit log's (console-audit-list.ts) read partitions the same way
 * (console-walk.ts); the dashboard's counters are console-aggregates.ts. Export jobs and the
 * connections the settings page lists are read and written here.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Connection } from '../../domain/model/connection.js';
import type { ConsoleQueries, ExportJobRecord } from '../../ports/console-queries.js';
import { aggregates, applyAggregate } from './console-aggregates.js';
import { listAudit } from './console-audit-list.js';
import { listVerifications } from './console-list.js';
import type { ConsoleTable } from './console-walk.js';
import { keys, strip } from './table.js';

export interface ConsoleQueriesOptions {
  tableName: string;
  client: DynamoDBClient;
  now?: () => Date;
}

export class DynamoDbConsoleQueries implements ConsoleQueries {
  private readonly db: ConsoleTable;

  constructor(options: ConsoleQueriesOptions) {
    this.db = {
      doc: DynamoDBDocumentClient.from(options.client, {
        marshallOptions: { removeUndefinedValues: true },
      }),
      table: options.tableName,
      now: options.now ?? (() => new Date()),
    };
  }

  listVerifications(...args: Parameters<ConsoleQueries['listVerifications']>) {
    return listVerifications(this.db, ...args);
  }

  listAudit(...args: Parameters<ConsoleQueries['listAudit']>) {
    return listAudit(this.db, ...args);
  }

  aggregates(from: string, to: string) {
    return aggregates(this.db, from, to);
  }

  applyAggregate(...args: Parameters<ConsoleQueries['applyAggregate']>) {
    return applyAggregate(this.db, ...args);
  }

  async putExportJob(job: ExportJobRecord): Promise<void> {
    await this.db.doc.send(
      new PutCommand({
        TableName: this.db.table,
        Item: {
          ...keys.exportJob(job.exportId),
          ...job,
          // The job record (and with it the download) is kept a week.
          expiresAtEpoch: Math.floor(Date.parse(job.requestedAt) / 1000) + 7 * 86_400,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async getExportJob(exportId: string): Promise<ExportJobRecord | undefined> {
    const out = await this.db.doc.send(
      new GetCommand({ TableName: this.db.table, Key: keys.exportJob(exportId), ConsistentRead: true }),
    );
    if (!out.Item) return undefined;
    const { expiresAtEpoch: _e, ...job } = strip<ExportJobRecord & { expiresAtEpoch: number }>(out.Item);
    return job;
  }

  async updateExportJob(
    exportId: string,
    from: ExportJobRecord['status'],
    patch: Partial<ExportJobRecord>,
  ): Promise<boolean> {
    const entries = Object.entries(patch).filter(([, v]) => v !== undefined);
    try {
      await this.db.doc.send(
        new UpdateCommand({
          TableName: this.db.table,
          Key: keys.exportJob(exportId),
          UpdateExpression: `SET ${entries.map((_, i) => `#a${i} = :v${i}`).join(', ')}`,
          ConditionExpression: '#status = :from',
          ExpressionAttributeNames: {
            '#status': 'status',
            ...Object.fromEntries(entries.map(([k], i) => [`#a${i}`, k])),
          },
          ExpressionAttributeValues: {
            ':from': from,
            ...Object.fromEntries(entries.map(([, v], i) => [`:v${i}`, v])),
          },
        }),
      );
      return true;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  async listConnections(): Promise<Connection[]> {
    const out = await this.db.doc.send(
      new QueryCommand({
        TableName: this.db.table,
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.allConnections },
      }),
    );
    return (out.Items ?? []).map((i) => strip<Connection>(i));
  }
}
