/**
 * OktaDirectory against recorded Okta Management API exchanges: a local server replays the
 * documented responses (test/events/okta) and records every request, so these tests pin what is sent
 * (method, path, query, headers, body) and how the answers are mapped.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DirectoryPasswordRejectedError,
  DirectoryPermanentError,
  DirectoryRetryableError,
} from '../../../shared/adapters/directory/errors.js';
import { LOG_EVENT_TYPES, nextLink, OktaDirectory } from '../../../shared/adapters/directory/okta.js';
import { REPO_ROOT } from '../fixtures.js';
import { caught, type Recorded, type Reply, recorder as record } from './recorder.js';

const API_TOKEN = '00aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789-_fake';
const ZOE_ID = '00u1zoe4Hc8Wq2Rt50h8';
const MANAGER_ID = '00u1mgr7Qx2Lk9Pz40h8';
const NEW_PASSWORD = 'Tr0ub4dor&3-horse-staple';
const NOW = 1_772_442_000_000; // 2026-03-02T09:00:00Z
const LOGS_PATH = '/api/v1/logs';

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`test/events/okta/${name}.json`, REPO_ROOT), 'utf8'));
}

/** Answers from the query and the server's base URL, with Okta's rate-limit headers on every reply. */
const recorder = (answer: (req: Recorded, query: URLSearchParams, base: string) => Reply | 'hang') =>
  record(
    (req, { query, base }) => answer(req, query, base),
    () => ({
      'x-rate-limit-limit': '600',
      'x-rate-limit-remaining': '599',
      'x-rate-limit-reset': String(Math.floor(NOW / 1000) + 60),
    }),
  );

const ok = (body: unknown, headers?: Record<string, string>): Reply => ({ status: 200, body, headers });
const oktaError = (status: number, name: string, headers?: Record<string, string>): Reply => ({
  status,
  body: fixture(name),
  headers,
});

/** Zoë found by email, with the given roles and System Log; groups (page 1, page 2 via Link). */
function zoeOrg(roles = 'roles-none', logs: () => Reply | 'hang' = () => ok(fixture('logs-empty'))) {
  return (req: Recorded, query: URLSearchParams, base: string): Reply | 'hang' => {
    if (req.path === LOGS_PATH) return logs();
    if (req.path === '/api/v1/users' && query.has('search')) return ok(fixture('users-search'));
    if (req.path === `/api/v1/users/${ZOE_ID}`) return ok(fixture('user'));
    if (req.path === `/api/v1/users/${ZOE_ID}/roles`) return ok(fixture(roles));
    if (req.path === `/api/v1/users/${ZOE_ID}/groups`) {
      return query.has('after')
        ? ok(fixture('groups-page2'))
        : ok(fixture('groups-page1'), {
            link: `<${base}/api/v1/users/${ZOE_ID}/groups?limit=200>; rel="self", <${base}/api/v1/users/${ZOE_ID}/groups?after=00g1finance00000000h8&limit=200>; rel="next"`,
          });
    }
    return oktaError(404, 'not-found');
  };
}

function adapter(url: string, options: Partial<ConstructorParameters<typeof OktaDirectory>[0]> = {}) {
  const sleeps: number[] = [];
  const warnings: { message: string; details: Record<string, unknown> }[] = [];
  const directory = new OktaDirectory({
    orgUrl: `${url}/`,
    credentials: async () => API_TOKEN,
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

const ZOE = {
  userId: ZOE_ID,
  displayName: 'Zoë Martín',
  givenName: 'Zoë',
  email: 'zoe.martin@acme.example',
  mobilePhone: '+351 912 345 678',
  department: 'Finance',
  title: 'Financial Analyst',
  office: 'Lisbon',
  country: 'PT',
  managerId: MANAGER_ID,
  startDate: '',
  privileged: false,
  enabled: true,
  lastPasswordResetAt: '2026-01-12T08:41:07.000Z',
  recentFailedRecoveries: 0,
};

describe('OktaDirectory requests and mapping', () => {
  it('searches by email or login with SSWS, then reads the admin roles and the System Log', async () => {
    // Prepare
    const server = await recorder(zoeOrg());
    const { directory } = adapter(server.url);

    // Act
    const user = await directory.findByEmail('Zoe.Martin@acme.example', { history: true });

    // Assess
    expect(server.requests).toHaveLength(3);
    const [search] = server.requests;
    const roles = server.requests.find((r) => r.path.endsWith('/roles'));
    expect(search?.method).toBe('GET');
    expect(search?.path).toBe('/api/v1/users');
    expect(search?.query).toBe(
      'search=profile.email%20eq%20%22Zoe.Martin%40acme.example%22%20or%20profile.login%20eq%20%22Zoe.Martin%40acme.example%22&limit=10',
    );
    expect(new URLSearchParams(search?.query).get('search')).toBe(
      'profile.email eq "Zoe.Martin@acme.example" or profile.login eq "Zoe.Martin@acme.example"',
    );
    expect(roles?.method).toBe('GET');
    expect(roles?.path).toBe(`/api/v1/users/${ZOE_ID}/roles`);
    expect(roles?.query).toBe('');
    expect(server.requests.filter((r) => r.path === LOGS_PATH)).toHaveLength(1);
    for (const req of server.requests) {
      expect(req.headers.authorization).toBe(`SSWS ${API_TOKEN}`);
      expect(req.headers.accept).toBe('application/json');
      expect(req.headers['content-type']).toBeUndefined();
      expect(req.body).toBe('');
    }
    expect(user).toEqual(ZOE);
  });

  it('reads the start date and office from configured profile attributes', async () => {
    const server = await recorder(zoeOrg());
    const { directory } = adapter(server.url, {
      startDateAttribute: 'hireDate',
      officeAttribute: 'department',
    });

    const user = await directory.findByEmail('zoe.martin@acme.example', { history: true });

    expect(user?.startDate).toBe('2019-03-04');
    expect(user?.office).toBe('Finance');
  });

  it('answers undefined when nobody matches, and never sends an address that would break the search', async () => {
    const server = await recorder(() => ok(fixture('users-empty')));
    const { directory } = adapter(server.url);

    const nobody = await directory.findByEmail('nobody@acme.example', { history: true });
    const injected = await directory.findByEmail('x" or profile.email sw "a', { history: true });

    expect(nobody).toBeUndefined();
    expect(injected).toBeUndefined();
    expect(server.requests).toHaveLength(1);
  });

  it('reads a user by id; a 404 is undefined', async () => {
    const server = await recorder(() => oktaError(404, 'not-found'));
    const { directory } = adapter(server.url);

    const user = await directory.getUser('00u1gone0000000000000', { history: true });

    expect(user).toBeUndefined();
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /api/v1/users/00u1gone0000000000000',
    ]);
  });

  it('resolves a manager id that is an employee number through profile.employeeNumber', async () => {
    // Prepare
    const server = await recorder((req) => {
      if (req.path === '/api/v1/users') return ok(fixture('users-by-employee-number'));
      if (req.path === `/api/v1/users/${MANAGER_ID}/roles`) return ok(fixture('roles-none'));
      if (req.path === LOGS_PATH) return ok(fixture('logs-empty'));
      return oktaError(404, 'not-found');
    });
    const { directory } = adapter(server.url);

    // Act
    const manager = await directory.getUser('E00017', { history: true });

    // Assess
    expect(new URLSearchParams(server.requests[0]?.query).get('search')).toBe(
      'profile.employeeNumber eq "E00017"',
    );
    expect(server.requests[0]?.query).toContain('&limit=2');
    expect(manager?.userId).toBe(MANAGER_ID);
    expect(manager?.displayName).toBe('Rui Almeida');
  });

  it('maps a SUSPENDED user as disabled, without a password change date', async () => {
    const id = '00u1tom9Lm3Xy6Zb70h8';
    const server = await recorder((req) => {
      if (req.path.endsWith('/roles')) return ok(fixture('roles-none'));
      return req.path === LOGS_PATH ? ok(fixture('logs-empty')) : ok(fixture('user-suspended'));
    });
    const { directory } = adapter(server.url);

    const user = await directory.getUser(id, { history: true });

    expect(user).toEqual({
      userId: id,
      displayName: 'Tomás Ferreira',
      givenName: 'Tomás',
      email: 'tomas.ferreira@acme.example',
      department: 'Sales',
      title: 'Account Executive',
      office: 'Porto',
      country: 'PT',
      startDate: '',
      privileged: false,
      enabled: false,
      recentFailedRecoveries: 0,
    });
  });

  it('keeps a LOCKED_OUT user enabled: locked out is why people call', async () => {
    const server = await recorder((req) =>
      req.path.endsWith('/roles') ? ok(fixture('roles-none')) : ok(fixture('user-locked-out')),
    );
    const { directory } = adapter(server.url);

    const user = await directory.getUser('00u1lok2Bv5Nc8Qw30h8', { history: true });

    expect(user?.enabled).toBe(true);
  });
});

describe('OktaDirectory privileged detection', () => {
  it('flags anyone with an admin role', async () => {
    const server = await recorder(zoeOrg('roles-super-admin'));
    const { directory } = adapter(server.url);

    const user = await directory.findByEmail('zoe.martin@acme.example', { history: true });

    expect(user?.privileged).toBe(true);
  });

  it('follows the Link header through the groups and flags a configured privileged group', async () => {
    // Prepare
    const server = await recorder(zoeOrg());
    const { directory } = adapter(server.url, { privilegedGroupIds: ['00g1tier0admins0000h8'] });

    // Act
    const user = await directory.getUser(ZOE_ID, { history: true });

    // Assess
    const groups = server.requests.filter((r) => r.path.endsWith('/groups'));
    expect(groups.map((r) => r.query)).toEqual(['limit=200', 'after=00g1finance00000000h8&limit=200']);
    expect(groups[1]?.headers.authorization).toBe(`SSWS ${API_TOKEN}`);
    expect(user?.privileged).toBe(true);
  });

  it('does not flag a member of other groups, and reads no groups when none are configured', async () => {
    const server = await recorder(zoeOrg());

    const withGroups = await adapter(server.url, {
      privilegedGroupIds: ['00g1other0000000000h8'],
    }).directory.getUser(ZOE_ID, { history: true });
    const before = server.requests.length;
    const withoutGroups = await adapter(server.url).directory.getUser(ZOE_ID, { history: true });

    expect(withGroups?.privileged).toBe(false);
    expect(withoutGroups?.privileged).toBe(false);
    expect(
      server.requests
        .slice(before)
        .map((r) => r.path)
        .sort(),
    ).toEqual([LOGS_PATH, `/api/v1/users/${ZOE_ID}`, `/api/v1/users/${ZOE_ID}/roles`]);
  });

  it('never follows a Link to another host', async () => {
    const server = await recorder((req, query) => {
      if (req.path.endsWith('/groups'))
        return ok(fixture('groups-page1'), {
          link: `<https://acme.okta.com/api/v1/users/${ZOE_ID}/groups?after=x&limit=200>; rel="next"`,
        });
      return zoeOrg()(req, query, '');
    });
    const { directory } = adapter(server.url, { privilegedGroupIds: ['00g1tier0admins0000h8'] });

    const user = await directory.getUser(ZOE_ID, { history: true });

    expect(server.requests.filter((r) => r.path.endsWith('/groups'))).toHaveLength(1);
    expect(user?.privileged).toBe(false);
  });
});

describe('OktaDirectory persona history (System Log)', () => {
  const ZOE_HISTORY = { contactChangedAt: '2026-02-27T18:04:12.088Z', recentFailedRecoveries: 2 };
  const { recentFailedRecoveries: _, ...ZOE_WITHOUT_HISTORY } = ZOE;

  it('reads one bounded page of the System Log: Zoë as target, the last 30 days, newest first, the events that matter', async () => {
    // Prepare
    const server = await recorder(zoeOrg('roles-none', () => ok(fixture('logs-zoe'))));
    const { directory, warnings } = adapter(server.url);

    // Act
    const user = await directory.findByEmail('zoe.martin@acme.example', { history: true });

    // Assess
    const logs = server.requests.filter((r) => r.path === LOGS_PATH);
    expect(logs).toHaveLength(1);
    expect(logs[0]?.method).toBe('GET');
    expect(logs[0]?.headers.authorization).toBe(`SSWS ${API_TOKEN}`);
    expect(logs[0]?.query).not.toContain('+');
    const query = new URLSearchParams(logs[0]?.query);
    expect(Object.fromEntries(query)).toEqual({
      since: '2026-01-31T09:00:00Z',
      until: '2026-03-02T09:00:00Z',
      filter:
        `target.id eq "${ZOE_ID}" and (` +
        'eventType eq "user.account.update_primary_email" or eventType eq "user.account.update_secondary_email" or ' +
        'eventType eq "user.mfa.factor.activate" or eventType eq "user.mfa.factor.update" or ' +
        'eventType eq "user.mfa.factor.deactivate" or eventType eq "user.mfa.factor.reset_all" or ' +
        'eventType eq "user.account.update_profile" or eventType eq "user.account.reset_password" or ' +
        'eventType eq "user.account.unlock" or eventType eq "user.account.unlock_failure")',
      sortOrder: 'DESCENDING',
      limit: '100',
    });
    expect(LOG_EVENT_TYPES).not.toContain('system.sms.send_factor_verify_message');
    // An SMS factor enrolled on 27 Feb is the latest contact change (the 1 Mar profile update changed
    // only the title); a failed reset (two events, one transaction) and a failed unlock: two failures.
    expect(user).toEqual({ ...ZOE, ...ZOE_HISTORY });
    expect(warnings).toEqual([]);
  });

  it('maps an empty log to no change and zero failed recoveries', async () => {
    const server = await recorder(zoeOrg());
    const { directory } = adapter(server.url);

    const user = await directory.getUser(ZOE_ID, { history: true });

    expect(server.requests.filter((r) => r.path === LOGS_PATH)).toHaveLength(1);
    expect(user).toEqual(ZOE);
  });

  it('ignores a code being sent, a failed factor change and a profile update that does not say what changed', async () => {
    // Prepare
    const event = (eventType: string, published: string, extra: object = {}) => ({
      uuid: `uuid-${published}`,
      published,
      eventType,
      outcome: { result: 'SUCCESS' },
      transaction: { type: 'WEB', id: `tx-${published}` },
      target: [{ id: ZOE_ID, type: 'User' }],
      ...extra,
    });
    const events = [
      event('system.sms.send_factor_verify_message', '2026-03-01T12:00:00.000Z'),
      event('user.mfa.factor.update', '2026-03-01T11:00:00.000Z', { outcome: { result: 'FAILURE' } }),
      event('user.account.update_profile', '2026-03-01T10:00:00.000Z'),
      event('user.account.update_profile', '2026-02-25T10:00:00.000Z', {
        debugContext: { debugData: { changedAttributes: 'title, secondEmail' } },
      }),
    ];
    const server = await recorder(zoeOrg('roles-none', () => ok(events)));
    const { directory } = adapter(server.url);

    // Act
    const user = await directory.getUser(ZOE_ID, { history: true });

    // Assess: only the update that listed secondEmail among its changed attributes counts
    expect(user?.contactChangedAt).toBe('2026-02-25T10:00:00.000Z');
    expect(user?.recentFailedRecoveries).toBe(0);
  });

  it('reads the System Log only when asked (scoring), not for every lookup', async () => {
    const server = await recorder(zoeOrg('roles-none', () => ok(fixture('logs-zoe'))));
    const { directory } = adapter(server.url, { now: () => NOW });

    const plain = await directory.getUser(ZOE_ID);
    await directory.findByEmail('zoe.martin@acme.example');

    expect(server.requests.filter((r) => r.path === LOGS_PATH)).toHaveLength(0);
    expect(plain?.recentFailedRecoveries).toBeUndefined();
  });

  it('reuses the history for a minute: the lookups of one verification read the log once', async () => {
    // Prepare
    const clock = { now: NOW };
    const server = await recorder(zoeOrg('roles-none', () => ok(fixture('logs-zoe'))));
    const { directory } = adapter(server.url, { now: () => clock.now });

    // Act
    await directory.getUser(ZOE_ID, { history: true });
    clock.now += 59_000;
    const second = await directory.findByEmail('zoe.martin@acme.example', { history: true });
    const withinMinute = server.requests.filter((r) => r.path === LOGS_PATH).length;
    clock.now += 2_000;
    await directory.getUser(ZOE_ID, { history: true });

    // Assess
    expect(withinMinute).toBe(1);
    expect(server.requests.filter((r) => r.path === LOGS_PATH)).toHaveLength(2);
    expect(second?.recentFailedRecoveries).toBe(2);
  });

  it('without permission to read the System Log (403) leaves the fields undefined, warns once without personal data', async () => {
    // Prepare
    const server = await recorder(zoeOrg('roles-none', () => oktaError(403, 'forbidden')));
    const { directory, warnings } = adapter(server.url);

    // Act
    const first = await directory.findByEmail('zoe.martin@acme.example', { history: true });
    const second = await directory.getUser(ZOE_ID, { history: true });

    // Assess
    expect(first).toEqual(ZOE_WITHOUT_HISTORY);
    expect(second).toEqual(ZOE_WITHOUT_HISTORY);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toContain('okta.logs.read');
    expect(warnings[0]?.details).toEqual({ status: 403 });
    expectNoPersonalData(warnings);
  });

  it('waits out a 429 on the log whose window resets within seconds, once, then reads it', async () => {
    // Prepare
    let limited = false;
    const server = await recorder(
      zoeOrg('roles-none', () => {
        if (limited) return ok(fixture('logs-zoe'));
        limited = true;
        return oktaError(429, 'rate-limited', {
          'x-rate-limit-remaining': '0',
          'x-rate-limit-reset': String(NOW / 1000 + 2),
        });
      }),
    );
    const { directory, sleeps, warnings } = adapter(server.url);

    // Act
    const user = await directory.getUser(ZOE_ID, { history: true });

    // Assess
    expect(sleeps).toEqual([2000]);
    expect(server.requests.filter((r) => r.path === LOGS_PATH)).toHaveLength(2);
    expect(user).toEqual({ ...ZOE, ...ZOE_HISTORY });
    expect(warnings).toEqual([]);
  });

  it('skips the history on a 429 with a long window, with a warning each time, and still answers', async () => {
    // Prepare
    const server = await recorder(
      zoeOrg('roles-none', () =>
        oktaError(429, 'rate-limited', {
          'x-rate-limit-remaining': '0',
          'x-rate-limit-reset': String(NOW / 1000 + 45),
        }),
      ),
    );
    const { directory, sleeps, warnings } = adapter(server.url);

    // Act
    const first = await directory.getUser(ZOE_ID, { history: true });
    const second = await directory.getUser(ZOE_ID, { history: true });

    // Assess
    expect(sleeps).toEqual([]);
    expect(first).toEqual(ZOE_WITHOUT_HISTORY);
    expect(second).toEqual(ZOE_WITHOUT_HISTORY);
    expect(warnings.map((w) => w.details)).toEqual([
      { error: 'DirectoryRetryableError', retryAfterSeconds: 45 },
      { error: 'DirectoryRetryableError', retryAfterSeconds: 45 },
    ]);
    expectNoPersonalData(warnings);
  });
});

/** Warnings carry no id, name, address or number of the person looked up. */
function expectNoPersonalData(warnings: unknown[]) {
  const text = JSON.stringify(warnings);
  for (const personal of [ZOE_ID, 'Zoë', 'zoe.martin', '+351', '912 345']) {
    expect(text).not.toContain(personal);
  }
}

describe('OktaDirectory sampleUsers', () => {
  it('reads ACTIVE users one page at a time, the next page only when too few were usable', async () => {
    // Prepare
    const server = await recorder((_req, query, base) =>
      query.has('after')
        ? ok(fixture('users-active-page2'))
        : ok(fixture('users-active-page1'), {
            link: `<${base}/api/v1/users?filter=status+eq+%22ACTIVE%22&limit=100>; rel="self", <${base}/api/v1/users?after=00u1ben0000000000000&filter=status+eq+%22ACTIVE%22&limit=100>; rel="next"`,
          }),
    );
    const { directory } = adapter(server.url);

    // Act
    const sample = await directory.sampleUsers(3, ZOE_ID);

    // Assess: two pages of users and nothing else (decoys never cost a System Log read each)
    expect(server.requests.map((r) => `${r.method} ${r.path}?${r.query}`)).toEqual([
      'GET /api/v1/users?filter=status%20eq%20%22ACTIVE%22&limit=100',
      'GET /api/v1/users?after=00u1ben0000000000000&filter=status+eq+%22ACTIVE%22&limit=100',
    ]);
    expect(new URLSearchParams(server.requests[0]?.query).get('filter')).toBe('status eq "ACTIVE"');
    expect(sample).toHaveLength(3);
    expect(sample.map((u) => u.userId)).not.toContain(ZOE_ID);
    expect(sample.every((u) => u.privileged === false && u.enabled)).toBe(true);
  });

  it('stops at one page when it holds enough people', async () => {
    const server = await recorder(() => ok(fixture('users-active-page1')));
    const { directory } = adapter(server.url);

    const sample = await directory.sampleUsers(2, ZOE_ID);

    expect(server.requests).toHaveLength(1);
    expect(sample.map((u) => u.displayName).sort()).toEqual(['Ana Sousa', 'Ben Okafor']);
  });
});

describe('OktaDirectory resetPassword', () => {
  it('sets the password with a partial-update POST of credentials.password.value', async () => {
    // Prepare
    const server = await recorder(() => ok(fixture('set-password')));
    const { directory } = adapter(server.url);

    // Act
    await directory.resetPassword(ZOE_ID, NEW_PASSWORD);

    // Assess
    expect(server.requests).toHaveLength(1);
    const [post] = server.requests;
    expect(post?.method).toBe('POST');
    expect(post?.path).toBe(`/api/v1/users/${ZOE_ID}`);
    expect(post?.query).toBe('');
    expect(post?.headers.authorization).toBe(`SSWS ${API_TOKEN}`);
    expect(post?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(post?.body ?? '')).toEqual({ credentials: { password: { value: NEW_PASSWORD } } });
  });

  it("turns a password-policy refusal into DirectoryPasswordRejectedError with Okta's causes", async () => {
    const server = await recorder(() => oktaError(400, 'password-rejected'));
    const { directory } = adapter(server.url);

    const error = await caught(directory.resetPassword(ZOE_ID, NEW_PASSWORD));

    expect(error).toBeInstanceOf(DirectoryPasswordRejectedError);
    expect(error.name).toBe('DirectoryPasswordRejectedError');
    expect((error as DirectoryPasswordRejectedError).status).toBe(400);
    expect((error as DirectoryPasswordRejectedError).idpMessage).toBe(
      'Password requirements were not met. Password requirements: at least 12 characters, a lowercase letter, an uppercase letter, a number, no parts of your username. Your password cannot be any of your last 4 passwords.',
    );
    expect(error.message).toContain('Okta refused the new password');
    expect(error.message).not.toContain(NEW_PASSWORD);
  });

  it('recognises the complexity error (E0000080) and a history refusal (E0000014)', async () => {
    const complexity = await recorder(() => ({
      status: 400,
      body: {
        errorCode: 'E0000080',
        errorSummary:
          'The password does not meet the complexity requirements of the current password policy.',
        errorLink: 'E0000080',
        errorId: 'oae1',
        errorCauses: [],
      },
    }));
    const history = await recorder(() => ({
      status: 403,
      body: {
        errorCode: 'E0000014',
        errorSummary: 'Update of credentials failed',
        errorLink: 'E0000014',
        errorId: 'oae2',
        errorCauses: [{ errorSummary: 'Password has been used too recently' }],
      },
    }));

    const a = await caught(adapter(complexity.url).directory.resetPassword(ZOE_ID, NEW_PASSWORD));
    const b = await caught(adapter(history.url).directory.resetPassword(ZOE_ID, NEW_PASSWORD));

    expect((a as DirectoryPasswordRejectedError).idpMessage).toBe(
      'The password does not meet the complexity requirements of the current password policy.',
    );
    expect((b as DirectoryPasswordRejectedError).idpMessage).toBe('Password has been used too recently');
  });

  it('names what the token admin lacks when the reset is forbidden', async () => {
    const server = await recorder(() => oktaError(403, 'forbidden'));
    const { directory } = adapter(server.url);

    const error = await caught(directory.resetPassword(ZOE_ID, NEW_PASSWORD));

    expect(error).toBeInstanceOf(DirectoryPermanentError);
    expect(error).not.toBeInstanceOf(DirectoryPasswordRejectedError);
    expect((error as DirectoryPermanentError).status).toBe(403);
    expect(error.message).toContain('E0000006 You do not have permission to perform the requested action');
    expect(error.message).toContain('okta.users.manage');
    expect(error.message).toContain('Organization Administrator');
    expect(error.message).toContain('errorId oaeZ9x8C7v6B5n4M3a2S1d0Fg');
  });
});

describe('OktaDirectory failures', () => {
  it('names okta.roles.read when the roles are forbidden', async () => {
    const server = await recorder((req, query, base) =>
      req.path.endsWith('/roles') ? oktaError(403, 'forbidden') : zoeOrg()(req, query, base),
    );
    const { directory } = adapter(server.url);

    const error = await caught(directory.findByEmail('zoe.martin@acme.example', { history: true }));

    expect(error.name).toBe('DirectoryPermanentError');
    expect(error.message).toContain('okta.roles.read');
  });

  it('reports a refused API token (401) as permanent, saying tokens expire', async () => {
    const server = await recorder(() => oktaError(401, 'invalid-token'));
    const { directory } = adapter(server.url);

    const error = await caught(directory.getUser(ZOE_ID, { history: true }));

    expect(error.name).toBe('DirectoryPermanentError');
    expect((error as DirectoryPermanentError).status).toBe(401);
    expect(error.message).toContain('E0000011 Invalid token provided');
    expect(error.message).toContain('30 days');
    expect(server.requests).toHaveLength(1);
  });

  it('passes a 429 back as retryable with the seconds until X-Rate-Limit-Reset', async () => {
    const server = await recorder(() =>
      oktaError(429, 'rate-limited', {
        'x-rate-limit-remaining': '0',
        'x-rate-limit-reset': String(NOW / 1000 + 42),
      }),
    );
    const { directory, sleeps } = adapter(server.url);

    const error = await caught(directory.getUser(ZOE_ID, { history: true }));

    expect(error).toBeInstanceOf(DirectoryRetryableError);
    expect(error.name).toBe('DirectoryRetryableError');
    expect((error as DirectoryRetryableError).retryAfterSeconds).toBe(42);
    expect(error.message).toContain('E0000047');
    expect(sleeps).toEqual([]);
  });

  it('waits out a 429 whose window resets within seconds, once', async () => {
    // Prepare
    let limited = false;
    const server = await recorder((req, query, base) => {
      if (!limited) {
        limited = true;
        return oktaError(429, 'rate-limited', { 'x-rate-limit-reset': String(NOW / 1000 + 3) });
      }
      return zoeOrg()(req, query, base);
    });
    const { directory, sleeps } = adapter(server.url);

    // Act
    const user = await directory.getUser(ZOE_ID, { history: true });

    // Assess
    expect(user?.userId).toBe(ZOE_ID);
    expect(sleeps).toEqual([3000]);
  });

  it('treats 5xx and timeouts as retryable', async () => {
    const failing = await recorder(() => ({
      status: 500,
      body: {
        errorCode: 'E0000009',
        errorSummary: 'Internal Server Error',
        errorLink: 'E0000009',
        errorId: 'oae3',
        errorCauses: [],
      },
    }));
    const hanging = await recorder(() => 'hang');

    const a = await caught(adapter(failing.url).directory.getUser(ZOE_ID, { history: true }));
    const b = await caught(
      adapter(hanging.url, { timeoutMs: 150 }).directory.getUser(ZOE_ID, { history: true }),
    );

    expect(a.name).toBe('DirectoryRetryableError');
    expect(a.message).toContain('HTTP 500 E0000009');
    expect((a as DirectoryRetryableError).retryAfterSeconds).toBeUndefined();
    expect(b.name).toBe('DirectoryRetryableError');
    expect(b.message).toContain('directory unreachable');
  });

  it('accepts a token stored with its SSWS prefix, and refuses an empty one without calling Okta', async () => {
    const server = await recorder(zoeOrg());

    await adapter(server.url, { credentials: async () => `SSWS ${API_TOKEN}\n` }).directory.getUser(ZOE_ID, {
      history: true,
    });
    const error = await caught(
      adapter(server.url, { credentials: async () => ' ' }).directory.getUser(ZOE_ID, { history: true }),
    );

    expect(server.requests[0]?.headers.authorization).toBe(`SSWS ${API_TOKEN}`);
    expect(server.requests).toHaveLength(3);
    expect(error).toBeInstanceOf(DirectoryPermanentError);
  });

  it('never puts the password or the token in a message, even when Okta echoes them', async () => {
    // Prepare
    const errors: Error[] = [];
    for (const status of [400, 403, 429, 500]) {
      const server = await recorder((req) => ({
        status,
        body: {
          errorCode: 'E0000001',
          errorSummary: `Api validation failed: ${req.method === 'POST' ? NEW_PASSWORD : ''} ${API_TOKEN}`,
          errorLink: 'E0000001',
          errorId: 'oae4',
          errorCauses: [
            { errorSummary: `password: ${req.method === 'POST' ? NEW_PASSWORD : 'x'} ${API_TOKEN}` },
          ],
        },
        headers: { 'x-rate-limit-reset': String(NOW / 1000 + 600) },
      }));
      const { directory } = adapter(server.url);
      errors.push(await caught(directory.resetPassword(ZOE_ID, NEW_PASSWORD)));
      errors.push(await caught(directory.getUser(ZOE_ID, { history: true })));
    }

    // Assess
    expect(errors).toHaveLength(8);
    for (const error of errors) {
      expect(error.message).not.toContain(NEW_PASSWORD);
      expect(error.message).not.toContain(API_TOKEN);
      expect(error.message).toContain('[redacted]');
      if (error instanceof DirectoryPasswordRejectedError) {
        expect(error.idpMessage).not.toContain(NEW_PASSWORD);
      }
    }
  });
});

describe('nextLink', () => {
  it('finds rel="next" among several links', () => {
    expect(
      nextLink(
        '<https://acme.okta.com/api/v1/users?limit=2>; rel="self", <https://acme.okta.com/api/v1/users?after=00u2&limit=2>; rel="next"',
      ),
    ).toBe('https://acme.okta.com/api/v1/users?after=00u2&limit=2');
    expect(nextLink('<https://acme.okta.com/api/v1/users?limit=2>; rel="self"')).toBeUndefined();
    expect(nextLink(null)).toBeUndefined();
  });
});
