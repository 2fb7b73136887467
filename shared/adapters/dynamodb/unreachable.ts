/**
 * Marks what the DynamoDB client throws when the table cannot serve now, after the SDK's own
 * retries: it did not answer (connection refused, reset, timed out, no DNS) or refused for load
 * (throttling, its own server errors). Those become one named error, TableUnavailableError, that
 * the HTTP edge answers with 503 and Retry-After; everything else (a failed condition, a bad
 * request) passes through unchanged, so the adapters still match on names.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { isNetworkFailure, TableUnavailableError } from '../../domain/errors.js';

const BUSY = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
]);

export function tableUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (BUSY.has(error.name) || isNetworkFailure(error)) return true;
  // The SDK's own socket and request timeouts.
  return error.name === 'TimeoutError' || error.name === 'RequestTimeout';
}

/** Adds the marking to a client (outermost, so it sees what is left after the SDK's retries). */
export function reportTableUnavailable(client: DynamoDBClient): DynamoDBClient {
  client.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        if (!tableUnavailable(error)) throw error;
        const { name, code } = error as Error & { code?: string };
        throw new TableUnavailableError(`The table is unreachable (${code ?? name})`, { cause: error });
      }
    },
    { step: 'initialize', name: 'reportTableUnavailable', override: true },
  );
  return client;
}
