/**
 * EntraDirectory against recorded Microsoft Graph exchanges: a local server replays the documented
 * responses (test/events/graph) and records every request, so these tests pin what is sent (method,
 * path, query, headers, body) and how the answers are mapped.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIVITIES, EntraDirectory, USER_SELECT } from '../../../shared/adapters/directory/entra.js';
import {
  DirectoryPasswordRejectedError,
  DirectoryPermanentError,
  DirectoryRetryableError,
} from '../../../shared/adapters/directory/errors.js';
import { REPO_ROOT } from '../fixtures.js';
import { caught, type Recorded, type Reply, recorder as record } from './recorder.js';

const TENANT = 'contoso.example';
const CLIENT_ID = '5b1f3c0e-2d4a-4e8f-9a6b-1c2d3e4f5a6b';
const CLIENT_SECRET = 'Qx8~fake.client-SECRET_value';
const CREDENTIALS = JSON.stringify({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
const ZOE_ID = '4c7a2f9e-1b3d-4e5f-8a6b-7c8d9e0f1a2b';
const MANAGER_ID = '1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b';
const NEW_PASSWORD = 'Tr0ub4dor&3-horse-staple';
const NOW = Date.parse('2026-03-02T09:00:00Z');
const AUDIT_PATH = '/v1.0/auditLogs/directoryAudits';

/** A recorded Graph or login answer; Graph's own URLs (nextLink) point at the test server instead. */
function fixture(name: string, baseUrl?: string): unknown {
  const text = readFileSync(new URL(`test/events/graph/${name}.json`, REPO_ROOT), 'utf8');
  return JSON.parse(baseUrl ? text.replaceAll('https://graph.microsoft.com', baseUrl) : text);
}

const TOKEN = (fixture('token') as { access_token: string }).access_token;

/** Answers from the server's base URL; also splits the Graph requests from the token requests. */
async function recorder(answer: (req: Recorded, base: string) => Reply | 'hang') {
  const server = await record((req, { base }) => answer(req, base));
  return {
    ...server,
    /** The Graph requests only (not the token requests). */
    graphRequests: () => server.requests.filter((r) => r.path.startsWith('/v1.0/')),
    tokenRequests: () => server.requests.filter((r) => r.path.endsWith('/oauth2/v2.0/token')),
  };
}

const ok = (body: unknown): Reply => ({ status: 200, body });
const graphError = (status: number, name: string, headers?: Record<string, string>): Reply => ({
  status,
  body: fixture(name),
  headers,
});

/** Answers the token endpoint; everything else from `graph` (path under /v1.0, decoded query). */
function route(graph: (req: Recorded, query: URLSearchParams, base: string) => Reply | 'hang') {
  return (req: Recorded, base: string): Reply | 'hang' => {
    if (req.path === `/${TENANT}/oauth2/v2.0/token`) return ok(fixture('token'));
    return graph(req, new URLSearchParams(req.query), base);
  };
}

/** Zoë as GET /users/{id} returns her (the entity rather than a collection). */
function zoeEntity() {
  const { value } = fixture('users-by-email') as { value: object[] };
  return {
    '@odata.context':
      'https://graph.microsoft.com/v1.0/$metadata#users(id,displayName,givenName,surname,mail,userPrincipalName,mobilePhone,department,jobTitle,officeLocation,country,usageLocation,employeeHireDate,accountEnabled,lastPasswordChangeDateTime,userType)/$entity',
    ...value[0],
  };
}

/** A directory where Zoë is found, has a manager, the given memberships and the given audit log. */
function zoeDirectory(
  memberOf = 'member-of',
  audits: () => Reply | 'hang' = () => ok(fixture('directory-audits-empty')),
) {
  return route((req) => {
    if (req.path === '/v1.0/users') return ok(fixture('users-by-email'));
    if (req.path === `/v1.0/users/${ZOE_ID}`) return ok(zoeEntity());
    if (req.path === `/v1.0/users/${ZOE_ID}/manager`) return ok(fixture('manager'));
    if (req.path === `/v1.0/users/${ZOE_ID}/transitiveMemberOf`) return ok(fixture(memberOf));
    if (req.path === AUDIT_PATH) return audits();
    return graphError(404, 'user-not-found');
  });
}

function adapter(
  url: string,
  options: Partial<ConstructorParameters<typeof EntraDirectory>[0]> = {},
  clock?: { now: number },
) {
  const sleeps: number[] = [];
  const warnings: { message: string; details: Record<string, unknown> }[] = [];
  const directory = new EntraDirectory({
    tenantId: TENANT,
    credentials: async () => CREDENTIALS,
    graphBaseUrl: `${url}/v1.0`,
    loginBaseUrl: url,
    timeoutMs: 2_000,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    warn: (message, details) => warnings.push({ message, details }),
    ...(clock ? { now: () => clock.now } : {}),
    ...options,
  });
  return { directory, sleeps, warnings };
}

const ZOE = {
  userId: ZOE_ID,
  displayName: 'Zoë Martín',
  givenName: 'Zoë',
  email: 'zoe.martin@contoso.example',
  mobilePhone: '+351 912 345 678',
  department: 'Finance',
  title: 'Financial Analyst',
  office: 'Lisbon',
  country: 'PT',
  managerId: MANAGER_ID,
  startDate: '2019-03-04',
  privileged: false,
  enabled: true,
  lastPasswordResetAt: '2026-01-12T08:41:07Z',
  recentFailedRecoveries: 0,
};

describe('EntraDirectory requests and mapping', () => {
  it('gets a client-credentials token, then finds a user by mail or UPN with $select, then reads manager, memberships and audit log', async () => {
    // Prepare
    const server = await recorder(zoeDirectory());
    const { directory } = adapter(server.url);

    // Act
    const user = await directory.findByEmail('Zoe.Martin@contoso.example', { history: true });

    // Assess
    const [tokenRequest] = server.tokenRequests();
    expect(server.tokenRequests()).toHaveLength(1);
    expect(tokenRequest?.method).toBe('POST');
    expect(tokenRequest?.path).toBe(`/${TENANT}/oauth2/v2.0/token`);
    expect(tokenRequest?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(tokenRequest?.headers.authorization).toBeUndefined();
    expect(Object.fromEntries(new URLSearchParams(tokenRequest?.body))).toEqual({
      client_id: CLIENT_ID,
      scope: 'https://graph.microsoft.com/.default',
      client_secret: CLIENT_SECRET,
      grant_type: 'client_credentials',
    });

    const graph = server.graphRequests();
    expect(graph).toHaveLength(4);
    const [lookup] = graph;
    expect(lookup?.method).toBe('GET');
    expect(lookup?.path).toBe('/v1.0/users');
    expect(lookup?.query).toBe(
      `$filter=mail%20eq%20%27Zoe.Martin%40contoso.example%27%20or%20userPrincipalName%20eq%20%27Zoe.Martin%40contoso.example%27&$select=${USER_SELECT}`,
    );
    expect(new URLSearchParams(lookup?.query).get('$filter')).toBe(
      "mail eq 'Zoe.Martin@contoso.example' or userPrincipalName eq 'Zoe.Martin@contoso.example'",
    );
    expect(USER_SELECT).toBe(
      'id,displayName,givenName,surname,mail,userPrincipalName,mobilePhone,department,jobTitle,officeLocation,country,usageLocation,employeeHireDate,accountEnabled,lastPasswordChangeDateTime,userType',
    );
    for (const req of graph) {
      expect(req.method).toBe('GET');
      expect(req.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(req.headers.accept).toBe('application/json');
      expect(req.headers['content-type']).toBeUndefined();
      expect(req.body).toBe('');
    }
    const manager = graph.find((r) => r.path.endsWith('/manager'));
    expect(manager?.path).toBe(`/v1.0/users/${ZOE_ID}/manager`);
    expect(manager?.query).toBe('$select=id');
    const memberships = graph.find((r) => r.path.endsWith('/transitiveMemberOf'));
    expect(memberships?.path).toBe(`/v1.0/users/${ZOE_ID}/transitiveMemberOf`);
    expect(memberships?.query).toBe('$top=999');
    expect(graph.filter((r) => r.path === AUDIT_PATH)).toHaveLength(1);
    expect(user).toEqual(ZOE);
  });

  it('escapes a quote in the address (OData doubles it) and answers undefined when nobody matches', async () => {
    // Prepare
    const server = await recorder(route(() => ok(fixture('users-empty'))));
    const { directory } = adapter(server.url);

    // Act
    const user = await directory.findByEmail("  sean.o'brien@contoso.example ", { history: true });

    // Assess
    expect(user).toBeUndefined();
    expect(server.graphRequests()).toHaveLength(1);
    expect(new URLSearchParams(server.graphRequests()[0]?.query).get('$filter')).toBe(
      "mail eq 'sean.o''brien@contoso.example' or userPrincipalName eq 'sean.o''brien@contoso.example'",
    );
  });

  it('reads a user by id with the same $select; a 404 is undefined', async () => {
    // Prepare
    const server = await recorder(route(() => graphError(404, 'user-not-found')));
    const { directory } = adapter(server.url);

    // Act
    const user = await directory.getUser('0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', { history: true });

    // Assess
    expect(user).toBeUndefined();
    expect(server.graphRequests()).toHaveLength(1);
    expect(server.graphRequests()[0]?.path).toBe('/v1.0/users/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d');
    expect(server.graphRequests()[0]?.query).toBe(`$select=${USER_SELECT}`);
  });

  it('maps a disabled user without mail, usage location, hire date or manager', async () => {
    // Prepare
    const id = '9e8d7c6b-5a49-4382-a716-5f4e3d2c1b0a';
    const server = await recorder(
      route((req) => {
        if (req.path === `/v1.0/users/${id}`) return ok(fixture('user-disabled'));
        if (req.path === `/v1.0/users/${id}/manager`) return graphError(404, 'manager-not-found');
        if (req.path === `/v1.0/users/${id}/transitiveMemberOf`) return ok(fixture('member-of'));
        if (req.path === AUDIT_PATH) return ok(fixture('directory-audits-empty'));
        return graphError(404, 'user-not-found');
      }),
    );
    const { directory } = adapter(server.url);

    // Act
    const user = await directory.getUser(id, { history: true });

    // Assess
    expect(user).toEqual({
      userId: id,
      displayName: 'Tomás Ferreira',
      givenName: 'Tomás',
      email: 'tferreira@contoso.example',
      department: 'Sales',
      title: 'Account Executive',
      office: 'Porto',
      country: 'PT',
      startDate: '',
      privileged: false,
      enabled: false,
      lastPasswordResetAt: '2024-11-02T17:20:55Z',
      recentFailedRecoveries: 0,
    });
  });
});

describe('EntraDirectory privileged detection', () => {
  it('flags a member of a privileged directory role (Global Administrator)', async () => {
    const server = await recorder(zoeDirectory('member-of-global-admin'));
    const { directory } = adapter(server.url);

    const user = await directory.findByEmail('zoe.martin@contoso.example', { history: true });

    expect(user?.privileged).toBe(true);
  });

  it('does not flag a harmless role (Directory Readers) unless it is configured', async () => {
    const server = await recorder(zoeDirectory('member-of'));

    const plain = await adapter(server.url).directory.findByEmail('zoe.martin@contoso.example', {
      history: true,
    });
    const configured = await adapter(server.url, {
      privilegedRoleNames: ['directory readers'],
    }).directory.findByEmail('zoe.martin@contoso.example', { history: true });
    const byTemplateId = await adapter(server.url, {
      privilegedRoleNames: ['88d8e3e3-8f55-4a1e-953a-9b9898b8876b'],
    }).directory.findByEmail('zoe.martin@contoso.example', { history: true });

    expect(plain?.privileged).toBe(false);
    expect(configured?.privileged).toBe(true);
    expect(byTemplateId?.privileged).toBe(true);
  });

  it('counts a directory role it may not read (limited information) as privileged', async () => {
    const server = await recorder(zoeDirectory('member-of-limited'));
    const { directory } = adapter(server.url);

    const user = await directory.findByEmail('zoe.martin@contoso.example', { history: true });

    expect(user?.privileged).toBe(true);
  });

  it('follows @odata.nextLink through the memberships and flags a configured privileged group', async () => {
    // Prepare
    const server = await recorder(
      route((req, query, base) => {
        if (req.path === '/v1.0/users') return ok(fixture('users-by-email'));
        if (req.path.endsWith('/manager')) return ok(fixture('manager'));
        if (req.path.endsWith('/transitiveMemberOf')) {
          return query.has('$skiptoken')
            ? ok(fixture('member-of-page2-admins-group', base))
            : ok(fixture('member-of-page1', base));
        }
        return graphError(404, 'user-not-found');
      }),
    );
    const { directory } = adapter(server.url, {
      privilegedGroupIds: ['A1B2C3D4-E5F6-4A7B-8C9D-0E1F2A3B4C5D'],
    });

    // Act
    const user = await directory.findByEmail('zoe.martin@contoso.example', { history: true });

    // Assess
    const pages = server.graphRequests().filter((r) => r.path.endsWith('/transitiveMemberOf'));
    expect(pages.map((r) => r.query)).toEqual([
      '$top=999',
      '$top=999&$skiptoken=RFNwdAIAAQAAACpHcm91cF9iN2M2ZDVlNC1mM2EyLTRiMWMtOWQwZS04ZjdhNmI1YzRkM2U',
    ]);
    expect(pages[1]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(user?.privileged).toBe(true);
  });

  it('never follows a nextLink to another host', async () => {
    // Prepare: the page points at graph.microsoft.com itself, not the (test) Graph it came from
    const server = await recorder(
      route((req) => {
        if (req.path === '/v1.0/users') return ok(fixture('users-by-email'));
        if (req.path.endsWith('/manager')) return ok(fixture('manager'));
        return ok(fixture('member-of-page1'));
      }),
    );
    const { directory } = adapter(server.url, {
      privilegedGroupIds: ['a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d'],
    });

    // Act
    const user = await directory.findByEmail('zoe.martin@contoso.example', { history: true });

    // Assess
    expect(server.graphRequests().filter((r) => r.path.endsWith('/transitiveMemberOf'))).toHaveLength(1);
    expect(user?.privileged).toBe(false);
  });
});

describe('EntraDirectory token cache', () => {
  it('reuses the token until shortly before it expires, then gets a new one', async () => {
    // Prepare
    const clock = { now: 1_760_000_000_000 };
    const server = await recorder(zoeDirectory());
    const { directory } = adapter(server.url, {}, clock);

    // Act
    await directory.findByEmail('zoe.martin@contoso.example', { history: true });
    clock.now += (3599 - 300 - 1) * 1000;
    await directory.findByEmail('zoe.martin@contoso.example', { history: true });
    const beforeExpiry = server.tokenRequests().length;
    clock.now += 2 * 1000;
    await directory.findByEmail('zoe.martin@contoso.example', { history: true });

    // Assess: three lookups of three reads each, and the audit log twice (the third reuses the second's)
    expect(beforeExpiry).toBe(1);
    expect(server.tokenRequests()).toHaveLength(2);
    expect(server.graphRequests()).toHaveLength(11);
    expect(server.graphRequests().filter((r) => r.path === AUDIT_PATH)).toHaveLength(2);
  });

  it('shares one token between adapters built for the same tenant and client', async () => {
    const server = await recorder(zoeDirectory());

    await adapter(server.url).directory.findByEmail('zoe.martin@contoso.example', { history: true });
    await adapter(server.url).directory.findByEmail('zoe.martin@contoso.example', { history: true });

    expect(server.tokenRequests()).toHaveLength(1);
  });

  it('gets a new token once when Graph answers 401, and retries with it', async () => {
    // Prepare
    let tokens = 0;
    let refused = false;
    const server = await recorder((req, base) => {
      if (req.path.endsWith('/oauth2/v2.0/token')) {
        tokens++;
        return ok({ ...(fixture('token') as object), access_token: `token-${tokens}` });
      }
      if (req.path === '/v1.0/users' && !refused) {
        refused = true;
        return {
          status: 401,
          body: {
            error: {
              code: 'InvalidAuthenticationToken',
              message: 'Lifetime validation failed, the token is expired.',
            },
          },
        };
      }
      return zoeDirectory()(req, base);
    });
    const { directory } = adapter(server.url);

    // Act
    const user = await directory.findByEmail('zoe.martin@contoso.example', { history: true });

    // Assess
    expect(user?.userId).toBe(ZOE_ID);
    expect(server.tokenRequests()).toHaveLength(2);
    const lookups = server.graphRequests().filter((r) => r.path === '/v1.0/users');
    expect(lookups.map((r) => r.headers.authorization)).toEqual(['Bearer token-1', 'Bearer token-2']);
  });

  it('gives up after the second 401, naming what to check', async () => {
    const server = await recorder(
      route(() => ({
        status: 401,
        body: { error: { code: 'InvalidAuthenticationToken', message: 'Access token validation failure.' } },
      })),
    );
    const { directory } = adapter(server.url);

    const error = await caught(directory.getUser(ZOE_ID, { history: true }));

    expect(error).toBeInstanceOf(DirectoryPermanentError);
    expect((error as DirectoryPermanentError).status).toBe(401);
    expect(error.message).toContain('admin consent');
    expect(server.tokenRequests()).toHaveLength(2);
  });

  it('reports refused client credentials with the AADSTS code, without the secret', async () => {
    const server = await recorder(() => ({ status: 401, body: fixture('token-invalid-client') }));
    const { directory } = adapter(server.url);

    const error = await caught(directory.findByEmail('zoe.martin@contoso.example', { history: true }));

    expect(error.name).toBe('DirectoryPermanentError');
    expect(error.message).toContain('invalid_client: AADSTS7000215');
    expect(error.message).toContain('client secret');
    expect(error.message).not.toContain(CLIENT_SECRET);
    expect(server.graphRequests()).toHaveLength(0);
  });

  it('refuses credentials that are not {"clientId","clientSecret"} without calling anyone', async () => {
    const server = await recorder(zoeDirectory());
    const { directory } = adapter(server.url, { credentials: async () => 'user:password' });

    const error = await caught(directory.getUser(ZOE_ID, { history: true }));

    expect(error).toBeInstanceOf(DirectoryPermanentError);
    expect(error.message).toContain('{"clientId","clientSecret"}');
    expect(server.requests).toHaveLength(0);
  });
});

describe('EntraDirectory persona history (audit log)', () => {
  const ZOE_HISTORY = { contactChangedAt: '2026-02-27T18:04:12.088Z', recentFailedRecoveries: 2 };

  it('reads one page of the audit log: Zoë as target, since 30 days ago, the activities that matter', async () => {
    // Prepare
    const server = await recorder(zoeDirectory('member-of', () => ok(fixture('directory-audits'))));
    const { directory, warnings } = adapter(server.url, {}, { now: NOW });

    // Act
    const user = await directory.findByEmail('zoe.martin@contoso.example', { history: true });

    // Assess
    const audits = server.graphRequests().filter((r) => r.path === AUDIT_PATH);
    expect(audits).toHaveLength(1);
    expect(audits[0]?.method).toBe('GET');
    expect(audits[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    const query = new URLSearchParams(audits[0]?.query);
    expect([...query.keys()]).toEqual(['$filter', '$top']);
    expect(query.get('$top')).toBe('100');
    expect(query.get('$filter')).toBe(
      `activityDateTime ge 2026-01-31T09:00:00Z and targetResources/any(t:t/id eq '${ZOE_ID}') and (` +
        "activityDisplayName eq 'Update user' or activityDisplayName eq 'User registered security info' or " +
        "activityDisplayName eq 'User changed default security info' or activityDisplayName eq 'User updated security info' or " +
        "activityDisplayName eq 'User deleted security info' or activityDisplayName eq 'Admin registered security info' or " +
        "activityDisplayName eq 'Admin updated security info' or activityDisplayName eq 'Admin deleted security info' or " +
        "activityDisplayName eq 'Reset password (self-service)' or " +
        "activityDisplayName eq 'Self-service password reset flow activity progress' or " +
        "activityDisplayName eq 'Unlock user account (self-service)' or " +
        "activityDisplayName eq 'Blocked from self-service password reset')",
    );
    expect(AUDIT_ACTIVITIES).toHaveLength(12);
    // The mobile number changed on 27 Feb (a later "Update user" touched only the token validity);
    // one self-service reset failed at two steps, another failed outright: two failed recoveries.
    expect(user).toEqual({ ...ZOE, ...ZOE_HISTORY });
    expect(warnings).toEqual([]);
  });

  it('reads the audit log only when asked (scoring), not for every lookup', async () => {
    const server = await recorder(zoeDirectory());
    const { directory } = adapter(server.url, {}, { now: NOW });

    const plain = await directory.getUser(ZOE_ID);

    expect(server.graphRequests().filter((r) => r.path === AUDIT_PATH)).toHaveLength(0);
    expect(plain?.recentFailedRecoveries).toBeUndefined();
    expect(plain?.lastPasswordResetAt).toBe('2026-01-12T08:41:07Z');
  });

  it('reads the log with getUser too, and maps an empty log to no change and zero failed recoveries', async () => {
    const server = await recorder(zoeDirectory());
    const { directory } = adapter(server.url, {}, { now: NOW });

    const user = await directory.getUser(ZOE_ID, { history: true });

    expect(server.graphRequests().filter((r) => r.path === AUDIT_PATH)).toHaveLength(1);
    expect(user?.contactChangedAt).toBeUndefined();
    expect(user?.recentFailedRecoveries).toBe(0);
    expect(user?.lastPasswordResetAt).toBe('2026-01-12T08:41:07Z');
  });

  it('counts security info changed by an admin or listed among the updated properties, and being blocked from self-service reset', async () => {
    // Prepare
    const events = [
      {
        id: 'a0',
        correlationId: 'c0',
        activityDisplayName: 'Update user',
        activityDateTime: '2026-03-01T10:00:00Z',
        result: 'failure',
        targetResources: [{ id: ZOE_ID, type: 'User', modifiedProperties: [{ displayName: 'Mobile' }] }],
      },
      {
        id: 'a4',
        correlationId: 'c4',
        activityDisplayName: 'Update user',
        activityDateTime: '2026-03-01T09:00:00Z',
        result: 'success',
        targetResources: [
          {
            id: ZOE_ID,
            type: 'User',
            modifiedProperties: [
              {
                displayName: 'Included Updated Properties',
                oldValue: null,
                newValue: '"StrongAuthenticationUserDetails, StrongAuthenticationMethod"',
              },
            ],
          },
        ],
      },
      {
        id: 'a1',
        correlationId: 'c1',
        activityDisplayName: 'Admin registered security info',
        activityDateTime: '2026-03-01T08:00:00Z',
        result: 'success',
        targetResources: [{ id: ZOE_ID, type: 'User', modifiedProperties: [] }],
      },
      {
        id: 'a2',
        correlationId: 'c2',
        activityDisplayName: 'Blocked from self-service password reset',
        activityDateTime: '2026-02-25T08:00:00Z',
        result: 'success',
        targetResources: [{ id: ZOE_ID, type: 'User', modifiedProperties: [] }],
      },
      {
        id: 'a3',
        correlationId: 'c3',
        activityDisplayName: 'Reset password (self-service)',
        activityDateTime: '2026-02-26T08:00:00Z',
        result: 'success',
        targetResources: [{ id: ZOE_ID, type: 'User', modifiedProperties: [] }],
      },
    ];
    const server = await recorder(zoeDirectory('member-of', () => ok({ value: events })));
    const { directory } = adapter(server.url, {}, { now: NOW });

    // Act
    const user = await directory.getUser(ZOE_ID, { history: true });

    // Assess: the failed update is not a change; the strong-authentication details one is the latest
    expect(user?.contactChangedAt).toBe('2026-03-01T09:00:00.000Z');
    expect(user?.recentFailedRecoveries).toBe(1);
  });

  it('reuses the history for a minute: the lookups of one verification read the log once', async () => {
    // Prepare
    const clock = { now: NOW };
    const server = await recorder(zoeDirectory('member-of', () => ok(fixture('directory-audits'))));
    const { directory } = adapter(server.url, {}, clock);

    // Act
    const first = await directory.getUser(ZOE_ID, { history: true });
    clock.now += 59_000;
    const second = await directory.findByEmail('zoe.martin@contoso.example', { history: true });
    const withinMinute = server.graphRequests().filter((r) => r.path === AUDIT_PATH).length;
    clock.now += 2_000;
    await directory.getUser(ZOE_ID, { history: true });

    // Assess
    expect(withinMinute).toBe(1);
    expect(server.graphRequests().filter((r) => r.path === AUDIT_PATH)).toHaveLength(2);
    expect(second?.contactChangedAt).toBe(first?.contactChangedAt);
    expect(second?.recentFailedRecoveries).toBe(2);
  });

  it('without AuditLog.Read.All (403) leaves the fields undefined, warns once without personal data, and still answers', async () => {
    // Prepare
    const server = await recorder(zoeDirectory('member-of', () => graphError(403, 'forbidden')));
    const { directory, warnings } = adapter(server.url, {}, { now: NOW });

    // Act
    const first = await directory.findByEmail('zoe.martin@contoso.example', { history: true });
    const second = await directory.getUser(ZOE_ID, { history: true });

    // Assess
    expect(first).toEqual(ZOE_WITHOUT_HISTORY);
    expect(second).toEqual(ZOE_WITHOUT_HISTORY);
    expect(server.graphRequests().filter((r) => r.path === AUDIT_PATH)).toHaveLength(2);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toContain('AuditLog.Read.All');
    expect(warnings[0]?.details).toEqual({ status: 403 });
    expectNoPersonalData(warnings);
  });

  it('waits out a short 429 on the audit log once, then reads it', async () => {
    // Prepare
    let throttled = false;
    const server = await recorder(
      zoeDirectory('member-of', () => {
        if (throttled) return ok(fixture('directory-audits'));
        throttled = true;
        return graphError(429, 'throttled', { 'retry-after': '3' });
      }),
    );
    const { directory, sleeps, warnings } = adapter(server.url, {}, { now: NOW });

    // Act
    const user = await directory.getUser(ZOE_ID, { history: true });

    // Assess
    expect(sleeps).toEqual([3000]);
    expect(server.graphRequests().filter((r) => r.path === AUDIT_PATH)).toHaveLength(2);
    expect(user?.recentFailedRecoveries).toBe(2);
    expect(warnings).toEqual([]);
  });

  it('skips the history on a long 429 (or a timeout) with a warning each time, and does not remember the gap', async () => {
    // Prepare
    let calls = 0;
    const server = await recorder(
      zoeDirectory('member-of', () => {
        calls++;
        if (calls === 1) return graphError(429, 'throttled', { 'retry-after': '120' });
        if (calls === 2) return 'hang';
        return ok(fixture('directory-audits'));
      }),
    );
    const { directory, sleeps, warnings } = adapter(server.url, { timeoutMs: 300 }, { now: NOW });

    // Act
    const throttledUser = await directory.getUser(ZOE_ID, { history: true });
    const timedOutUser = await directory.getUser(ZOE_ID, { history: true });
    const readUser = await directory.getUser(ZOE_ID, { history: true });

    // Assess
    expect(sleeps).toEqual([]);
    expect(throttledUser).toEqual(ZOE_WITHOUT_HISTORY);
    expect(timedOutUser?.recentFailedRecoveries).toBeUndefined();
    expect(readUser?.recentFailedRecoveries).toBe(2);
    expect(warnings.map((w) => w.details)).toEqual([
      { error: 'DirectoryRetryableError', retryAfterSeconds: 120 },
      { error: 'DirectoryRetryableError' },
    ]);
    expectNoPersonalData(warnings);
  });
});

/** Zoë when her audit log could not be read. */
const { recentFailedRecoveries: _, ...ZOE_WITHOUT_HISTORY } = ZOE;

/** Warnings carry no id, name, address or number of the person looked up. */
function expectNoPersonalData(warnings: unknown[]) {
  const text = JSON.stringify(warnings);
  for (const personal of [ZOE_ID, 'Zoë', 'zoe.martin', 'zmartin', '+351', '912 345']) {
    expect(text).not.toContain(personal);
  }
}

describe('EntraDirectory sampleUsers', () => {
  it('reads one $top page, and the next page only when too few were usable', async () => {
    // Prepare
    const server = await recorder(
      route((_req, query, base) =>
        query.has('$skiptoken') ? ok(fixture('users-page2', base)) : ok(fixture('users-page1', base)),
      ),
    );
    const { directory } = adapter(server.url);

    // Act
    const sample = await directory.sampleUsers(4, ZOE_ID);

    // Assess: two pages of users and nothing else (decoys never cost an audit-log read each)
    const graph = server.graphRequests();
    expect(graph.map((r) => `${r.method} ${r.path}?${r.query}`)).toEqual([
      `GET /v1.0/users?$select=${USER_SELECT}&$top=100`,
      `GET /v1.0/users?$select=${USER_SELECT}&$top=100&$skiptoken=RFNwdAIAAQAAACpVc2VyXzAwMDAwMDAwLTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwMDAwNA`,
    ]);
    // Disabled (Ben), guest (Chloé) and the requester (Zoë) are never decoys.
    expect(sample.map((u) => u.displayName).sort()).toEqual([
      'Ana Sousa',
      'Dan Kowalski',
      'Eva Lindqvist',
      'Farid Haddad',
    ]);
    expect(sample.find((u) => u.displayName === 'Dan Kowalski')).toEqual({
      userId: '00000000-0000-4000-8000-000000000005',
      displayName: 'Dan Kowalski',
      givenName: 'Dan',
      email: 'dan.kowalski@contoso.example',
      department: 'Engineering',
      title: 'Specialist',
      office: 'Toronto',
      country: 'CA',
      startDate: '',
      privileged: false,
      enabled: true,
      lastPasswordResetAt: '2025-09-01T10:00:00Z',
    });
  });

  it('stops at one page when it holds enough people, and picks at random among them', async () => {
    const server = await recorder(route((_req, _query, base) => ok(fixture('users-page1', base))));
    const { directory } = adapter(server.url);

    const sample = await directory.sampleUsers(1, ZOE_ID);

    expect(server.graphRequests()).toHaveLength(1);
    expect(sample.map((u) => u.displayName)).toEqual(['Ana Sousa']);
  });
});

describe('EntraDirectory resetPassword', () => {
  it('PATCHes the passwordProfile with forceChangePasswordNextSignIn false (204)', async () => {
    // Prepare
    const server = await recorder(route(() => ({ status: 204 })));
    const { directory } = adapter(server.url);

    // Act
    await directory.resetPassword(ZOE_ID, NEW_PASSWORD);

    // Assess
    const [patch] = server.graphRequests();
    expect(server.graphRequests()).toHaveLength(1);
    expect(patch?.method).toBe('PATCH');
    expect(patch?.path).toBe(`/v1.0/users/${ZOE_ID}`);
    expect(patch?.query).toBe('');
    expect(patch?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(patch?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(patch?.body ?? '')).toEqual({
      passwordProfile: { forceChangePasswordNextSignIn: false, password: NEW_PASSWORD },
    });
  });

  it("turns a password-policy refusal into DirectoryPasswordRejectedError with Graph's message", async () => {
    const server = await recorder(route(() => graphError(400, 'password-rejected')));
    const { directory } = adapter(server.url);

    const error = await caught(directory.resetPassword(ZOE_ID, NEW_PASSWORD));

    expect(error).toBeInstanceOf(DirectoryPasswordRejectedError);
    expect(error).toBeInstanceOf(DirectoryPermanentError);
    expect(error.name).toBe('DirectoryPasswordRejectedError');
    expect((error as DirectoryPasswordRejectedError).status).toBe(400);
    expect((error as DirectoryPasswordRejectedError).idpMessage).toBe(
      'The specified password does not comply with password complexity requirements. Please provide a different password.',
    );
    expect(error.message).not.toContain(NEW_PASSWORD);
  });

  it('names the permission and role a 403 on the reset lacks', async () => {
    const server = await recorder(route(() => graphError(403, 'forbidden')));
    const { directory } = adapter(server.url);

    const error = await caught(directory.resetPassword(ZOE_ID, NEW_PASSWORD));

    expect(error).toBeInstanceOf(DirectoryPermanentError);
    expect(error).not.toBeInstanceOf(DirectoryPasswordRejectedError);
    expect((error as DirectoryPermanentError).status).toBe(403);
    expect(error.message).toContain('Authorization_RequestDenied: Insufficient privileges');
    expect(error.message).toContain('User-PasswordProfile.ReadWrite.All');
    expect(error.message).toContain('User Administrator');
    expect(error.message).toContain('request-id 6f5e4d3c-2b1a-4098-8f7e-6d5c4b3a2918');
  });

  it('reports a reset of a user that is gone as permanent (404)', async () => {
    const server = await recorder(route(() => graphError(404, 'user-not-found')));
    const { directory } = adapter(server.url);

    const error = await caught(directory.resetPassword(ZOE_ID, NEW_PASSWORD));

    expect(error.name).toBe('DirectoryPermanentError');
    expect((error as DirectoryPermanentError).status).toBe(404);
  });
});

describe('EntraDirectory failures', () => {
  it('names User.Read.All when a read is forbidden', async () => {
    const server = await recorder(route(() => graphError(403, 'forbidden')));
    const { directory } = adapter(server.url);

    const error = await caught(directory.findByEmail('zoe.martin@contoso.example', { history: true }));

    expect(error.name).toBe('DirectoryPermanentError');
    expect((error as DirectoryPermanentError).status).toBe(403);
    expect(error.message).toContain('User.Read.All');
  });

  it('names RoleManagement.Read.Directory when the memberships are forbidden', async () => {
    const server = await recorder(
      route((req) => {
        if (req.path === '/v1.0/users') return ok(fixture('users-by-email'));
        if (req.path.endsWith('/manager')) return ok(fixture('manager'));
        return graphError(403, 'forbidden');
      }),
    );
    const { directory } = adapter(server.url);

    const error = await caught(directory.findByEmail('zoe.martin@contoso.example', { history: true }));

    expect(error.message).toContain('RoleManagement.Read.Directory');
  });

  it('passes a long 429 back as retryable with its Retry-After', async () => {
    const server = await recorder(route(() => graphError(429, 'throttled', { 'retry-after': '30' })));
    const { directory, sleeps } = adapter(server.url);

    const error = await caught(directory.getUser(ZOE_ID, { history: true }));

    expect(error).toBeInstanceOf(DirectoryRetryableError);
    expect(error.name).toBe('DirectoryRetryableError');
    expect((error as DirectoryRetryableError).retryAfterSeconds).toBe(30);
    expect(error.message).toContain('HTTP 429 TooManyRequests');
    expect(sleeps).toEqual([]);
  });

  it('waits out a short 429 once, then carries on', async () => {
    // Prepare
    let throttled = false;
    const server = await recorder((req, base) => {
      if (req.path === '/v1.0/users' && !throttled) {
        throttled = true;
        return graphError(429, 'throttled', { 'retry-after': '2' });
      }
      return zoeDirectory()(req, base);
    });
    const { directory, sleeps } = adapter(server.url);

    // Act
    const user = await directory.findByEmail('zoe.martin@contoso.example', { history: true });

    // Assess
    expect(user?.userId).toBe(ZOE_ID);
    expect(sleeps).toEqual([2000]);
    expect(server.graphRequests().filter((r) => r.path === '/v1.0/users')).toHaveLength(2);
  });

  it('treats 5xx as retryable', async () => {
    const server = await recorder(
      route(() => ({
        status: 503,
        body: { error: { code: 'serviceNotAvailable', message: 'Service unavailable' } },
      })),
    );
    const { directory } = adapter(server.url);

    const error = await caught(directory.getUser(ZOE_ID, { history: true }));

    expect(error.name).toBe('DirectoryRetryableError');
    expect(error.message).toContain('HTTP 503 serviceNotAvailable');
  });

  it('treats a timeout as retryable', async () => {
    const server = await recorder(route(() => 'hang'));
    const { directory } = adapter(server.url, { timeoutMs: 150 });

    const error = await caught(directory.getUser(ZOE_ID, { history: true }));

    expect(error.name).toBe('DirectoryRetryableError');
    expect(error.message).toContain('directory unreachable');
  });

  it('never puts the password, the client secret or the token in a message, even when Graph echoes them', async () => {
    // Prepare: a misbehaving Graph (and login endpoint) that echo the request and the credentials back
    const errors: Error[] = [];
    for (const status of [400, 403, 409, 429, 500]) {
      const server = await recorder(
        route((req) => ({
          status,
          body: {
            error: {
              code: 'Request_BadRequest',
              message: `Bad value: ${req.method === 'PATCH' ? `${NEW_PASSWORD} ` : ''}${CLIENT_SECRET} ${TOKEN}`,
            },
          },
        })),
      );
      const { directory } = adapter(server.url);
      errors.push(await caught(directory.resetPassword(ZOE_ID, NEW_PASSWORD)));
      errors.push(await caught(directory.getUser(ZOE_ID, { history: true })));
    }
    const login = await recorder(() => ({
      status: 400,
      body: { error: 'invalid_request', error_description: `Bad client_secret ${CLIENT_SECRET}` },
    }));
    errors.push(await caught(adapter(login.url).directory.resetPassword(ZOE_ID, NEW_PASSWORD)));

    // Assess
    expect(errors).toHaveLength(11);
    for (const error of errors) {
      expect(error.message).not.toContain(NEW_PASSWORD);
      expect(error.message).not.toContain(CLIENT_SECRET);
      expect(error.message).not.toContain(TOKEN);
      expect(error.message).toContain('[redacted]');
    }
  });
});
