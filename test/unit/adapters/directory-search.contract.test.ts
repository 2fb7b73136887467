/**
 * searchPeople ("Verify a caller") against the documented vendor requests, on the recorded-exchange
 * server: Microsoft Graph `GET /users` with `$search` (or `$filter=employeeId eq`), the
 * `ConsistencyLevel: eventual` header and `$count=true` that advanced queries need, `$top` and
 * `$select`; Okta `GET /api/v1/users?search=` with a SCIM filter (`sw` prefixes, `eq` on the
 * employee number) and `limit`. The memory directory's rule is checked here too.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EntraDirectory, USER_SELECT } from '../../../shared/adapters/directory/entra.js';
import { OktaDirectory } from '../../../shared/adapters/directory/okta.js';
import { searchExpression } from '../../../shared/adapters/directory/okta-mapping.js';
import { memoryContext } from '../../../shared/adapters/memory/context.js';
import { REPO_ROOT } from '../fixtures.js';
import { type Recorded, type Reply, recorder } from './recorder.js';

const fixture = (path: string): unknown =>
  JSON.parse(readFileSync(new URL(`test/events/${path}.json`, REPO_ROOT), 'utf8'));
const ok = (body: unknown): Reply => ({ status: 200, body });

const TENANT = 'contoso.example';
const TOKEN = (fixture('graph/token') as { access_token: string }).access_token;

async function graph() {
  const server = await recorder((req: Recorded) =>
    req.path.endsWith('/oauth2/v2.0/token') ? ok(fixture('graph/token')) : ok(fixture('graph/users-search')),
  );
  const directory = new EntraDirectory({
    tenantId: TENANT,
    credentials: async () => JSON.stringify({ clientId: 'client', clientSecret: 'Qx8~fake.secret' }),
    graphBaseUrl: `${server.url}/v1.0`,
    loginBaseUrl: server.url,
    timeoutMs: 2_000,
  });
  const graphRequests = () => server.requests.filter((r) => r.path.startsWith('/v1.0/'));
  return { directory, graphRequests };
}

async function okta(body: unknown = fixture('okta/users-search')) {
  const server = await recorder(() => ok(body));
  const directory = new OktaDirectory({
    orgUrl: server.url,
    credentials: async () => '00aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789-_fake',
    timeoutMs: 2_000,
  });
  return { directory, server };
}

describe('EntraDirectory.searchPeople', () => {
  it('searches displayName and mail with $search, ConsistencyLevel: eventual, $count, $top and $select; drops guests', async () => {
    // Prepare
    const { directory, graphRequests } = await graph();

    // Act
    const found = await directory.searchPeople('zoe mar', 10);

    // Assess
    const [req] = graphRequests();
    expect(graphRequests()).toHaveLength(1);
    expect(req?.method).toBe('GET');
    expect(req?.path).toBe('/v1.0/users');
    expect(req?.headers.consistencylevel).toBe('eventual');
    expect(req?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    const query = new URLSearchParams(req?.query);
    expect(query.get('$search')).toBe('"displayName:zoe mar" OR "mail:zoe mar"');
    expect(query.get('$count')).toBe('true');
    expect(query.get('$top')).toBe('10');
    expect(query.get('$select')).toBe(`${USER_SELECT},employeeId`);
    expect(query.has('$filter')).toBe(false);
    expect(found).toEqual([
      {
        userId: '4c7a2f9e-1b3d-4e5f-8a6b-7c8d9e0f1a2b',
        displayName: 'Zoë Martín',
        email: 'zoe.martin@contoso.example',
        mobilePhone: '+351 912 345 678',
        department: 'Finance',
        title: 'Financial Analyst',
        enabled: true,
        employeeId: 'E10442',
      },
    ]);
  });

  it('looks an employee ID up with $filter=employeeId eq (quotes doubled), still with the header', async () => {
    // Prepare
    const { directory, graphRequests } = await graph();

    // Act
    await directory.searchPeople('E10442', 5);

    // Assess
    const [req] = graphRequests();
    const query = new URLSearchParams(req?.query);
    expect(query.get('$filter')).toBe("employeeId eq 'E10442'");
    expect(query.has('$search')).toBe(false);
    expect(query.get('$top')).toBe('5');
    expect(req?.headers.consistencylevel).toBe('eventual');
  });

  it('sends nothing for a query that would break out of the literal', async () => {
    // Prepare
    const { directory, graphRequests } = await graph();

    // Act
    const found = await directory.searchPeople('zoe" OR "mail:a', 10);

    // Assess
    expect(found).toEqual([]);
    expect(graphRequests()).toHaveLength(0);
  });
});

describe('OktaDirectory.searchPeople', () => {
  it('searches with a SCIM filter on first name, last name and email (sw) and a limit', async () => {
    // Prepare
    const { directory, server } = await okta();

    // Act
    const found = await directory.searchPeople('Zoë', 10);

    // Assess
    const [req] = server.requests;
    expect(server.requests).toHaveLength(1);
    expect(req?.method).toBe('GET');
    expect(req?.path).toBe('/api/v1/users');
    expect(req?.headers.authorization).toMatch(/^SSWS /);
    const query = new URLSearchParams(req?.query);
    expect(query.get('search')).toBe(
      'profile.firstName sw "Zoë" or profile.lastName sw "Zoë" or profile.email sw "Zoë"',
    );
    expect(query.get('limit')).toBe('10');
    expect(found).toEqual([
      {
        userId: '00u1zoe4Hc8Wq2Rt50h8',
        displayName: 'Zoë Martín',
        email: 'zoe.martin@acme.example',
        mobilePhone: '+351 912 345 678',
        department: 'Finance',
        title: 'Financial Analyst',
        enabled: true,
        employeeId: 'E10442',
      },
    ]);
  });

  it('builds the filter for a full name, an address and an employee number', () => {
    expect(searchExpression('Zoe Martin')).toBe(
      'profile.firstName sw "Zoe" and profile.lastName sw "Martin"',
    );
    expect(searchExpression('zoe.martin@acme')).toBe(
      'profile.email sw "zoe.martin@acme" or profile.login sw "zoe.martin@acme"',
    );
    expect(searchExpression('E10442')).toBe('profile.employeeNumber eq "E10442"');
  });

  it('sends nothing for a query with a quote', async () => {
    // Prepare
    const { directory, server } = await okta();

    // Act
    const found = await directory.searchPeople('a" or status eq "ACTIVE', 10);

    // Assess
    expect(found).toEqual([]);
    expect(server.requests).toHaveLength(0);
  });
});

describe('MemoryDirectory.searchPeople (the table directory follows the same rule)', () => {
  it('matches word prefixes of the name (accents ignored), the start of the email or the user id', async () => {
    // Prepare
    const { directory } = memoryContext();
    const [someone] = await directory.sampleUsers(1, 'nobody');
    if (!someone) throw new Error('no people');
    const [first = '', last = ''] = someone.displayName.split(' ');

    // Act
    const byName = await directory.searchPeople(`${first.slice(0, 3)} ${last.slice(0, 2)}`, 10);
    const byEmail = await directory.searchPeople(someone.email.slice(0, 6).toUpperCase(), 10);
    const byId = await directory.searchPeople(someone.userId, 10);

    // Assess
    expect(byName.map((p) => p.userId)).toContain(someone.userId);
    expect(byEmail.map((p) => p.userId)).toContain(someone.userId);
    expect(byId.map((p) => p.userId)).toEqual([someone.userId]);
    expect(await directory.searchPeople('zzzzqq', 10)).toEqual([]);
  });
});
