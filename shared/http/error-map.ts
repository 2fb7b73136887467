/**
 * The one place a domain error becomes an HTTP status and response. Subclasses come before their
 * parents (InvalidTransition is a StateConflict, answered 409 either way). Only domain errors
 * answered below 500 reach the client with their message; a dependency that cannot answer now
 * (the table, another AWS service) is a 503 with Retry-After and one WARN line; anything else is
 * logged and answered with a generic 500. Task functions log their failures through `errorName`.
 */
import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import {
  CannotProceed,
  DomainError,
  Expired,
  InvalidInput,
  isNetworkFailure,
  NotFound,
  NotPermitted,
  RateLimited,
  StateConflict,
  TableUnavailableError,
  TooLarge,
  Unauthenticated,
  Unavailable,
  UnsupportedFormat,
  UpstreamRefused,
} from '../domain/errors.js';
import { logger } from '../logger.js';
import { type EdgeRefusal, RETRY_AFTER_SECONDS } from './limits.js';

const STATUS: readonly [abstract new (...args: never[]) => DomainError, number][] = [
  [InvalidInput, 400],
  [Unauthenticated, 401],
  [NotPermitted, 403],
  [NotFound, 404],
  [StateConflict, 409],
  [Expired, 410],
  [TooLarge, 413],
  [UnsupportedFormat, 415],
  [CannotProceed, 422],
  [RateLimited, 429],
  [UpstreamRefused, 502],
  [Unavailable, 503],
];

/** The status a domain error is answered with; 500 for a DomainError of no known kind. */
export function statusOf(error: DomainError): number {
  return STATUS.find(([kind]) => error instanceof kind)?.[1] ?? 500;
}

const JSON_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

export const respond = (status: number, body: unknown): APIGatewayProxyResultV2 => ({
  statusCode: status,
  headers: status === 503 ? { ...JSON_HEADERS, 'retry-after': String(RETRY_AFTER_SECONDS) } : JSON_HEADERS,
  body: JSON.stringify(body),
});

/** An AWS SDK call (it carries `$metadata`) that could not reach its service. */
const awsUnreachable = (error: Error) =>
  '$metadata' in error && (isNetworkFailure(error) || error.name === 'TimeoutError');

/** A request outside the edge's bounds (./limits.ts): a 400 with its code, logged with the part and size. */
export class OutOfBounds extends Error {
  override name = 'OutOfBounds';
  constructor(readonly refusal: EdgeRefusal) {
    super('The request is malformed or too large');
  }
}

/**
 * The response for what a route threw, logged once; `refusal` is the code of a request refused
 * below 500 (counted as a metric by the edge).
 */
export function mapError(
  thrown: unknown,
  route: string,
): { response: APIGatewayProxyResultV2; refusal?: string } {
  const error = thrown instanceof Error ? thrown : new Error(`Non-error thrown: ${String(thrown)}`);
  if (error instanceof OutOfBounds) {
    const { code, ...where } = error.refusal;
    logger.warn('request refused at the edge', { route, code, ...where });
    return {
      response: respond(400, { error: { code, message: 'The request is malformed or too large' } }),
      refusal: code,
    };
  }
  const status = error instanceof DomainError ? statusOf(error) : 500;
  if (error instanceof DomainError && status < 500) {
    logger.info('request refused', { route, code: error.code, status });
    const body = { error: { code: error.code, message: error.message, details: error.details } };
    return { response: respond(status, body), refusal: error.code };
  }
  if (error instanceof TableUnavailableError || awsUnreachable(error)) {
    const table = error instanceof TableUnavailableError;
    const cause = (table ? error.cause : error) as (Error & { code?: string }) | undefined;
    logger.warn(table ? 'table unreachable' : 'dependency unreachable', {
      route,
      errorName: cause?.name,
      errorCode: cause?.code,
    });
    const code = table ? 'TABLE_UNAVAILABLE' : 'DEPENDENCY_UNAVAILABLE';
    const message = 'The service is briefly unavailable; try again shortly';
    return { response: respond(503, { error: { code, message } }) };
  }
  if (error instanceof DomainError) {
    logger.warn('request failed', { route, code: error.code, detail: error.message });
    return { response: respond(status, { error: { code: error.code, message: error.message } }) };
  }
  logger.error('unhandled error', { route, error });
  return {
    response: respond(500, { error: { code: 'INTERNAL_ERROR', message: 'Something went wrong; try again' } }),
  };
}

/** How a task failure is logged: by the name the ASL's Retry and Catch match. */
export function logTaskFailure(task: string, error: Error): void {
  const code = error instanceof DomainError ? error.code : undefined;
  logger.warn('task failed', { task, errorName: error.name, code, detail: error.message });
}
