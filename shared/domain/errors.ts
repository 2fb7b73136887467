/**
 * The errors a use case throws, named for what went wrong in the domain, never for a transport:
 * each has a stable `code` a client can branch on and a message a person can read. The HTTP edge
 * (shared/http/error-map.ts) is the one place that turns a class into a status. Anything that is
 * not a DomainError is an internal error: logged in full, answered with a generic 500.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The request itself is wrong: a malformed or invalid field, a value out of range. */
export class InvalidInput extends DomainError {}
/** The request is too large to take. */
export class TooLarge extends DomainError {}
/** The request body is not in a format we read. */
export class UnsupportedFormat extends DomainError {}
/** No (or no valid) credential: sign in, or open the link again. */
export class Unauthenticated extends DomainError {}
/** The caller is known but may not do this. */
export class NotPermitted extends DomainError {}
export class NotFound extends DomainError {}
/** The thing is in a state that does not allow this (already done, in progress, moved on). */
export class StateConflict extends DomainError {}
/** A status change the lifecycle does not allow from the current status (domain/model/verification.ts). */
export class InvalidTransition extends StateConflict {
  constructor(message: string) {
    super('INVALID_TRANSITION', message);
  }
}
/** The verification was completed (by another request) before this one. */
export class AlreadyCompleted extends StateConflict {
  constructor(status: string) {
    super('VERIFICATION_ALREADY_COMPLETED', `The verification is already ${status}`);
  }
}
/** It existed but its time is up (an expired link or session). */
export class Expired extends DomainError {}
/** Well formed and allowed, but the facts on record do not let it go ahead (no contact, no person). */
export class CannotProceed extends DomainError {}
/** Too many attempts from this source, session or link for now. */
export class RateLimited extends DomainError {}
/** Another system we depend on (the ITSM) refused what we asked, for a reason an operator must fix. */
export class UpstreamRefused extends DomainError {}
/** Something we depend on cannot answer now; the same request can succeed later. */
export class Unavailable extends DomainError {}

/** A refusal the caller caused or can act on, as opposed to a fault on our side or a dependency's. */
export function isRefusal(error: unknown): error is DomainError {
  return error instanceof DomainError && !(error instanceof UpstreamRefused || error instanceof Unavailable);
}

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
