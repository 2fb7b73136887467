/**
 * The one outbound HTTP client the ITSM and directory adapters share: the recovery loop that
 * belongs inside a task, and nothing else.
 *
 * - Auth: an AuthProvider gives the headers for each attempt; on a 401 its `refresh` (when it has
 *   one) forgets what was refused and the request is sent once more. A second 401 is the caller's.
 * - Rate limits: a 429 (or another status in `waitStatuses`) whose wait is at most
 *   `maxInlineWaitSeconds` is waited out once, in-process, unless the request says
 *   `waitOnRateLimit: false`; a longer one goes back to the caller (the state machine's Retry).
 * - Backoff: with `backoff`, a 5xx or a network failure is tried again after a doubling,
 *   capped delay, at most `backoff.retries` times. Off by default (no adapter retries 5xx today).
 * - Timeouts: every attempt has its own AbortSignal.timeout.
 * - Errors stay the adapter's: `unreachable` builds the error for a request that never got an
 *   answer, `classify` the one for a failed response (json() only; send() returns it).
 *
 * fetch, the clock and sleep are injectable for tests.
 */
import { MAX_INLINE_RETRY_AFTER_SECONDS, retryAfterSeconds } from './retry-after.js';

export type HttpHeaders = Record<string, string>;

export interface AuthProvider {
  /** The headers that authenticate the next attempt of `request`. */
  headers(request: HttpRequest): Promise<HttpHeaders>;
  /** Forgets the refused credentials (`refused`: the headers that got the 401); absent: no retry. */
  refresh?(refused: HttpHeaders, request: HttpRequest): Promise<void> | void;
}

export interface HttpRequest {
  method: string;
  /** A path under the base URL, or an absolute URL (a paging link, a token endpoint). */
  url: string;
  /** What was attempted, for messages (no secrets, no PII). */
  detail: string;
  /** Sent as JSON (content-type application/json). */
  json?: unknown;
  /** Sent form-encoded (content-type application/x-www-form-urlencoded). */
  form?: Record<string, string>;
  /** Extra headers, after the auth headers. */
  headers?: HttpHeaders;
  /** Overrides the client's auth; `false`: none (a login or token request). */
  auth?: AuthProvider | false;
  /** Per attempt, ms; default the client's. */
  timeoutMs?: number;
  /** Default true. */
  waitOnRateLimit?: boolean;
  /** Statuses json() answers with no body instead of an error (e.g. a 404 that means "none"). */
  emptyOn?: readonly number[];
  /** Overrides the client's classification for this request. */
  classify?: Classify;
}

/** The error for a failed response (it may also throw it). */
type Classify = (response: Response, request: HttpRequest) => Error | Promise<Error>;

export interface JsonResponse {
  status: number;
  headers: Headers;
  /** The parsed body; undefined when there was none or it was not JSON. */
  body: unknown;
}

interface Backoff {
  /** Further attempts after the first. */
  retries: number;
  /** First delay, ms; doubled each time. */
  baseMs: number;
  /** Largest delay, ms. */
  maxMs: number;
}

export interface HttpClientOptions {
  /** Prefixed to relative request URLs. */
  baseUrl?: string;
  auth?: AuthProvider;
  timeoutMs: number;
  /** The error for a request that got no answer (`reason`: the fetch error's name, e.g. TimeoutError). */
  unreachable: (detail: string, reason: string) => Error;
  /** The error for a failed response (json()). */
  classify?: Classify;
  /** Statuses waited out once when their wait is short. Default [429]. */
  waitStatuses?: readonly number[];
  /** Seconds a throttled response asks to wait; default its Retry-After. */
  retryAfter?: (response: Response, now: number) => number | undefined;
  maxInlineWaitSeconds?: number;
  backoff?: Backoff;
  fetch?: typeof fetch;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class HttpClient {
  constructor(private readonly options: HttpClientOptions) {}

  /** The request with its recoveries; the last response, whatever its status. */
  async send(request: HttpRequest): Promise<Response> {
    const o = this.options;
    const now = o.now ?? Date.now;
    const sleep = o.sleep ?? defaultSleep;
    const auth = request.auth === undefined ? o.auth : request.auth || undefined;
    const url = /^https?:\/\//i.test(request.url) ? request.url : `${o.baseUrl ?? ''}${request.url}`;
    const waitStatuses = o.waitStatuses ?? [429];
    let refreshed = false;
    let waited = false;
    for (let failures = 0; ; ) {
      const authHeaders = auth ? await auth.headers(request) : {};
      let response: Response;
      try {
        response = await this.attempt(url, request, authHeaders);
      } catch (error) {
        if (!(await this.backedOff(failures++, sleep))) {
          throw o.unreachable(request.detail, (error as Error).name);
        }
        continue;
      }
      if (response.ok) return response;
      if (response.status === 401 && auth?.refresh && !refreshed) {
        // The credentials may have been revoked or expired early: new ones, one more try.
        await response.body?.cancel();
        refreshed = true;
        await auth.refresh(authHeaders, request);
        continue;
      }
      if (waitStatuses.includes(response.status) && request.waitOnRateLimit !== false && !waited) {
        const seconds = (o.retryAfter ?? headerRetryAfter)(response, now());
        if (seconds !== undefined && seconds <= (o.maxInlineWaitSeconds ?? MAX_INLINE_RETRY_AFTER_SECONDS)) {
          await response.body?.cancel();
          waited = true;
          await sleep(seconds * 1000);
          continue;
        }
      }
      if (response.status >= 500 && (await this.backedOff(failures, sleep, response))) {
        failures++;
        continue;
      }
      return response;
    }
  }

  /** send(), then the body as JSON; a failed response becomes the classified error. */
  async json(request: HttpRequest): Promise<JsonResponse> {
    const response = await this.send(request);
    const { status, headers } = response;
    if (!response.ok) {
      if (request.emptyOn?.includes(status)) {
        await response.body?.cancel();
        return { status, headers, body: undefined };
      }
      const classify = request.classify ?? this.options.classify;
      if (!classify) throw new Error(`${request.detail}: HTTP ${status}`);
      throw await classify(response, request);
    }
    const body = (await response.json().catch(() => undefined)) as unknown;
    return { status, headers, body };
  }

  private attempt(url: string, request: HttpRequest, authHeaders: HttpHeaders): Promise<Response> {
    const { json, form } = request;
    const contentType: HttpHeaders =
      json !== undefined
        ? { 'content-type': 'application/json' }
        : form
          ? { 'content-type': 'application/x-www-form-urlencoded' }
          : {};
    const doFetch = this.options.fetch ?? fetch;
    return doFetch(url, {
      method: request.method,
      headers: { accept: 'application/json', ...authHeaders, ...request.headers, ...contentType },
      body:
        json !== undefined ? JSON.stringify(json) : form ? new URLSearchParams(form).toString() : undefined,
      signal: AbortSignal.timeout(request.timeoutMs ?? this.options.timeoutMs),
    });
  }

  /** Sleeps before the next attempt if the backoff allows one more (`failures` so far). */
  private async backedOff(
    failures: number,
    sleep: (ms: number) => Promise<void>,
    response?: Response,
  ): Promise<boolean> {
    const backoff = this.options.backoff;
    if (!backoff || failures >= backoff.retries) return false;
    await response?.body?.cancel();
    await sleep(Math.min(backoff.baseMs * 2 ** failures, backoff.maxMs));
    return true;
  }
}

const headerRetryAfter = (response: Response, now: number) =>
  retryAfterSeconds(response.headers.get('retry-after'), now);
