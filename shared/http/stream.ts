/**
 * The edge for functions the table's stream invokes: records unmarshalled, processed in order, and
 * the first failure reported as a partial batch failure (ReportBatchItemFailures), so Lambda
 * retries from that record and not the whole batch.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { assertIsError } from '../domain/errors.js';
import { logger } from '../logger.js';

export interface StreamChange {
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
  /** What the invocation has left (ms), from the Lambda context; undefined when not known. */
  remainingMs?: number;
}

const image = (i: Record<string, unknown> | undefined) =>
  i ? unmarshall(i as Record<string, AttributeValue>) : undefined;

export function streamHandler(name: string, fn: (change: StreamChange) => Promise<void>) {
  return middy<DynamoDBStreamEvent, DynamoDBBatchResponse>().handler(async (event, context) => {
    for (const record of event.Records) {
      try {
        await fn({
          eventName: record.eventName ?? 'MODIFY',
          before: image(record.dynamodb?.OldImage),
          after: image(record.dynamodb?.NewImage),
          remainingMs: context?.getRemainingTimeInMillis?.(),
        });
      } catch (error) {
        assertIsError(error);
        logger.warn('stream record failed', { consumer: name, errorName: error.name, detail: error.message });
        return { batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' }] };
      }
    }
    return { batchItemFailures: [] };
  });
}
