/**
 * The one place a domain error becomes an HTTP status. Subclasses come before their parents
 * (InvalidTransition is a StateConflict, answered 409 either way).
 */
import {
  CannotProceed,
  type DomainError,
  Expired,
  InvalidInput,
  NotFound,
  NotPermitted,
  RateLimited,
  StateConflict,
  TooLarge,
  Unauthenticated,
  Unavailable,
  UnsupportedFormat,
  UpstreamRefused,
} from '../domain/errors.js';

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
