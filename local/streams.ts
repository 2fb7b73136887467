/**
 * The local stand-in for Lambda's DynamoDB Streams event source mappings: polls the table's stream
 * on DynamoDB Local and hands each batch to the functions the manifest subscribes (`stream` in
 * shared/manifest.ts), after the same filter Lambda would apply. A batch a consumer reports as
 * failed (partial batch response) is retried from the failed record, up to a few times, as Lambda
 * retries it. It starts from the oldest record the stream holds: after a restart, records seen
 * before come again, which the consumers must (and do) absorb.
 */
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type _Record,
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse } from 'aws-lambda';
import { FUNCTIONS, type FunctionName, type FunctionSpec } from '../shared/manifest.js';
import { invoke } from './lambda.js';

const IDLE_MS = 200;
const MAX_ATTEMPTS = 4;

/** Lambda event filtering, the parts the manifest uses: exact values and `{ prefix }` in arrays. */
function matchesFilter(pattern: unknown, value: unknown): boolean {
  if (Array.isArray(pattern))
    return pattern.some((p) =>
      p !== null && typeof p === 'object' && 'prefix' in p
        ? typeof value === 'string' && value.startsWith(String((p as { prefix: unknown }).prefix))
        : value === p,
    );
  if (pattern !== null && typeof pattern === 'object') {
    if (value === null || typeof value !== 'object') return false;
    return Object.entries(pattern).every(([k, p]) => matchesFilter(p, (value as Record<string, unknown>)[k]));
  }
  return pattern === value;
}

const CONSUMERS = (FUNCTIONS as readonly FunctionSpec[])
  .filter((f) => f.stream)
  .map((f) => ({ name: f.name as FunctionName, filter: f.stream?.filter ?? {} }));

export class LocalStreams {
  private readonly streams: DynamoDBStreamsClient;
  private running = false;
  private loop?: Promise<void>;
  private readonly iterators = new Map<string, string | undefined>();

  constructor(
    private readonly dynamo: DynamoDBClient,
    endpoint: string,
    private readonly tableName: string,
  ) {
    this.streams = new DynamoDBStreamsClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  }

  start(): void {
    this.running = true;
    this.loop = this.run().catch((error: unknown) => {
      console.error('local streams: stopped', (error as Error).message);
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    this.streams.destroy();
  }

  private async run(): Promise<void> {
    const { Table } = await this.dynamo.send(new DescribeTableCommand({ TableName: this.tableName }));
    const streamArn = Table?.LatestStreamArn;
    if (!streamArn) throw new Error(`Table ${this.tableName} has no stream`);
    let polls = 0;
    while (this.running) {
      try {
        // New shards appear over time: look for them every few seconds.
        if (polls++ % 20 === 0) await this.discover(streamArn);
        const busy = await this.pollOnce();
        if (!busy) await new Promise((r) => setTimeout(r, IDLE_MS));
      } catch (error) {
        if (!this.running) return;
        console.error('local streams: poll failed', (error as Error).name, (error as Error).message);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  private async discover(streamArn: string): Promise<void> {
    let ExclusiveStartShardId: string | undefined;
    do {
      const out = await this.streams.send(
        new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId }),
      );
      for (const shard of out.StreamDescription?.Shards ?? []) {
        if (!shard.ShardId || this.iterators.has(shard.ShardId)) continue;
        const it = await this.streams.send(
          new GetShardIteratorCommand({
            StreamArn: streamArn,
            ShardId: shard.ShardId,
            ShardIteratorType: 'TRIM_HORIZON',
          }),
        );
        this.iterators.set(shard.ShardId, it.ShardIterator);
      }
      ExclusiveStartShardId = out.StreamDescription?.LastEvaluatedShardId;
    } while (ExclusiveStartShardId);
  }

  /** One GetRecords per open shard; true when any records came. */
  private async pollOnce(): Promise<boolean> {
    let busy = false;
    for (const [shardId, iterator] of this.iterators) {
      if (!iterator || !this.running) continue;
      const out = await this.streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 100 }));
      this.iterators.set(shardId, out.NextShardIterator);
      const records = out.Records ?? [];
      if (records.length === 0) continue;
      busy = true;
      for (const consumer of CONSUMERS) await this.deliver(consumer.name, consumer.filter, records);
    }
    return busy;
  }

  private async deliver(
    name: FunctionName,
    filter: Record<string, unknown>,
    records: _Record[],
  ): Promise<void> {
    let batch = records.filter((r) => matchesFilter(filter, r));
    for (let attempt = 1; batch.length > 0; attempt++) {
      const result = (await invoke(name, { Records: batch }, 900_000).catch((error: unknown) => ({
        batchItemFailures: [{ itemIdentifier: batch[0]?.dynamodb?.SequenceNumber ?? '' }],
        error,
      }))) as DynamoDBBatchResponse;
      const failed = result.batchItemFailures?.[0]?.itemIdentifier;
      if (!failed) return;
      if (attempt >= MAX_ATTEMPTS) {
        console.error(`local streams: ${name} gave up on a batch after ${attempt} attempts`);
        return;
      }
      batch = batch.slice(
        Math.max(
          0,
          batch.findIndex((r) => r.dynamodb?.SequenceNumber === failed),
        ),
      );
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
}
