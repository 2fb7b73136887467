/**
 * ServiceNow outbound auth, as the HTTP client's AuthProvider: Basic (`user:password`), or OAuth
 * client credentials (`{"clientId","clientSecret"}`, POST /oauth_token.do, Washington DC or later
 * with glide.oauth.inbound.client.credential.grant_type.enabled). Tokens are cached per instance
 * and client for the life of the process (the composition root builds an adapter per call), until
 * shortly before they expire; a 401 drops the refused one so the retry fetches a new one.
 * Credentials never appear in messages.
 */
import { createHash } from 'node:crypto';
import { TicketSystemPermanentError } from '../../domain/errors.js';
import type { ServiceNowConnection } from '../../domain/model/connection.js';
import type { AuthProvider, HttpHeaders, HttpRequest, JsonResponse } from '../http/client.js';
import { type AccessToken, TokenCache, tokenExpiresAt } from '../http/token-cache.js';
import { basicAuth, throwForStatus } from './http.js';
import { isObject } from './servicenow-mapping.js';

/** A cached token is dropped this long before ServiceNow says it expires. */
const TOKEN_EXPIRY_MARGIN_SECONDS = 60;

/** OAuth tokens by instance + client + secret hash. */
const tokens = new TokenCache();

const TOKEN_HINTS = {
  forbidden:
    'check the OAuth client id and secret, that glide.oauth.inbound.client.credential.grant_type.enabled is true (Washington DC or later) and that the OAuth entity has an OAuth Application User',
};

interface Client {
  clientId: string;
  clientSecret: string;
}

export class ServiceNowAuth implements AuthProvider {
  /** Only OAuth tokens are worth fetching again on a 401. */
  readonly refresh?: (refused: HttpHeaders) => Promise<void>;

  constructor(
    private readonly connection: ServiceNowConnection,
    private readonly credentials: () => Promise<string>,
    private readonly now: () => number,
    /** The adapter's HTTP client (the token endpoint is on the instance). */
    private readonly send: (request: HttpRequest) => Promise<JsonResponse>,
  ) {
    if (connection.outboundAuth === 'oauth') this.refresh = (refused) => this.dropToken(refused);
  }

  async headers(request: HttpRequest): Promise<HttpHeaders> {
    const secret = await this.credentials();
    if (this.connection.outboundAuth === 'basic') {
      if (!secret.includes(':')) {
        throw new TicketSystemPermanentError(
          `${request.detail}: the outbound credentials must be user:password`,
        );
      }
      return { authorization: basicAuth(secret) };
    }
    const client = parseClient(secret, request.detail);
    const token = await tokens.get(this.tokenKey(client), this.now(), () => this.requestToken(client));
    return { authorization: `Bearer ${token.accessToken}` };
  }

  /** Forgets the token that was refused, unless another call already replaced it. */
  private async dropToken(refused: HttpHeaders): Promise<void> {
    const client = parseClient(await this.credentials(), 'ServiceNow OAuth');
    tokens.drop(this.tokenKey(client), (refused.authorization ?? '').replace(/^Bearer /, ''));
  }

  private tokenKey(client: Client): string {
    const secretHash = createHash('sha256').update(client.clientSecret).digest('hex');
    return `${this.connection.baseUrl}\n${client.clientId}\n${secretHash}`;
  }

  private async requestToken(client: Client): Promise<AccessToken> {
    const detail = 'POST oauth_token.do';
    const { body } = await this.send({
      method: 'POST',
      url: '/oauth_token.do',
      detail,
      form: {
        grant_type: 'client_credentials',
        client_id: client.clientId,
        client_secret: client.clientSecret,
      },
      auth: false,
      waitOnRateLimit: false,
      classify: (response) => throwForStatus(response, detail, TOKEN_HINTS),
    });
    if (!isObject(body) || typeof body.access_token !== 'string' || body.access_token === '') {
      throw new TicketSystemPermanentError(`${detail}: ServiceNow answered without an access token`);
    }
    return {
      accessToken: body.access_token,
      expiresAt: tokenExpiresAt(body.expires_in, 1800, TOKEN_EXPIRY_MARGIN_SECONDS, this.now()),
    };
  }
}

function parseClient(secret: string, detail: string): Client {
  let parsed: unknown;
  try {
    parsed = JSON.parse(secret);
  } catch {
    parsed = undefined;
  }
  if (
    !isObject(parsed) ||
    typeof parsed.clientId !== 'string' ||
    typeof parsed.clientSecret !== 'string' ||
    !parsed.clientId ||
    !parsed.clientSecret
  ) {
    throw new TicketSystemPermanentError(
      `${detail}: the outbound credentials must be JSON {"clientId","clientSecret"} for OAuth`,
    );
  }
  return { clientId: parsed.clientId, clientSecret: parsed.clientSecret };
}

/** What the integration user needs, for 401/403 messages. */
export function forbiddenHint(c: ServiceNowConnection): string {
  const auth =
    c.outboundAuth === 'oauth'
      ? 'on 401 check the OAuth client id and secret and its OAuth Application User'
      : "on 401 check the integration user's user name and password";
  return `${auth}; the integration user needs the itil role (or read access to ${c.table} and ${c.requesterEmailField}, and write access to ${c.table}.work_notes, ${c.verificationUrlField}, state, close_code and close_notes, and read access to sys_journal_field to check a repeated note), plus snc_platform_rest_api_access if the instance's Table API REST_Endpoint ACL is active`;
}
