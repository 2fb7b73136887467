/**
 * The local HTTP gateway: routes every entry of the route manifest to the same handler code with
 * API Gateway HTTP API (payload 2.0) events, checks console JWTs the way the API Gateway JWT
 * authorizer does (issuer, audience, expiry; 401 `{"message":"Unauthorized"}`), and serves the
 * local-only pages: the local issuer's token endpoint, the dev inbox and the dev push page.
 */
import { randomBytes, randomUUID, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type CryptoKey, exportJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { tableUnavailable } from '../shared/adapters/dynamodb/unreachable.js';
import { EXPORT_KEY, verifyLocalDownload } from '../shared/adapters/export-files.js';
import type { ApiCors } from '../shared/http/cors.js';
// Not from ../shared/http/api.js: that loads the logger, which must wait for the handlers' settings.
import { RETRY_AFTER_SECONDS } from '../shared/http/limits.js';
import { ROUTES, type RouteSpec } from '../shared/manifest.js';
import { isPreflight, preflightHeaders, responseHeaders } from './cors.js';
import { escapeHtml } from './html.js';
import { invoke } from './lambda.js';
import { type ListenAt, serve } from './ports.js';
import type { PushPage } from './push-page.js';
import type { StaticSite } from './static-site.js';

const scrypt = promisify(scryptCb) as (p: string, s: Buffer, n: number) => Promise<Buffer>;
/** API Gateway's own limit on a request body; the handlers enforce their much smaller one. */
const GATEWAY_MAX_BODY = 10 * 1024 * 1024;
export const LOCAL_AUDIENCE = 'helpdesk-verify-console';
/** The local issuer's sign-in bounds (Cognito's user name limit; a generous password one). */
const MAX_USERNAME_CHARS = 128;
const MAX_PASSWORD_CHARS = 1024;

interface CompiledRoute {
  spec: RouteSpec;
  pattern: RegExp;
  params: string[];
}

function compile(spec: RouteSpec): CompiledRoute {
  const params: string[] = [];
  const source = spec.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    params.push(name);
    return '([^/]+)';
  });
  return { spec, pattern: new RegExp(`^${source}$`), params };
}

/** Users held in memory, scrypt-hashed; an unknown name costs the same hash as a wrong password. */
async function memoryUsers(users: readonly ConsoleUser[]): Promise<UserStore> {
  const hashed = new Map<string, { salt: Buffer; hash: Buffer; groups: readonly string[] }>();
  for (const u of users) {
    const salt = randomBytes(16);
    hashed.set(u.username, { salt, hash: await scrypt(u.password, salt, 32), groups: u.groups });
  }
  return {
    async verifyPassword(username, password) {
      const user = hashed.get(username);
      const candidate = await scrypt(password, user?.salt ?? randomBytes(16), 32);
      return user && timingSafeEqual(candidate, user.hash) ? user.groups : undefined;
    },
  };
}

interface ConsoleUser {
  username: string;
  password: string;
  groups: readonly string[];
}

/** Checks a console user's password: their groups, or undefined when the sign-in fails. */
interface UserStore {
  verifyPassword(username: string, password: string): Promise<readonly string[] | undefined>;
}

export interface GatewayOptions {
  /** Console users held in memory: signed in against when no `userStore` is given. */
  consoleUsers?: readonly ConsoleUser[];
  outboxDir: string;
  /**
   * Tests only: take requestContext.http.sourceIp from an `x-simulated-source-ip` header, to play
   * requesters on other networks. Off in `npm start`; API Gateway has no such thing.
   */
  simulateSourceIp?: boolean;
  /** Built web apps served under their own path prefixes (the portal at /portal-app). */
  sites?: readonly StaticSite[];
  /** Console users kept in the table (added in Settings): checked instead of `consoleUsers` when given. */
  userStore?: UserStore;
  /** Export files, served at /_local/exports/<id>.csv to holders of a signed, unexpired link. */
  exports?: { dir: string; signingKey: string };
  /** The HTTP API's CORS settings, for browser apps served from other origins; none when unset. */
  cors?: ApiCors;
  /** Pending pushes of the authenticator simulators, at /_dev/push beside the dev inbox. */
  pushPage?: PushPage;
}

export class LocalGateway {
  private readonly routes = (ROUTES as readonly RouteSpec[]).map(compile);
  private server?: Server;
  private keys?: { privateKey: CryptoKey; publicKey: CryptoKey };
  private issuer = '';
  private users?: UserStore;

  constructor(private readonly options: GatewayOptions) {}

  async listen(at: ListenAt): Promise<string> {
    this.keys = await generateKeyPair('RS256');
    this.users = this.options.userStore ?? (await memoryUsers(this.options.consoleUsers ?? []));
    const { server, url } = await serve(
      at,
      (req, res) => {
        this.handle(req, res).catch((error: unknown) => {
          if (res.headersSent) return;
          // The local-only pages read the table too (sign-in): an outage is a 503, not a stack.
          if (tableUnavailable(error)) {
            console.warn(
              `gateway: table unreachable (${(error as { code?: string }).code ?? (error as Error).name})`,
            );
            res.writeHead(503, {
              'content-type': 'application/json',
              'retry-after': String(RETRY_AFTER_SECONDS),
            });
            res.end(JSON.stringify({ error: { code: 'TABLE_UNAVAILABLE', message: 'Try again shortly' } }));
            return;
          }
          console.error('gateway error', error);
          json(res, 500, { message: 'Internal Server Error' });
        });
      },
      'API gateway',
    );
    this.server = server;
    this.issuer = `${url}/local-auth`;
    return url;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Issues a console token as the local stand-in for Cognito (same claims the handlers read). */
  async issueToken(username: string, groups: readonly string[], ttlSeconds = 3600): Promise<string> {
    if (!this.keys) throw new Error('gateway not started');
    return new SignJWT({ 'cognito:username': username, 'cognito:groups': [...groups], token_use: 'id' })
      .setProtectedHeader({ alg: 'RS256', kid: 'local' })
      .setSubject(username)
      .setIssuer(this.issuer)
      .setAudience(LOCAL_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${ttlSeconds}s`)
      .sign(this.keys.privateKey);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://local');
    const method = req.method ?? 'GET';
    if (url.pathname === '/local-auth/token' && method === 'POST') return this.token(req, res);
    if (url.pathname === '/local-auth/jwks.json')
      return json(res, 200, { keys: [await exportJWK(this.keys?.publicKey as CryptoKey)] });
    if (url.pathname === '/_dev/inbox.json') return json(res, 200, await this.outbox());
    if (url.pathname === '/_dev/inbox') return inboxPage(res, await this.outbox());
    if (await this.options.pushPage?.serve(req, res, url.pathname)) return;
    if (url.pathname.startsWith('/_local/exports/') && method === 'GET') return this.exportFile(url, res);
    for (const site of this.options.sites ?? []) if (await site.serve(req, res, url.pathname)) return;
    const { cors } = this.options;
    if (cors && isPreflight(method, req.headers)) {
      res.writeHead(204, preflightHeaders(cors, req.headers));
      res.end();
      return;
    }

    const match = this.routes
      .filter((r) => r.spec.method === method)
      .map((r) => ({ r, m: r.pattern.exec(url.pathname) }))
      .find((x) => x.m);
    if (!match?.m) return json(res, 404, { message: 'Not Found' });
    const pathParameters = decodeParams(match.r.params, match.m);
    if (!pathParameters)
      return json(res, 400, {
        error: { code: 'MALFORMED_PATH', message: 'The path has an escape that does not decode' },
      });

    const body = await readBody(req);
    if (body === undefined) return json(res, 413, { message: 'Request Entity Too Large' });
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([k, v]) => [
        k.toLowerCase(),
        Array.isArray(v) ? v.join(',') : (v ?? ''),
      ]),
    );
    let authorizer: { jwt: { claims: Record<string, unknown>; scopes: null } } | undefined;
    if (match.r.spec.auth === 'console') {
      const claims = await this.verify(headers.authorization);
      if (!claims) return json(res, 401, { message: 'Unauthorized' });
      authorizer = { jwt: { claims, scopes: null } };
    }
    const now = new Date();
    const event: APIGatewayProxyEventV2 = {
      version: '2.0',
      routeKey: `${match.r.spec.method} ${match.r.spec.path}`,
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      headers,
      queryStringParameters: url.search ? Object.fromEntries(url.searchParams) : undefined,
      pathParameters,
      body: body.length > 0 ? body.toString('utf8') : undefined,
      isBase64Encoded: false,
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        domainName: url.host,
        domainPrefix: 'local',
        http: {
          method,
          path: url.pathname,
          protocol: `HTTP/${req.httpVersion}`,
          sourceIp:
            (this.options.simulateSourceIp ? headers['x-simulated-source-ip'] : undefined) ??
            req.socket.remoteAddress ??
            '127.0.0.1',
          userAgent: headers['user-agent'] ?? '',
        },
        requestId: randomUUID(),
        routeKey: `${match.r.spec.method} ${match.r.spec.path}`,
        stage: '$default',
        time: now.toUTCString(),
        timeEpoch: now.getTime(),
        ...(authorizer ? { authorizer } : {}),
      } as APIGatewayProxyEventV2['requestContext'],
    };
    const result = (await invoke(match.r.spec.function, event)) as APIGatewayProxyStructuredResultV2;
    res.writeHead(result.statusCode ?? 200, {
      ...(result.headers as Record<string, string>),
      ...(cors ? responseHeaders(cors, req.headers) : {}),
    });
    res.end(result.body ?? '');
  }

  private async verify(authorization: string | undefined): Promise<Record<string, unknown> | undefined> {
    const token = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
    if (!token || !this.keys) return undefined;
    try {
      const { payload } = await jwtVerify(token, this.keys.publicKey, {
        issuer: this.issuer,
        audience: LOCAL_AUDIENCE,
      });
      return payload as Record<string, unknown>;
    } catch {
      return undefined;
    }
  }

  private async token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    let input: { username?: unknown; password?: unknown } = {};
    try {
      input = JSON.parse(body?.toString('utf8') ?? '{}');
    } catch {
      return json(res, 400, { error: 'invalid_request' });
    }
    // Cognito bounds a user name at 128 characters; a longer one is not looked up at all.
    if (
      typeof input.username === 'string' &&
      (input.username.length > MAX_USERNAME_CHARS || String(input.password ?? '').length > MAX_PASSWORD_CHARS)
    )
      return json(res, 400, { error: 'invalid_request' });
    const groups =
      typeof input.username === 'string'
        ? await this.users?.verifyPassword(input.username, String(input.password ?? ''))
        : undefined;
    if (!groups) return json(res, 401, { error: 'invalid_grant' });
    return json(res, 200, {
      id_token: await this.issueToken(String(input.username), groups),
      token_type: 'Bearer',
      expires_in: 3600,
    });
  }

  /** The local stand-in for a presigned S3 URL: the signature covers the key and the expiry. */
  private async exportFile(url: URL, res: ServerResponse): Promise<void> {
    const key = url.pathname.slice('/_local/'.length);
    const exports = this.options.exports;
    const ok =
      exports &&
      EXPORT_KEY.test(key) &&
      verifyLocalDownload(
        key,
        Number(url.searchParams.get('expires')),
        url.searchParams.get('signature') ?? '',
        exports.signingKey,
      );
    if (!ok || !exports) return json(res, 403, { message: 'Forbidden' });
    const file = await readFile(join(exports.dir, key)).catch(() => undefined);
    if (!file) return json(res, 404, { message: 'Not Found' });
    res.writeHead(200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${key.split('/').pop()}"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    res.end(file);
  }

  private async outbox(): Promise<Record<string, unknown>[]> {
    const files = await readdir(this.options.outboxDir).catch(() => [] as string[]);
    const messages = await Promise.all(
      files
        .filter((f) => f.endsWith('.json'))
        .sort()
        .reverse()
        .slice(0, 200)
        .map(
          async (f) =>
            JSON.parse(await readFile(join(this.options.outboxDir, f), 'utf8')) as Record<string, unknown>,
        ),
    );
    return messages;
  }
}

/** The route's path parameters, percent-decoded; undefined when an escape does not decode (`%zz`). */
function decodeParams(names: string[], match: RegExpExecArray): Record<string, string> | undefined {
  try {
    return Object.fromEntries(names.map((p, i) => [p, decodeURIComponent(match[i + 1] ?? '')]));
  } catch {
    return undefined;
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > GATEWAY_MAX_BODY) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function inboxPage(res: ServerResponse, messages: Record<string, unknown>[]) {
  const linkify = (text: string) => escapeHtml(text).replace(/(https?:\/\/[^\s<]+)/g, '<a href="$1">$1</a>');
  const items = messages
    .map(
      (m) => `<article><h2>${escapeHtml(m.channel === 'sms' ? 'SMS' : 'Email')} to ${escapeHtml(m.to)}</h2>
<p><time>${escapeHtml(m.sentAt)}</time> · verification ${escapeHtml(m.verificationId)}</p>
${m.channel === 'email' ? `<p><strong>${escapeHtml(m.subject)}</strong></p>` : ''}<pre>${linkify(String(m.text))}</pre></article>`,
    )
    .join('');
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    'referrer-policy': 'no-referrer',
  });
  res.end(`<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Dev inbox</title><style>body{font:15px/1.4 system-ui,sans-serif;max-width:52rem;margin:1rem auto;padding:0 1rem}article{border:1px solid #ccc;border-radius:6px;padding:.5rem 1rem;margin:1rem 0}pre{white-space:pre-wrap;word-break:break-all}</style>
<h1>Dev inbox</h1><p>Every email and SMS the local stack sent, newest first. Local only: in AWS these go through SES and SNS.</p>
${items || '<p>Nothing sent yet.</p>'}</html>`);
}
