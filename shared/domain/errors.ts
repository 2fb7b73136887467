/**
 * Every error a client can see has a stable `code` and an HTTP status. Anything else is an
 * internal error: logged in full, answered with a generic 500.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (code: string, message: string, details?: unknown) =>
  new AppError(code, 400, message, details);
export const unauthorized = (code: string, message: string) => new AppError(code, 401, message);
export const forbidden = (code: string, message: string) => new AppError(code, 403, message);
export const notFound = (code: string, message: string) => new AppError(code, 404, message);
export const conflict = (code: string, message: string) => new AppError(code, 409, message);
export const gone = (code: string, message: string) => new AppError(code, 410, message);
export const unavailable = (code: string, message: string) => new AppError(code, 503, message);

/**
 * Errors thrown by lifecycle tasks. Their `name` is what the state machine's Retry and Catch
 * match (Lambda reports `error.name` as the error type), so these names are part of the ASL contract.
 */
export class TicketSystemRetryableError extends Error {
  override name = 'TicketSystemRetryableError';
  /** The ITSM's Retry-After, when it sent one. */
  constructor(
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}
export class TicketSystemPermanentError extends Error {
  override name = 'TicketSystemPermanentError';
  /** The ITSM's HTTP status, when it answered. */
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}
export class MessengerRetryableError extends Error {
  override name = 'MessengerRetryableError';
}

export function assertIsError(error: unknown): asserts error is Error {
  if (!(error instanceof Error)) throw new Error(`Non-error thrown: ${String(error)}`);
}

/**
 * The table did not answer (network failure) or refused for load (throttling, its own 5xx), after
 * the SDK's retries. The edge answers 503 with Retry-After: a retry later can succeed.
 */
export class TableUnavailableError extends Error {
  override name = 'TableUnavailableError';
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** A socket-level failure (refused, reset, timed out, no DNS): the other side may answer later. */
export function isNetworkFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return error instanceof Error && typeof code === 'string' && NETWORK_CODES.has(code);
}
