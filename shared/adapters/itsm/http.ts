/**
 * The HTTP plumbing every ticket-system adapter shares: a timed fetch and one classification of
 * failures into the named errors the state machine's Retry and Catch match.
 *
 * Retryable: network failures and timeouts, 429 (with Retry-After), 5xx, and conflicts the adapter
 * could not resolve itself. Permanent: 401/403 (with the adapter's hint naming the missing role),
 * 404 (ticket gone), any other 4xx (validation).
 */
import { TicketSystemPermanentError, TicketSystemRetryableError } from '../../domain/errors.js';

export interface FailureHints {
  /** Appended to 401/403 messages: what the integration user lacks, in the ITSM's own words. */
  forbidden: string;
}

/** A 429 asking for at most this long is waited out in-process, once; longer ones go back to the caller. */
export const MAX_INLINE_RETRY_AFTER_SECONDS = 5;

/** Seconds from a Retry-After header (delta-seconds or HTTP date), if present and sane. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = /^\d+$/.test(header.trim()) ? Number(header) : (Date.parse(header) - now) / 1000;
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(Math.ceil(seconds), 3600) : undefined;
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
 * fetch with a timeout; a network failure or timeout becomes the caller's retryable error
 * (a ticket system's by default).
 */
export async function timedFetch(
  url: string,
  init: RequestInit,
  timeoutMs: number,
  detail: string,
  unreachable: (reason: string) => Error = (reason) =>
    new TicketSystemRetryableError(`${detail}: ticket system unreachable (${reason})`),
): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw unreachable((error as Error).name);
  }
}

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

export interface AccessToken {
  accessToken: string;
  /** Epoch ms from which the token is no longer used. */
  expiresAt: number;
}

/**
 * OAuth client-credentials tokens by key (endpoint + client + secret hash: adapters may be built
 * per call, tokens outlive them), reused until they expire, fetched once at a time per key.
 */
export class TokenCache {
  private readonly tokens = new Map<string, AccessToken>();
  private readonly requests = new Map<string, Promise<AccessToken>>();

  async get(key: string, now: number, request: () => Promise<AccessToken>): Promise<AccessToken> {
    const cached = this.tokens.get(key);
    if (cached && cached.expiresAt > now) return cached;
    let pending = this.requests.get(key);
    if (!pending) {
      pending = request().finally(() => this.requests.delete(key));
      this.requests.set(key, pending);
    }
    const token = await pending;
    this.tokens.set(key, token);
    return token;
  }

  /** Forgets the token the server refused, unless another call already replaced it. */
  drop(key: string, refused: string): void {
    if (this.tokens.get(key)?.accessToken === refused) this.tokens.delete(key);
  }
}

/**
 * When a token stops being used: its `expires_in` seconds (`fallbackSeconds` when missing or
 * invalid) less `marginSeconds`, or half its life when that is short.
 */
export function tokenExpiresAt(
  expiresIn: unknown,
  fallbackSeconds: number,
  marginSeconds: number,
  now: number,
): number {
  const lifetime = Number(expiresIn);
  const seconds = Number.isFinite(lifetime) && lifetime > 0 ? lifetime : fallbackSeconds;
  const usable = seconds > 2 * marginSeconds ? seconds - marginSeconds : seconds / 2;
  return now + usable * 1000;
}
