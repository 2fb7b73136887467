/**
 * Microsoft Entra ID client credentials for Graph: POST {login}/{tenant}/oauth2/v2.0/token
 * (grant_type=client_credentials, scope {graph}/.default). Tokens are cached per login host +
 * tenant + client + secret + scope for the life of the process, until 5 minutes before they
 * expire. Each Graph call gets its own AuthProvider (`forCall`), which knows the client and token
 * it sent: a 401 drops that token, and a failure's message is scrubbed of both.
 */
import { createHash } from 'node:crypto';
import type { AuthProvider, HttpHeaders, HttpRequest, JsonResponse } from '../http/client.js';
import { retryAfterSeconds } from '../http/retry-after.js';
import { type AccessToken, TokenCache, tokenExpiresAt } from '../http/token-cache.js';
import { DirectoryPermanentError, isObject, redact, safeJson, shorten, statusError, str } from './errors.js';

/** A cached token is dropped this long before it expires. */
const TOKEN_EXPIRY_MARGIN_SECONDS = 300;

/** Tokens by login host + tenant + client + secret hash + scope. */
const tokens = new TokenCache();

const GRAPH_HOSTS = new Set([
  'graph.microsoft.com',
  'graph.microsoft.us',
  'dod-graph.microsoft.us',
  'microsoftgraph.chinacloudapi.cn',
]);

/** The token's audience is Graph's, whatever URL Graph is reached through (a proxy, a test server). */
export function graphScope(graphBaseUrl: string): string {
  const graph = new URL(graphBaseUrl);
  return `${GRAPH_HOSTS.has(graph.hostname) ? graph.origin : 'https://graph.microsoft.com'}/.default`;
}

interface Client {
  clientId: string;
  clientSecret: string;
}

/** One Graph call's auth: the headers of its latest attempt, and what they carried. */
export interface CallAuth extends AuthProvider {
  /** The client secret and access token last sent, for scrubbing. */
  secrets(): (string | undefined)[];
}

export interface EntraAuthOptions {
  tenantId: string;
  credentials: () => Promise<string>;
  loginBaseUrl: string;
  scope: string;
  now: () => number;
  /** The adapter's HTTP client. */
  send: (request: HttpRequest) => Promise<JsonResponse>;
}

export class EntraAuth {
  constructor(private readonly o: EntraAuthOptions) {}

  forCall(): CallAuth {
    let client: Client | undefined;
    let token: AccessToken | undefined;
    return {
      headers: async (request: HttpRequest): Promise<HttpHeaders> => {
        client = await this.client(request.detail);
        token = await this.token(client);
        return { authorization: `Bearer ${token.accessToken}` };
      },
      // The token may have been revoked, or the app's permissions changed: one new token, one more try.
      refresh: () => {
        if (client && token) tokens.drop(this.tokenKey(client), token.accessToken);
      },
      secrets: () => [client?.clientSecret, token?.accessToken],
    };
  }

  private async client(detail: string): Promise<Client> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await this.o.credentials());
    } catch {
      parsed = undefined;
    }
    const clientId = isObject(parsed) ? str(parsed.clientId) : undefined;
    const clientSecret = isObject(parsed) ? str(parsed.clientSecret) : undefined;
    if (!clientId || !clientSecret) {
      throw new DirectoryPermanentError(
        `${detail}: the Entra credentials must be JSON {"clientId","clientSecret"}`,
      );
    }
    return { clientId, clientSecret };
  }

  private tokenKey(client: Client): string {
    const secretHash = createHash('sha256').update(client.clientSecret).digest('hex');
    return [this.o.loginBaseUrl, this.o.tenantId, client.clientId, secretHash, this.o.scope].join('\n');
  }

  private token(client: Client): Promise<AccessToken> {
    return tokens.get(this.tokenKey(client), this.o.now(), () => this.requestToken(client));
  }

  private async requestToken(client: Client): Promise<AccessToken> {
    const detail = 'POST oauth2/v2.0/token';
    const { body } = await this.o.send({
      method: 'POST',
      url: `${this.o.loginBaseUrl}/${encodeURIComponent(this.o.tenantId)}/oauth2/v2.0/token`,
      detail,
      form: {
        client_id: client.clientId,
        scope: this.o.scope,
        client_secret: client.clientSecret,
        grant_type: 'client_credentials',
      },
      auth: false,
      waitOnRateLimit: false,
      classify: (response) => this.tokenFailure(response, detail, client),
    });
    const accessToken = isObject(body) ? str(body.access_token) : undefined;
    if (!isObject(body) || !accessToken) {
      throw new DirectoryPermanentError(`${detail}: Microsoft Entra answered without an access token`);
    }
    return {
      accessToken,
      expiresAt: tokenExpiresAt(body.expires_in, 3600, TOKEN_EXPIRY_MARGIN_SECONDS, this.o.now()),
    };
  }

  private async tokenFailure(response: Response, detail: string, client: Client): Promise<Error> {
    const status = response.status;
    const text = redact(await response.text().catch(() => ''), [client.clientSecret]);
    // {"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided. ...","error_codes":[7000215],...}
    const parsed = safeJson(text);
    const code = isObject(parsed) ? str(parsed.error) : undefined;
    const description = isObject(parsed) ? str(parsed.error_description) : undefined;
    const firstLine = description?.split(/\r?\n/)[0];
    const said = code ? `${code}${firstLine ? `: ${shorten(firstLine, 200)}` : ''}` : shorten(text, 200);
    const message = `${detail}: HTTP ${status}${said ? ` ${said}` : ''}`;
    if (status === 429 || status >= 500) {
      return statusError(
        status,
        message,
        retryAfterSeconds(response.headers.get('retry-after'), this.o.now()),
      );
    }
    return new DirectoryPermanentError(
      `${message} (check the tenant id, the client id and the client secret: secrets expire)`,
      status,
    );
  }
}
