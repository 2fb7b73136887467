/**
 * The console's AWS sign-in against a stand-in for Cognito's hosted UI: authorization code with
 * PKCE (S256). The stand-in checks what Cognito checks (client id, redirect URI, state round trip,
 * the verifier against the challenge) and answers with an ID token the local gateway accepts; the
 * console is served the way CloudFront serves it (its config.json in cognito mode, `/api/*` on the
 * same origin), so the rest of the app runs as in AWS.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenOn } from '../../local/ports.js';
import { StaticSite } from '../../local/static-site.js';
import { CONSOLE_DIST, type ConsoleConfig, consoleCsp } from '../../web/console/build.js';
import { type Harness, startHarness } from '../integration/harness.js';
import { consolePage, showsHeading } from './console-browser.js';
import { launch, screen } from './portal-browser.js';

const CLIENT_ID = 'console-client-id';
const APP = '/app';

let h: Harness;
let browser: Browser;
let hostedUi: { url: string; server: Server; exchanges: { verifierMatched: boolean }[]; logouts: number };
let consoleHost: { url: string; server: Server };

const read = async (req: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};
const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

/** The hosted UI's three endpoints, as far as the console uses them. */
async function startHostedUi(redirectUri: string, logoutUri: string) {
  const codes = new Map<string, { challenge: string; redirectUri: string }>();
  const state = { exchanges: [] as { verifierMatched: boolean }[], logouts: 0 };
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://hosted-ui');
    const q = url.searchParams;
    if (url.pathname === '/oauth2/authorize') {
      const ok =
        q.get('response_type') === 'code' &&
        q.get('client_id') === CLIENT_ID &&
        q.get('redirect_uri') === redirectUri &&
        q.get('code_challenge_method') === 'S256' &&
        (q.get('code_challenge') ?? '').length >= 43 &&
        q.get('scope')?.split(' ').includes('openid') &&
        q.get('state');
      if (!ok) return void res.writeHead(400).end('bad authorize request');
      // The person signs in here (password, MFA); then back to the app with a one-time code.
      const code = randomBytes(16).toString('hex');
      codes.set(code, { challenge: q.get('code_challenge') ?? '', redirectUri });
      const back = new URL(redirectUri);
      back.search = new URLSearchParams({ code, state: q.get('state') ?? '' }).toString();
      return void res.writeHead(302, { location: back.toString() }).end();
    }
    if (url.pathname === '/oauth2/token' && req.method === 'OPTIONS')
      return void res
        .writeHead(204, {
          'access-control-allow-origin': '*',
          'access-control-allow-headers': 'content-type',
          'access-control-allow-methods': 'POST',
        })
        .end();
    if (url.pathname === '/oauth2/token' && req.method === 'POST') {
      const form = new URLSearchParams(await read(req));
      const issued = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      const verifierMatched =
        issued !== undefined && s256(form.get('code_verifier') ?? '') === issued.challenge;
      state.exchanges.push({ verifierMatched });
      const headers = { 'content-type': 'application/json', 'access-control-allow-origin': '*' };
      if (
        !issued ||
        !verifierMatched ||
        form.get('grant_type') !== 'authorization_code' ||
        form.get('client_id') !== CLIENT_ID ||
        form.get('redirect_uri') !== issued.redirectUri
      )
        return void res.writeHead(400, headers).end(JSON.stringify({ error: 'invalid_grant' }));
      const idToken = await h.stack.gateway.issueToken('alice', ['agent']);
      return void res.writeHead(200, headers).end(
        JSON.stringify({
          id_token: idToken,
          access_token: 'unused',
          token_type: 'Bearer',
          expires_in: 3600,
        }),
      );
    }
    if (url.pathname === '/logout' && q.get('client_id') === CLIENT_ID && q.get('logout_uri') === logoutUri) {
      state.logouts++;
      return void res.writeHead(302, { location: logoutUri }).end();
    }
    res.writeHead(404).end();
  });
  const url = await listenOn(server, 0, 'hosted UI');
  return Object.assign(state, { url, server });
}

/** The console as CloudFront serves it: the build plus config.json, and /api/* sent on to the API. */
async function startConsoleHost(config: () => ConsoleConfig, authOrigin: () => string) {
  let site: StaticSite | undefined;
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://console');
    if (url.pathname.startsWith('/api/')) {
      const body = req.method === 'POST' ? await read(req) : undefined;
      const upstream = await fetch(`${h.api}${url.pathname}${url.search}`, {
        method: req.method,
        headers: {
          ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body,
      });
      res.writeHead(upstream.status, {
        'content-type': upstream.headers.get('content-type') ?? 'application/json',
      });
      return void res.end(await upstream.text());
    }
    site ??= new StaticSite({
      prefix: APP,
      root: CONSOLE_DIST,
      contentSecurityPolicy: consoleCsp(authOrigin()),
      runtimeFiles: { 'config.json': config() },
      rebase: true,
    });
    if (!(await site.serve(req, res, url.pathname))) res.writeHead(404).end();
  });
  return { url: await listenOn(server, 0, 'console host'), server };
}

beforeAll(async () => {
  h = await startHarness();
  let auth: ConsoleConfig | undefined;
  consoleHost = await startConsoleHost(
    () => auth as ConsoleConfig,
    () => hostedUi.url,
  );
  const redirectUri = `${consoleHost.url}${APP}/auth/callback`;
  const logoutUri = `${consoleHost.url}${APP}/`;
  hostedUi = await startHostedUi(redirectUri, logoutUri);
  auth = { auth: { mode: 'cognito', domain: hostedUi.url, clientId: CLIENT_ID, redirectUri, logoutUri } };
  browser = await launch('scripted');
});

afterAll(async () => {
  await browser?.close();
  for (const s of [hostedUi?.server, consoleHost?.server]) s?.closeAllConnections();
  await Promise.all(
    [hostedUi?.server, consoleHost?.server].map(
      (s) => new Promise<void>((resolve) => (s ? s.close(() => resolve()) : resolve())),
    ),
  );
  await h?.stop();
});

describe('signing in through the hosted UI (AWS)', () => {
  it('goes out with a PKCE challenge, comes back with a code, and lands where the agent was going', async () => {
    const { page, errors } = await consolePage(browser);
    await page.goto(`${consoleHost.url}${APP}/dashboard?from=2026-01-01&to=2026-01-31`);
    await showsHeading(page, 'Sign in to the console');
    expect(await page.getByLabel('Password').count()).toBe(0);
    await screen(page, 'console-sign-in-cognito');

    await page.getByRole('button', { name: 'Sign in' }).click();
    await showsHeading(page, 'Dashboard');

    // Assess: the verifier matched its challenge; the agent is where they were going, signed in
    expect(hostedUi.exchanges).toEqual([{ verifierMatched: true }]);
    expect(page.url()).toBe(`${consoleHost.url}${APP}/dashboard?from=2026-01-01&to=2026-01-31`);
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(1);
    // Only the token is kept (the PKCE verifier and state are gone), never in localStorage
    const stored = (await page.evaluate(
      '({ local: localStorage.length, session: Object.keys(sessionStorage) })',
    )) as { local: number; session: string[] };
    expect(stored).toEqual({ local: 0, session: ['hv-console.token'] });
    expect(errors).toEqual([]);

    // Sign out ends the hosted UI's session too, and comes back to sign-in
    await page.getByRole('button', { name: 'Sign out' }).click();
    await showsHeading(page, 'Sign in to the console');
    expect(hostedUi.logouts).toBe(1);
    expect(page.url()).toBe(`${consoleHost.url}${APP}/`);
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
  });

  it('refuses a callback it did not start (state mismatch) without asking for a token', async () => {
    const { page } = await consolePage(browser);
    const before = hostedUi.exchanges.length;
    await page.goto(`${consoleHost.url}${APP}/auth/callback?code=forged&state=forged`);
    await showsHeading(page, 'Signing in');
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toContain('does not match a sign-in started here');
    expect(hostedUi.exchanges.length).toBe(before);
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
  });
});
