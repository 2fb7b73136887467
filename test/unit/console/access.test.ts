/**
 * Authorisation on every console request (issue 12.5): the user as they are now (enabled, roles,
 * sessions ended), not as the token remembers them; and Cognito's global sign-out recorded so the
 * ID tokens it cannot revoke are refused.
 */
import {
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { CognitoConsoleUsers } from '../../../shared/adapters/cognito-users.js';
import type { Ctx } from '../../../shared/composition.js';
import type { ConsoleUserRecord } from '../../../shared/ports/console-users.js';
import { authorized, forgetUser, sessionEnded } from '../../../shared/use-cases/console/access.js';
import { auditedSignIns } from '../../../shared/use-cases/console/users.js';

const event = (iat: number) =>
  ({
    requestContext: { authorizer: { jwt: { claims: { iat: String(iat) } } } },
  }) as unknown as APIGatewayProxyEventV2;

function users(record: ConsoleUserRecord | undefined) {
  let current = record;
  let reads = 0;
  const ctx = {
    consoleUsers: {
      get: async () => {
        reads++;
        return current;
      },
    },
  } as unknown as Ctx<'consoleUsers'>;
  return {
    ctx,
    set: (r: ConsoleUserRecord | undefined) => {
      current = r;
      forgetUser('ed');
    },
    reads: () => reads,
  };
}

const ed: ConsoleUserRecord = { username: 'ed', roles: ['auditor'], enabled: true, status: 'CONFIRMED' };
const asAuditor = (iat = 1_800_000_000) => ({
  event: event(iat),
  principal: { username: 'ed', roles: ['auditor' as const] },
});

describe('authorized', () => {
  beforeEach(() => forgetUser('ed'));

  it('takes the roles the user has now, not the ones in the token', async () => {
    const u = users(ed);
    expect(await authorized(u.ctx, 'console-audit', asAuditor())).toEqual({
      username: 'ed',
      roles: ['auditor'],
    });
    u.set({ ...ed, roles: ['agent'] });
    await expect(authorized(u.ctx, 'console-audit', asAuditor())).rejects.toMatchObject({
      name: 'NotPermitted',
      code: 'FORBIDDEN',
    });
    expect(await authorized(u.ctx, 'console-list', asAuditor())).toEqual({
      username: 'ed',
      roles: ['agent'],
    });
  });

  it('refuses a disabled or removed user with 401', async () => {
    const u = users({ ...ed, enabled: false });
    await expect(authorized(u.ctx, 'console-list', asAuditor())).rejects.toMatchObject({
      name: 'Unauthenticated',
      code: 'USER_DISABLED',
    });
    u.set(undefined);
    await expect(authorized(u.ctx, 'console-list', asAuditor())).rejects.toMatchObject({
      name: 'Unauthenticated',
    });
  });

  it('refuses a token issued before (or in the second) the sessions were ended', async () => {
    const endedAt = '2027-01-15T08:00:00.500Z';
    const second = Math.floor(Date.parse(endedAt) / 1000);
    expect(sessionEnded(second - 60, endedAt)).toBe(true);
    expect(sessionEnded(second, endedAt)).toBe(true);
    expect(sessionEnded(second + 1, endedAt)).toBe(false);
    expect(sessionEnded(undefined, endedAt)).toBe(true);
    expect(sessionEnded(second - 60, undefined)).toBe(false);
    const u = users({ ...ed, sessionsEndedAt: endedAt });
    await expect(authorized(u.ctx, 'console-list', asAuditor(second - 1))).rejects.toMatchObject({
      name: 'Unauthenticated',
      code: 'SESSION_ENDED',
    });
    await expect(authorized(u.ctx, 'console-list', asAuditor(second + 5))).resolves.toMatchObject({
      username: 'ed',
    });
  });

  it('reuses a lookup for a few seconds, and forgets it when an admin changes the user', async () => {
    const u = users(ed);
    await authorized(u.ctx, 'console-list', asAuditor());
    await authorized(u.ctx, 'console-list', asAuditor());
    expect(u.reads()).toBe(1);
    u.set(ed);
    await authorized(u.ctx, 'console-list', asAuditor());
    expect(u.reads()).toBe(2);
  });
});

describe('CognitoConsoleUsers sessions', () => {
  const cognito = mockClient(CognitoIdentityProviderClient);
  const marks = new Map<string, string>();
  const adapter = new CognitoConsoleUsers(
    new CognitoIdentityProviderClient({ region: 'eu-west-1' }),
    'pool',
    {
      get: async (u) => marks.get(u),
      put: async (u, at) => {
        marks.set(u, at.toISOString());
      },
    },
  );

  beforeEach(() => {
    cognito.reset();
    marks.clear();
    cognito.on(AdminGetUserCommand).resolves({ Username: 'ed', Enabled: true, UserStatus: 'CONFIRMED' });
    cognito.on(AdminListGroupsForUserCommand).resolves({ Groups: [{ GroupName: 'auditor' }] });
    cognito.on(AdminUserGlobalSignOutCommand).resolves({});
  });

  it('signs the user out globally and records when, which every lookup then reports', async () => {
    await adapter.endSessions('ed', new Date('2027-01-15T08:00:00.000Z'));
    expect(cognito).toHaveReceivedCommandWith(AdminUserGlobalSignOutCommand, {
      UserPoolId: 'pool',
      Username: 'ed',
    });
    expect(await adapter.get('ed')).toMatchObject({
      username: 'ed',
      roles: ['auditor'],
      sessionsEndedAt: '2027-01-15T08:00:00.000Z',
    });
  });
});

describe('auditedSignIns', () => {
  it('records the name of a console user, and never what an unknown name was typed as', async () => {
    // Prepare
    const events: { actor: string; action: string }[] = [];
    const users = {
      verifyPassword: async (username: string, password: string) =>
        username === 'alice' && password === 'right' ? ['agent'] : undefined,
      get: async (username: string) => (username === 'alice' ? { username } : undefined),
    };
    const signIns = auditedSignIns(users, {
      appendAudit: async (e: { actor: string; action: string }) => {
        events.push({ actor: e.actor, action: e.action });
      },
    } as never);

    // Act: a success, a wrong password, and a password typed into the name field
    await signIns.verifyPassword('alice', 'right');
    await signIns.verifyPassword('alice', 'wrong');
    await signIns.verifyPassword('correct-horse.battery9', 'x');

    // Assess
    expect(events).toEqual([
      { actor: 'alice', action: 'console.signed_in' },
      { actor: 'alice', action: 'console.sign_in_failed' },
      { actor: '(unknown)', action: 'console.sign_in_failed' },
    ]);
  });
});
