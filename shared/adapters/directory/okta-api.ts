/**
 * The authenticated Okta Management API request both halves of the Okta directory share (lookups
 * in okta.ts, actions in okta-actions.ts): the API token (`Authorization: SSWS {token}`, read once
 * per call; a 401 is not retried, an API token does not refresh), one wait for a short rate-limit
 * reset on 429 (the shared HttpClient), Okta's failures as the directory's errors, and `next` links
 * followed only on the org's own origin.
 */
import { HttpClient } from '../http/client.js';
import { DirectoryPermanentError, directoryUnreachable, sameOrigin } from './errors.js';
import { type OktaRequest, oktaFailure, rateLimitWait } from './okta-errors.js';
import { nextLink } from './okta-mapping.js';

export interface OktaApiOptions {
  orgUrl: string;
  credentials: () => Promise<string>;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now: () => number;
  fetch?: typeof fetch;
}

export interface OktaResponse {
  body: unknown;
  next?: string;
}

export class OktaApi {
  private readonly orgUrl: string;
  private readonly http: HttpClient;

  constructor(private readonly options: OktaApiOptions) {
    this.orgUrl = options.orgUrl.replace(/\/+$/, '');
    this.http = new HttpClient({
      baseUrl: this.orgUrl,
      timeoutMs: options.timeoutMs ?? 5_000,
      unreachable: directoryUnreachable,
      retryAfter: (response, now) => rateLimitWait(response.headers, now),
      now: options.now,
      ...(options.sleep ? { sleep: options.sleep } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  }

  async call(req: OktaRequest): Promise<OktaResponse> {
    const token = await this.token(req.detail);
    const { status, headers, body } = await this.http.json({
      method: req.method,
      url: req.url,
      detail: req.detail,
      json: req.body,
      headers: { authorization: `SSWS ${token}` },
      emptyOn: req.notFoundIsEmpty ? [404] : [],
      classify: (response) => oktaFailure(response, req, [req.password, token], this.options.now()),
    });
    if (status === 404) return { body: undefined };
    if (body === undefined && !req.noContent)
      throw new DirectoryPermanentError(`${req.detail}: Okta answered without JSON`, status);
    const next = nextLink(headers.get('link'));
    return { body, next: next && sameOrigin(next, this.orgUrl) ? next : undefined };
  }

  private async token(detail: string): Promise<string> {
    const token = (await this.options.credentials()).trim().replace(/^SSWS\s+/i, '');
    if (!token || /\s/.test(token)) {
      throw new DirectoryPermanentError(`${detail}: the Okta credentials must be an API token`);
    }
    return token;
  }
}
