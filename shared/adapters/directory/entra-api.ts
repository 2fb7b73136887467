/**
 * The authenticated Microsoft Graph request both halves of the Entra ID directory share (lookups in
 * entra.ts, actions in entra-actions.ts): the app's token (fetched again once on a 401), one wait
 * for a short Retry-After on 429 and 503 (the shared HttpClient), Graph's failures as the
 * directory's errors, and paging links followed only on Graph's own origin.
 */
import { HttpClient } from '../http/client.js';
import { EntraAuth, graphScope } from './entra-auth.js';
import { type GraphRequest, graphFailure } from './entra-errors.js';
import {
  DirectoryPermanentError,
  directoryUnreachable,
  isObject,
  type Json,
  sameOrigin,
  str,
} from './errors.js';

export interface GraphApiOptions {
  tenantId: string;
  credentials: () => Promise<string>;
  graphBaseUrl?: string;
  loginBaseUrl?: string;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now: () => number;
  fetch?: typeof fetch;
}

export class GraphApi {
  readonly graphBaseUrl: string;
  private readonly now: () => number;
  private readonly http: HttpClient;
  private readonly auth: EntraAuth;

  constructor(options: GraphApiOptions) {
    this.graphBaseUrl = (options.graphBaseUrl ?? 'https://graph.microsoft.com/v1.0').replace(/\/+$/, '');
    this.now = options.now;
    this.http = new HttpClient({
      baseUrl: this.graphBaseUrl,
      timeoutMs: options.timeoutMs ?? 5_000,
      unreachable: directoryUnreachable,
      waitStatuses: [429, 503],
      now: this.now,
      ...(options.sleep ? { sleep: options.sleep } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    this.auth = new EntraAuth({
      tenantId: options.tenantId,
      credentials: options.credentials,
      loginBaseUrl: (options.loginBaseUrl ?? 'https://login.microsoftonline.com').replace(/\/+$/, ''),
      scope: graphScope(this.graphBaseUrl),
      now: this.now,
      send: (request) => this.http.json(request),
    });
  }

  /** The JSON answer; `{}` for 204 No Content; undefined for a 404 the request calls empty. */
  async call(req: GraphRequest): Promise<Json | undefined> {
    const auth = this.auth.forCall();
    const { status, body } = await this.http.json({
      method: req.method,
      url: req.url,
      detail: req.detail,
      json: req.body,
      ...(req.headers ? { headers: req.headers } : {}),
      auth,
      emptyOn: req.notFoundIsEmpty ? [404] : [],
      classify: (response) => graphFailure(response, req, [req.password, ...auth.secrets()], this.now()),
    });
    if (status === 404) return undefined;
    if (status === 204) return {};
    if (!isObject(body))
      throw new DirectoryPermanentError(`${req.detail}: Graph answered without JSON`, status);
    return body;
  }

  /** The next page, if Graph gave one on its own origin (the token never goes elsewhere). */
  nextLink(body: Json | undefined): string | undefined {
    const next = body ? str(body['@odata.nextLink']) : undefined;
    return next && sameOrigin(next, this.graphBaseUrl) ? next : undefined;
  }
}
