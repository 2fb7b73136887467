/**
 * Console users and roles (admin, primary course): list, invite with roles, change roles, disable.
 * Cognito in AWS, the table locally (the local issuer signs them in). An admin cannot take away
 * their own admin role or disable themselves (the console would lose its last way in). Every
 * change is an audit event.
 */

import type { ConsoleUserView, CreatedUser } from '../../console-api/users.js';
import { NotFound, StateConflict } from '../../domain/errors.js';
import type { Principal, Role } from '../../domain/model/principal.js';
import type { AuditLog } from '../../ports/audit-log.js';
import type { ConsoleUserRecord } from '../../ports/console-users.js';
import type { Ctx } from '../../ports/context.js';
import { forgetUser } from './access.js';

const view = (u: ConsoleUserRecord): ConsoleUserView => ({
  username: u.username,
  ...(u.email ? { email: u.email } : {}),
  roles: u.roles,
  enabled: u.enabled,
  status: u.status,
  ...(u.createdAt ? { createdAt: u.createdAt } : {}),
  ...(u.sessionsEndedAt ? { sessionsEndedAt: u.sessionsEndedAt } : {}),
});

export async function listUsers(ctx: Ctx<'consoleUsers'>): Promise<{ items: ConsoleUserView[] }> {
  return { items: (await ctx.consoleUsers.list()).map(view) };
}

export async function createUser(
  ctx: Ctx<'consoleUsers' | 'audit'>,
  input: { username: string; email: string; roles: Role[] },
  principal: Principal,
): Promise<CreatedUser> {
  const created = await ctx.consoleUsers.create(input);
  await ctx.audit.appendAudit({
    actor: principal.username,
    action: 'user.created',
    at: ctx.clock.now().toISOString(),
    details: { username: input.username, roles: [...new Set(input.roles)].sort().join(',') },
  });
  return {
    user: view(created.user),
    ...(created.temporaryPassword ? { temporaryPassword: created.temporaryPassword } : {}),
  };
}

export async function updateUser(
  ctx: Ctx<'consoleUsers' | 'audit'>,
  username: string,
  patch: { roles?: Role[]; enabled?: boolean; endSessions?: true },
  principal: Principal,
): Promise<ConsoleUserView> {
  if (
    username === principal.username &&
    (patch.enabled === false || (patch.roles && !patch.roles.includes('admin')))
  )
    throw new StateConflict(
      'CANNOT_CHANGE_OWN_ACCESS',
      'Ask another admin to remove your admin role or disable you',
    );
  const before = await ctx.consoleUsers.get(username);
  if (!before) throw new NotFound('USER_NOT_FOUND', 'No such console user');
  const { endSessions, ...change } = patch;
  let user = before;
  if (change.roles !== undefined || change.enabled !== undefined)
    user = await ctx.consoleUsers.update(username, change);
  const now = ctx.clock.now();
  // Disabling ends the sessions too: re-enabling later must not bring old tokens back.
  if (endSessions || change.enabled === false) {
    await ctx.consoleUsers.endSessions(username, now);
    user = { ...user, sessionsEndedAt: now.toISOString() };
  }
  // This process refuses the old powers at once; other warm functions within seconds.
  forgetUser(username);
  await ctx.audit.appendAudit({
    actor: principal.username,
    action: 'user.updated',
    at: now.toISOString(),
    details: {
      username,
      ...(change.roles
        ? {
            roles: [...new Set(change.roles)].sort().join(','),
            rolesBefore: [...before.roles].sort().join(','),
          }
        : {}),
      ...(change.enabled !== undefined ? { enabled: change.enabled, enabledBefore: before.enabled } : {}),
      ...(endSessions || change.enabled === false ? { sessionsEnded: true } : {}),
    },
  });
  return view(user);
}

/**
 * Sign-ins to the local issuer, audited: `console.signed_in`, or `console.sign_in_failed` (an
 * unknown name is recorded as `(unknown)`, never as typed; passwords never). In AWS the hosted UI
 * signs users in and Cognito's own logs hold the attempts.
 */
export function auditedSignIns<R>(
  users: {
    verifyPassword(username: string, password: string): Promise<R | undefined>;
    get(username: string): Promise<unknown>;
  },
  audit: AuditLog,
  now: () => Date = () => new Date(),
) {
  return {
    async verifyPassword(username: string, password: string): Promise<R | undefined> {
      const result = await users.verifyPassword(username, password);
      // Only a name that is a console user is recorded: a password typed into the name field by
      // mistake, or anything else, is never written down as typed.
      const exists = result !== undefined || (await users.get(username)) !== undefined;
      const known = exists ? username : '(unknown)';
      await audit.appendAudit({
        actor: known,
        action: result ? 'console.signed_in' : 'console.sign_in_failed',
        at: now().toISOString(),
        details: { method: 'password' },
      });
      return result;
    },
  };
}
