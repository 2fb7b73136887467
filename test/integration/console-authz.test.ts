/**
 * The console's authorization matrix: every `/api/*` route of the manifest (so a new route cannot
 * be missed), called anonymously, with an expired token, a token signed by someone else, a token
 * with no console role, and as each role; plus the "token for another user's action" cases. The
 * status codes are pinned. Allowed callers send requests that pass the role check and then stop
 * at a known point (a 404, a 400 on the body, a 409), so the matrix changes nothing it relies on.
 */
import { generateKeyPair, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { localDynamoClient } from '../../local/dynamodb-local.js';
import { LOCAL_AUDIENCE } from '../../local/gateway.js';
import { DynamoDbConsoleUsers } from '../../shared/adapters/dynamodb/console-users.js';
import { ROLES, type Role } from '../../shared/domain/model/principal.js';
import { ROUTES, type RouteSpec } from '../../shared/manifest.js';
import { call, type Harness, openTicket, sendLink, sharedHarness } from './harness.js';

let h: Harness;
const tokens: Record<string, string | undefined> = {};
let ticketId = '';
let verificationId = '';
let exportId = '';
const MISSING_ID = '01ARZ3NDEKTSV4RRFFQ69G5FAV';

/** What an allowed caller's request looks like, and the status it must get. */
interface Probe {
  path: Record<string, () => string>;
  body?: unknown;
  /** Status for every allowed role. */
  allowed: number;
}

const PROBES: Record<string, Probe> = {
  'GET /api/me': { path: {}, allowed: 200 },
  'GET /api/verifications': { path: {}, allowed: 200 },
  'POST /api/verifications': { path: {}, body: {}, allowed: 400 },
  'GET /api/verifications/{verificationId}': { path: { verificationId: () => verificationId }, allowed: 200 },
  'GET /api/verifications/{verificationId}/transcript': {
    path: { verificationId: () => verificationId },
    allowed: 404,
  },
  'POST /api/verifications/{verificationId}/resend': {
    path: { verificationId: () => MISSING_ID },
    allowed: 404,
  },
  'POST /api/verifications/{verificationId}/cancel': {
    path: { verificationId: () => MISSING_ID },
    body: {},
    allowed: 404,
  },
  'POST /api/verifications/{verificationId}/write-back': {
    path: { verificationId: () => verificationId },
    allowed: 409,
  },
  'GET /api/tickets/{connectionId}/{ticketId}': {
    path: { connectionId: () => 'local-desk', ticketId: () => ticketId },
    allowed: 200,
  },
  // Without q: stops at the query check, before the directory, the counter or the audit trail.
  'GET /api/people': { path: {}, allowed: 400 },
  'POST /api/people/{userId}/verifications': { path: { userId: () => 'u001' }, body: {}, allowed: 400 },
  'GET /api/dashboard': { path: {}, allowed: 200 },
  'POST /api/exports': { path: {}, body: { filters: { status: 'bogus' } }, allowed: 400 },
  'GET /api/exports/{exportId}': { path: { exportId: () => MISSING_ID }, allowed: 404 },
  'GET /api/audit': { path: {}, allowed: 200 },
  'GET /api/settings': { path: {}, allowed: 200 },
  'POST /api/settings/connections/{connectionId}': {
    path: { connectionId: () => 'local-desk' },
    body: {},
    allowed: 400,
  },
  'POST /api/settings/connections/{connectionId}/secrets': {
    path: { connectionId: () => 'local-desk' },
    body: {},
    allowed: 400,
  },
  'GET /api/users': { path: {}, allowed: 200 },
  'POST /api/users': { path: {}, body: {}, allowed: 400 },
  'POST /api/users/{username}': { path: { username: () => 'alice' }, body: {}, allowed: 400 },
};

const consoleRoutes = (ROUTES as readonly RouteSpec[]).filter((r) => r.path.startsWith('/api/'));
const key = (r: RouteSpec) => `${r.method} ${r.path}`;

function request(route: RouteSpec, token: string | undefined) {
  const probe = PROBES[key(route)] as Probe;
  const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) =>
    encodeURIComponent(probe.path[name]?.() ?? ''),
  );
  return call(h, route.method, path, { token, ...(probe.body !== undefined ? { body: probe.body } : {}) });
}

beforeAll(async () => {
  h = await sharedHarness();
  const issue = (user: string, groups: string[], ttl?: number) =>
    h.stack.gateway.issueToken(user, groups, ttl);
  // Every request looks its user up: the other agent and auditor exist (nora has no role at all).
  const users = new DynamoDbConsoleUsers({
    tableName: h.stack.tableName,
    client: localDynamoClient(h.stack.urls.dynamodb),
  });
  await users.seed({ username: 'bob', password: 'local-bob-password', roles: ['agent'] });
  await users.seed({ username: 'ava', password: 'local-ava-password', roles: ['auditor'] });
  tokens.admin = await issue('adam', ['admin']);
  tokens.agent = await issue('alice', ['agent']);
  tokens.auditor = await issue('audrey', ['auditor']);
  tokens.otherAgent = await issue('bob', ['agent']);
  tokens.otherAuditor = await issue('ava', ['auditor']);
  tokens.noRole = await issue('nora', []);
  tokens.expired = await issue('alice', ['agent'], -60);
  // Right claims, wrong signer: what a forged token looks like to the gateway.
  const { privateKey } = await generateKeyPair('RS256');
  tokens.forged = await new SignJWT({ 'cognito:username': 'adam', 'cognito:groups': ['admin'] })
    .setProtectedHeader({ alg: 'RS256', kid: 'local' })
    .setIssuer(`${h.api}/local-auth`)
    .setAudience(LOCAL_AUDIENCE)
    .setExpirationTime('1h')
    .sign(privateKey);
  const ticket = await openTicket(h);
  ticketId = ticket.id;
  verificationId = (await sendLink(h, ticket.id)).verificationId;
  const started = await call(h, 'POST', '/api/exports', { token: tokens.auditor, body: {} });
  exportId = started.json.exportId;
});

describe('console authorization matrix', () => {
  it('has a probe for every /api/* route in the manifest, and every one is a console route', () => {
    expect(consoleRoutes.map(key).sort()).toEqual(Object.keys(PROBES).sort());
    for (const r of consoleRoutes) expect(r.auth, key(r)).toBe('console');
  });

  it.each(consoleRoutes.map((r) => [key(r), r] as const))('%s', async (_, route) => {
    const outcome: Record<string, number> = {};
    for (const caller of ['anonymous', 'expired', 'forged', 'noRole', ...ROLES]) {
      outcome[caller] = (await request(route, caller === 'anonymous' ? undefined : tokens[caller])).status;
    }
    const allowed = route.roles ?? [];
    const expected: Record<string, number> = { anonymous: 401, expired: 401, forged: 401, noRole: 403 };
    for (const role of ROLES as readonly Role[])
      expected[role] = allowed.includes(role) ? (PROBES[key(route)] as Probe).allowed : 403;
    expect(outcome).toEqual(expected);
  });

  it('pins the roles of each route: agents send and read, auditors read and export, admins everything', () => {
    const byRoute = Object.fromEntries(
      consoleRoutes.map((r) => [key(r), [...(r.roles ?? [])].sort().join(',')]),
    );
    const all = 'admin,agent,auditor';
    expect(byRoute).toEqual({
      'GET /api/me': all,
      'GET /api/verifications': all,
      'POST /api/verifications': 'admin,agent',
      'GET /api/verifications/{verificationId}': all,
      'GET /api/verifications/{verificationId}/transcript': all,
      'POST /api/verifications/{verificationId}/resend': 'admin,agent',
      'POST /api/verifications/{verificationId}/cancel': 'admin,agent',
      'POST /api/verifications/{verificationId}/write-back': 'admin,agent',
      'GET /api/tickets/{connectionId}/{ticketId}': 'admin,agent',
      'GET /api/people': 'admin,agent',
      'POST /api/people/{userId}/verifications': 'admin,agent',
      'GET /api/dashboard': all,
      'POST /api/exports': 'admin,auditor',
      'GET /api/exports/{exportId}': 'admin,auditor',
      'GET /api/audit': 'admin,auditor',
      'GET /api/settings': 'admin',
      'POST /api/settings/connections/{connectionId}': 'admin',
      'POST /api/settings/connections/{connectionId}/secrets': 'admin',
      'GET /api/users': 'admin',
      'POST /api/users': 'admin',
      'POST /api/users/{username}': 'admin',
    });
  });
});

describe("a token for another user's action", () => {
  it("refuses another agent cancelling or resending alice's verification; its sender and an admin may", async () => {
    const bobCancel = await call(h, 'POST', `/api/verifications/${verificationId}/cancel`, {
      token: tokens.otherAgent,
      body: {},
    });
    const bobResend = await call(h, 'POST', `/api/verifications/${verificationId}/resend`, {
      token: tokens.otherAgent,
    });
    expect([bobCancel.status, bobResend.status]).toEqual([403, 403]);
    expect(bobCancel.json.error.code).toBe('NOT_YOUR_VERIFICATION');
    const detailForBob = await call(h, 'GET', `/api/verifications/${verificationId}`, {
      token: tokens.otherAgent,
    });
    expect(detailForBob.json.can).toMatchObject({ cancel: false, resend: false });
    const detailForAlice = await call(h, 'GET', `/api/verifications/${verificationId}`, {
      token: tokens.agent,
    });
    expect(detailForAlice.json.can).toMatchObject({ cancel: true, resend: true });

    const aliceResend = await call(h, 'POST', `/api/verifications/${verificationId}/resend`, {
      token: tokens.agent,
    });
    expect(aliceResend.status).toBe(202);
    const newer = aliceResend.json.verificationId as string;
    expect(newer).not.toBe(verificationId);
    const old = await call(h, 'GET', `/api/verifications/${verificationId}`, { token: tokens.agent });
    expect(old.json.status).toBe('cancelled');

    const adminCancel = await call(h, 'POST', `/api/verifications/${newer}/cancel`, {
      token: tokens.admin,
      body: { reason: 'Requester called back; handled in person' },
    });
    expect(adminCancel.status).toBe(200);
    expect(adminCancel.json.status).toBe('cancelled');
    const again = await call(h, 'POST', `/api/verifications/${newer}/cancel`, {
      token: tokens.agent,
      body: {},
    });
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('VERIFICATION_NOT_OPEN');
  });

  it("refuses another auditor the download of audrey's export; an admin may read it", async () => {
    const other = await call(h, 'GET', `/api/exports/${exportId}`, { token: tokens.otherAuditor });
    expect(other.status).toBe(403);
    expect(other.json.error.code).toBe('NOT_YOUR_EXPORT');
    expect((await call(h, 'GET', `/api/exports/${exportId}`, { token: tokens.admin })).status).toBe(200);
    expect((await call(h, 'GET', `/api/exports/${exportId}`, { token: tokens.auditor })).status).toBe(200);
  });

  it('refuses an admin removing their own admin role', async () => {
    const res = await call(h, 'POST', '/api/users/adam', { token: tokens.admin, body: { roles: ['agent'] } });
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe('CANNOT_CHANGE_OWN_ACCESS');
  });
});

describe('access changes take effect on the next request', () => {
  /** An admin adds a user; the user signs in at the local issuer with the password it returned. */
  async function newUser(username: string, roles: Role[]) {
    const created = await call(h, 'POST', '/api/users', {
      token: tokens.admin,
      body: { username, email: `${username}@example.com`, roles },
    });
    expect(created.status).toBe(201);
    return created.json.temporaryPassword as string;
  }
  async function signIn(username: string, password: string) {
    return call(h, 'POST', '/local-auth/token', { body: { username, password } });
  }

  it('a disabled user is refused at once, and cannot sign in again', async () => {
    const password = await newUser('dora', ['auditor']);
    const token = (await signIn('dora', password)).json.id_token as string;
    expect((await call(h, 'GET', '/api/audit', { token })).status).toBe(200);
    const disabled = await call(h, 'POST', '/api/users/dora', {
      token: tokens.admin,
      body: { enabled: false },
    });
    expect(disabled.status).toBe(200);
    const next = await call(h, 'GET', '/api/audit', { token });
    expect(next.status).toBe(401);
    expect(next.json.error.code).toBe('USER_DISABLED');
    expect((await call(h, 'GET', '/api/me', { token })).status).toBe(401);
    expect((await signIn('dora', password)).status).toBe(401);
    // Both sign-ins are in the audit log, the refused one too (never the password).
    const audit = async (action: string) =>
      (await call(h, 'GET', `/api/audit?actor=dora&action=${action}`, { token: tokens.admin })).json.items;
    expect(await audit('console.signed_in')).toHaveLength(1);
    const failed = await audit('console.sign_in_failed');
    expect(failed).toHaveLength(1);
    expect(JSON.stringify(failed)).not.toContain(password);
  });

  it('a demoted auditor cannot do auditor things on the next request, with the same token', async () => {
    const password = await newUser('ed', ['auditor']);
    const token = (await signIn('ed', password)).json.id_token as string;
    expect((await call(h, 'GET', '/api/audit', { token })).status).toBe(200);
    const demoted = await call(h, 'POST', '/api/users/ed', {
      token: tokens.admin,
      body: { roles: ['agent'] },
    });
    expect(demoted.status).toBe(200);
    const audit = await call(h, 'GET', '/api/audit', { token });
    expect(audit.status).toBe(403);
    expect(audit.json.error.code).toBe('FORBIDDEN');
    expect((await call(h, 'POST', '/api/exports', { token, body: {} })).status).toBe(403);
    expect((await call(h, 'GET', '/api/verifications', { token })).status).toBe(200);
    expect((await call(h, 'GET', '/api/me', { token })).json).toEqual({ username: 'ed', roles: ['agent'] });
  });

  it('ended sessions are refused; a sign-in after that works', async () => {
    const password = await newUser('fay', ['agent']);
    const token = (await signIn('fay', password)).json.id_token as string;
    expect((await call(h, 'GET', '/api/verifications', { token })).status).toBe(200);
    const ended = await call(h, 'POST', '/api/users/fay', {
      token: tokens.admin,
      body: { endSessions: true },
    });
    expect(ended.status).toBe(200);
    expect(ended.json.sessionsEndedAt).toEqual(expect.any(String));
    const next = await call(h, 'GET', '/api/verifications', { token });
    expect(next.status).toBe(401);
    expect(next.json.error.code).toBe('SESSION_ENDED');
    // Tokens carry whole seconds: one issued in the second the sessions ended is refused too.
    await new Promise((r) => setTimeout(r, 1100));
    const again = (await signIn('fay', password)).json.id_token as string;
    expect((await call(h, 'GET', '/api/verifications', { token: again })).status).toBe(200);
    const audit = await call(h, 'GET', '/api/audit?action=user.updated', { token: tokens.admin });
    expect(audit.json.items[0].details).toMatchObject({ username: 'fay', sessionsEnded: true });
  });
});
