/**
 * The HTTP plumbing the ticket-system adapters share (the request loop itself is
 * shared/adapters/http/client.ts): one classification of failures into the named errors the
 * state machine's Retry and Catch match, and a plain timed fetch.
 *
 * Retryable: network failures and timeouts, 429 (with Retry-After), 5xx, and conflicts the adapter
 * could not resolve itself. Permanent: 401/403 (with the adapter's hint naming the missing role),
 * 404 (ticket gone), any other 4xx (validation).
 */
import { TicketSystemPermanentError, TicketSystemRetryableError } from '../../domain/errors.js';
import { retryAfterSeconds } from '../http/retry-after.js';

export interface FailureHints {
  /** Appended to 401/403 messages: what the integration user lacks, in the ITSM's own words. */
  forbidden: string;
}

/** Throws the named error for a failed response; `detail` says what was attempted (no secrets, no PII). */
export async function throwForStatus(
  response: Response,
  detail: string,
  hints: FailureHints,
): Promise<never> {
  const status = response.status;
  const body = await response.text().catch(() => '');
  // ITSM error bodies explain themselves (ServiceNow: {"error":{"message","detail"}}); keep a short excerpt.
  const excerpt = body.replace(/\s+/g, ' ').slice(0, 200);
  const message = `${detail}: HTTP ${status}${excerpt ? ` ${excerpt}` : ''}`;
  if (status === 429 || status >= 500) {
    throw new TicketSystemRetryableError(message, retryAfterSeconds(response.headers.get('retry-after')));
  }
  if (status === 401 || status === 403)
    throw new TicketSystemPermanentError(`${message} (${hints.forbidden})`, status);
  throw new TicketSystemPermanentError(status === 404 ? `${message} (ticket not found)` : message, status);
}

/**
 * One fetch with a timeout, without recoveries (the local ticket system's; the real ITSM adapters
 * use the shared HttpClient); a network failure or timeout is retryable.
 */
export async function timedFetch(
  url: string,
  init: RequestInit,
  timeoutMs: number,
  detail: string,
): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw ticketSystemUnreachable(detail, (error as Error).name);
  }
}

/** The error for a ticket-system request that got no answer (network failure, timeout). */
export const ticketSystemUnreachable = (detail: string, reason: string) =>
  new TicketSystemRetryableError(`${detail}: ticket system unreachable (${reason})`);

export const basicAuth = (userAndPassword: string) =>
  `Basic ${Buffer.from(userAndPassword).toString('base64')}`;

/** The most tickets `recentTickets` asks an ITSM for. */
const RECENT_TICKETS_MAX = 20;
/**
 * How long a `recentTickets` request may take: it runs while someone waits for their first
 * question, and a failure only means one question fewer.
 */
export const RECENT_TICKETS_TIMEOUT_MS = 2_000;

/**
 * A recent-tickets query's limit, clamped to 0..RECENT_TICKETS_MAX (0: nothing to ask for); an
 * invalid `since` is the caller's mistake, refused before any request.
 */
export function recentTicketsLimit(query: { since: Date; limit: number }, detail: string): number {
  if (!(query.since instanceof Date) || Number.isNaN(query.since.getTime())) {
    throw new TicketSystemPermanentError(`${detail}: "since" is not a valid date`, 400);
  }
  return Number.isFinite(query.limit)
    ? Math.max(0, Math.min(RECENT_TICKETS_MAX, Math.floor(query.limit)))
    : 0;
}
