/**
 * EntraDirectory's actions (MFA reset, Temporary Access Pass, sign out everywhere, no unlock) against
 * the request and response shapes Microsoft Graph v1.0 documents (test/events/graph): a local server
 * replays them and records every request.
 */
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { EntraDirectory } from '../../../shared/adapters/directory/entra.js';
import { TAP_MAX_MINUTES, TAP_MIN_MINUTES } from '../../../shared/adapters/directory/entra-actions.js';
import {
  DirectoryPermanentError,
  DirectoryRetryableError,
  DirectoryUnsupportedError,
} from '../../../shared/adapters/directory/errors.js';
import type { DirectoryAction } from '../../../shared/ports/directory.js';
import { REPO_ROOT } from '../fixtures.js';
import { caught, type Recorded, type Reply, recorder } from './recorder.js';

const TENANT = 'contoso.example';
const CREDENTIALS = JSON.stringify({
  clientId: '5b1f3c0e-2d4a-4e8f-9a6b-1c2d3e4f5a6b',
  clientSecret: 'Qx8~fake.client-SECRET_value',
});
const ZOE_ID = '4c7a2f9e-1b3d-4e5f-8a6b-7c8d9e0f1a2b';
const ZOE = `/v1.0/users/${ZOE_ID}`;
const NOW = Date.parse('2026-03-02T09:00:00Z');
const AUTHENTICATOR = '6a2b1c4d-8e9f-4a0b-9c1d-2e3f4a5b6c7d';
const MOBILE = '3179e48a-750b-4051-897c-87b9720928f7';
const FIDO2 = '-2_GRUg2-HYz6_1YG4YRAQ2';
const HELLO = 'b5e01f81-1f81-b5e0-811f-e0b5811fe0b5';
const PASSWORD_METHOD = '28c10230-6103-485e-b985-444c60001490';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`test/events/graph/${name}.json`, REPO_ROOT), 'utf8')) as Record<
    string,
    unknown
  >;
const TAP_VALUE = String(fixture('temporary-access-pass').temporaryAccessPass);

const ok = (body: unknown, status = 200): Reply => ({ status, body });
const graphError = (status: number, name: string, headers?: Record<string, string>): Reply => ({
  status,
  body: fixture(name),
  headers,
});

/** The token endpoint answers; Graph requests go to `graph`. */
async function graphServer(graph: (req: Recorded) => Reply) {
  const server = await recorder((req) =>
    req.path === `/${TENANT}/oauth2/v2.0/token` ? ok(fixture('token')) : graph(req),
  );
  return { ...server, graphRequests: () => server.requests.filter((r) => r.path.startsWith('/v1.0/')) };
}

function adapter(url: string, options: Partial<ConstructorParameters<typeof EntraDirectory>[0]> = {}) {
  const sleeps: number[] = [];
  const warnings: unknown[] = [];
  const directory = new EntraDirectory({
    tenantId: TENANT,
    credentials: async () => CREDENTIALS,
    graphBaseUrl: `${url}/v1.0`,
    loginBaseUrl: url,
    timeoutMs: 2_000,
    now: () => NOW,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    warn: (message, details) => warnings.push({ message, details }),
    ...options,
  });
  return { directory, sleeps, warnings };
}

/** Zoë's methods as Graph lists them; every DELETE 204; the pass and the revocation as documented. */
function zoe(overrides: (req: Recorded) => Reply | undefined = () => undefined) {
  return (req: Recorded): Reply => {
    const custom = overrides(req);
    if (custom) return custom;
    if (req.method === 'GET' && req.path === `${ZOE}/authentication/methods`)
      return ok(fixture('authentication-methods'));
    if (req.method === 'DELETE' && req.path.startsWith(`${ZOE}/authentication/`)) return { status: 204 };
    if (req.method === 'POST' && req.path === `${ZOE}/authentication/temporaryAccessPassMethods`)
      return ok(fixture('temporary-access-pass'), 201);
    if (req.method === 'POST' && req.path === `${ZOE}/revokeSignInSessions`)
      return ok(fixture('revoke-sign-in-sessions'));
    return graphError(404, 'user-not-found');
  };
}

describe('EntraDirectory capabilities', () => {
  it('reports MFA reset, the pass and sign-out everywhere, and no unlock, with a sentence why', () => {
    const { directory } = adapter('http://127.0.0.1:9');
    const caps = directory.capabilities();
    const supported = (Object.keys(caps) as DirectoryAction[]).filter((a) => caps[a].supported);
    expect(supported).toEqual(['passwordReset', 'mfaReset', 'temporaryAccessPass', 'signOutEverywhere']);
    expect(caps.accountUnlock.note).toMatch(/no API that lifts a smart lockout/);
  });

  it('refuses unlock without sending anything, with a stable code', async () => {
    const server = await graphServer(zoe());
    const error = await caught(adapter(server.url).directory.unlockAccount(ZOE_ID));
    expect(error).toBeInstanceOf(DirectoryUnsupportedError);
    expect((error as DirectoryUnsupportedError).code).toBe('directory_action_unsupported');
    expect(server.requests).toHaveLength(0);
  });

  it('takes a pass lifetime within the documented 10 to 43200 minutes only', () => {
    expect(() =>
      adapter('http://127.0.0.1:9', { temporaryAccessPassMinutes: TAP_MIN_MINUTES - 1 }),
    ).toThrow();
    expect(() =>
      adapter('http://127.0.0.1:9', { temporaryAccessPassMinutes: TAP_MAX_MINUTES + 1 }),
    ).toThrow();
    expect(() => adapter('http://127.0.0.1:9', { temporaryAccessPassMinutes: 30 })).not.toThrow();
  });
});

describe('EntraDirectory MFA reset', () => {
  it('lists the methods by id and type only: no phone number or device name', async () => {
    const server = await graphServer(zoe());
    const methods = await adapter(server.url).directory.listAuthMethods(ZOE_ID);
    expect(methods.map((m) => [m.kind, m.removable])).toEqual([
      ['password', false],
      ['authenticatorApp', true],
      ['phone', true],
      ['securityKey', true],
      ['platformCredential', true],
    ]);
    expect(JSON.stringify(methods)).not.toMatch(/912|iPhone|Surface|Red key/);
    expect(server.graphRequests()[0]).toMatchObject({ method: 'GET', path: `${ZOE}/authentication/methods` });
    expect(server.graphRequests()[0]?.headers.authorization).toMatch(/^Bearer /);
  });

  it("removes every removable method through its type's documented DELETE, never the password, then issues a one-time pass", async () => {
    const server = await graphServer(zoe());
    const result = await adapter(server.url).directory.resetMfa(ZOE_ID, { temporaryAccessPass: true });
    const writes = server.graphRequests().filter((r) => r.method !== 'GET');
    expect(writes.map((r) => `${r.method} ${r.path}`)).toEqual([
      `DELETE ${ZOE}/authentication/microsoftAuthenticatorMethods/${AUTHENTICATOR}`,
      `DELETE ${ZOE}/authentication/phoneMethods/${MOBILE}`,
      `DELETE ${ZOE}/authentication/fido2Methods/${FIDO2}`,
      `DELETE ${ZOE}/authentication/windowsHelloForBusinessMethods/${HELLO}`,
      `POST ${ZOE}/authentication/temporaryAccessPassMethods`,
    ]);
    expect(writes.some((r) => r.path.includes(PASSWORD_METHOD))).toBe(false);
    expect(JSON.parse(writes[4]?.body ?? '')).toEqual({ lifetimeInMinutes: 60, isUsableOnce: true });
    expect(writes[4]?.headers['content-type']).toBe('application/json');
    expect(result.removed.map((m) => m.id)).toEqual([AUTHENTICATOR, MOBILE, FIDO2, HELLO]);
    expect(result.allFactorsReset).toBe(false);
    expect(result.notRemoved).toEqual([]);
    const pass = result.temporaryAccessPass;
    expect(pass?.reveal()).toBe(TAP_VALUE);
    expect(pass).toMatchObject({
      lifetimeMinutes: 60,
      isUsableOnce: true,
      startsAt: '2026-03-02T09:00:01.765Z',
    });
    expect(pass?.expiresAt).toBe('2026-03-02T10:00:01.765Z');
  });

  it('sends the configured lifetime, and removes only the chosen methods', async () => {
    const server = await graphServer(zoe());
    const result = await adapter(server.url, { temporaryAccessPassMinutes: 15 }).directory.resetMfa(ZOE_ID, {
      methodIds: [AUTHENTICATOR, PASSWORD_METHOD, 'gone'],
      temporaryAccessPass: true,
    });
    const writes = server.graphRequests().filter((r) => r.method !== 'GET');
    expect(writes.map((r) => r.method)).toEqual(['DELETE', 'POST']);
    expect(JSON.parse(writes[1]?.body ?? '').lifetimeInMinutes).toBe(15);
    expect(result.removed.map((m) => m.id)).toEqual([AUTHENTICATOR]);
    expect(result.notRemoved).toEqual([
      { method: { id: 'gone', kind: 'other' }, code: 'not_found' },
      { method: { id: PASSWORD_METHOD, kind: 'password' }, code: 'not_removable' },
    ]);
  });

  it('tries the default method again after the others (Graph refuses it first with 400), and counts a 404 as gone', async () => {
    let refusals = 0;
    const server = await graphServer(
      zoe((req) => {
        if (req.method === 'DELETE' && req.path.endsWith(AUTHENTICATOR) && refusals++ === 0)
          return graphError(400, 'default-method-refused');
        if (req.method === 'DELETE' && req.path.endsWith(FIDO2)) return graphError(404, 'user-not-found');
        return undefined;
      }),
    );
    const result = await adapter(server.url).directory.resetMfa(ZOE_ID);
    expect(result.removed.map((m) => m.id)).toEqual([MOBILE, FIDO2, HELLO, AUTHENTICATOR]);
    expect(result.temporaryAccessPass).toBeUndefined();
    expect(server.graphRequests().some((r) => r.path.endsWith('temporaryAccessPassMethods'))).toBe(false);
  });

  it('reports a method still refused after the second try', async () => {
    const server = await graphServer(
      zoe((req) =>
        req.method === 'DELETE' && req.path.endsWith(MOBILE)
          ? graphError(400, 'default-method-refused')
          : undefined,
      ),
    );
    const result = await adapter(server.url).directory.resetMfa(ZOE_ID);
    expect(result.notRemoved).toEqual([{ method: { id: MOBILE, kind: 'phone' }, code: 'refused' }]);
  });

  it('names UserAuthenticationMethod.ReadWrite.All when Graph answers 403 to a DELETE', async () => {
    const server = await graphServer(
      zoe((req) => (req.method === 'DELETE' ? graphError(403, 'forbidden') : undefined)),
    );
    const error = await caught(adapter(server.url).directory.resetMfa(ZOE_ID));
    expect(error).toBeInstanceOf(DirectoryPermanentError);
    expect((error as DirectoryPermanentError).code).toBe('directory_permission_missing');
    expect(error.message).toContain('UserAuthenticationMethod.ReadWrite.All');
  });

  it('names UserAuthenticationMethod.Read.All when the list is forbidden, and a 404 is the user not found', async () => {
    const forbidden = await graphServer(() => graphError(403, 'forbidden'));
    const denied = await caught(adapter(forbidden.url).directory.listAuthMethods(ZOE_ID));
    expect(denied.message).toContain('UserAuthenticationMethod.Read.All');
    const missing = await graphServer(() => graphError(404, 'user-not-found'));
    const error = await caught(adapter(missing.url).directory.resetMfa(ZOE_ID));
    expect(error).toMatchObject({
      name: 'DirectoryPermanentError',
      status: 404,
      code: 'directory_user_not_found',
    });
  });
});

describe('EntraDirectory Temporary Access Pass never leaks', () => {
  /** Every place a pass could end up: the error, its JSON, its inspection, the warnings. */
  const everywhere = (error: Error, warnings: unknown[]) =>
    [error.message, error.stack ?? '', JSON.stringify(error), inspect(error), JSON.stringify(warnings)].join(
      '\n',
    );

  it('deletes a pass Graph made reusable and refuses it, without the pass in the error or the logs', async () => {
    const reusable = { ...fixture('temporary-access-pass'), isUsableOnce: false };
    const server = await graphServer(
      zoe((req) =>
        req.method === 'POST' && req.path.endsWith('temporaryAccessPassMethods')
          ? ok(reusable, 201)
          : undefined,
      ),
    );
    const { directory, warnings } = adapter(server.url);
    const error = await caught(
      directory.resetMfa(ZOE_ID, { methodIds: [AUTHENTICATOR], temporaryAccessPass: true }),
    );
    expect(error).toBeInstanceOf(DirectoryPermanentError);
    expect(error.message).toMatch(/reusable pass/);
    expect(server.graphRequests().at(-1)).toMatchObject({
      method: 'DELETE',
      path: `${ZOE}/authentication/temporaryAccessPassMethods/6f1967b7-15e8-4935-ac26-d50770ed07a7`,
    });
    expect(everywhere(error, warnings)).not.toContain(TAP_VALUE);
  });

  it('keeps the pass out of the error when the answer lacks its id, and when Graph refuses the pass (policy off)', async () => {
    const { id: _id, ...noId } = fixture('temporary-access-pass');
    for (const reply of [ok(noId, 201), graphError(400, 'default-method-refused')]) {
      const server = await graphServer(
        zoe((req) =>
          req.method === 'POST' && req.path.endsWith('temporaryAccessPassMethods') ? reply : undefined,
        ),
      );
      const { directory, warnings } = adapter(server.url);
      const error = await caught(directory.resetMfa(ZOE_ID, { methodIds: [], temporaryAccessPass: true }));
      expect(error).toBeInstanceOf(DirectoryPermanentError);
      expect(everywhere(error, warnings)).not.toContain(TAP_VALUE);
    }
  });

  it('names UserAuthMethod-TAP.ReadWrite.All and the policy when the pass is forbidden', async () => {
    const server = await graphServer(
      zoe((req) =>
        req.method === 'POST' && req.path.endsWith('temporaryAccessPassMethods')
          ? graphError(403, 'forbidden')
          : undefined,
      ),
    );
    const error = await caught(
      adapter(server.url).directory.resetMfa(ZOE_ID, { methodIds: [], temporaryAccessPass: true }),
    );
    expect(error.message).toContain('UserAuthMethod-TAP.ReadWrite.All');
    expect(error.message).toContain('authentication methods policy');
  });

  it('shows a placeholder, not the pass, in JSON, strings and inspection', async () => {
    const server = await graphServer(zoe());
    const { temporaryAccessPass: pass } = await adapter(server.url).directory.resetMfa(ZOE_ID, {
      methodIds: [],
      temporaryAccessPass: true,
    });
    expect(JSON.stringify({ pass })).not.toContain(TAP_VALUE);
    expect(`${pass}`).not.toContain(TAP_VALUE);
    expect(inspect(pass, { showHidden: true, depth: 5 })).not.toContain(TAP_VALUE);
    expect(pass?.reveal()).toBe(TAP_VALUE);
  });
});

describe('EntraDirectory sign out everywhere', () => {
  it('POSTs revokeSignInSessions with no body, and takes the known 204 too', async () => {
    const server = await graphServer(zoe());
    await adapter(server.url).directory.revokeSessions(ZOE_ID);
    expect(server.graphRequests()).toMatchObject([
      { method: 'POST', path: `${ZOE}/revokeSignInSessions`, body: '' },
    ]);
    const known = await graphServer(() => ({ status: 204 }));
    await expect(adapter(known.url).directory.revokeSessions(ZOE_ID)).resolves.toBeUndefined();
  });

  it('names User.RevokeSessions.All on 403', async () => {
    const server = await graphServer(() => graphError(403, 'forbidden'));
    const error = await caught(adapter(server.url).directory.revokeSessions(ZOE_ID));
    expect(error).toMatchObject({ code: 'directory_permission_missing' });
    expect(error.message).toContain('User.RevokeSessions.All');
  });

  it('waits out a short 429 once through the shared client; a long one is retryable with its wait', async () => {
    let calls = 0;
    const server = await graphServer((req) =>
      calls++ === 0 ? graphError(429, 'throttled', { 'retry-after': '2' }) : zoe()(req),
    );
    const { directory, sleeps } = adapter(server.url);
    await directory.revokeSessions(ZOE_ID);
    expect(sleeps).toEqual([2000]);
    const slow = await graphServer(() => graphError(429, 'throttled', { 'retry-after': '120' }));
    const error = await caught(adapter(slow.url).directory.revokeSessions(ZOE_ID));
    expect(error).toBeInstanceOf(DirectoryRetryableError);
    expect(error).toMatchObject({ retryAfterSeconds: 120, code: 'directory_rate_limited' });
  });
});
