/**
 * Authorisation on every console request (issue 12.5). The gateway has checked the JWT (signature,
 * issuer, audience, expiry) and the edge the token's roles; the token alone would keep a disabled
 * user, or an auditor demoted to agent, in power until it expires (an hour). So each request looks
 * the user up in the ConsoleUsers port (Cognito in AWS, the table locally), reused for a few
 * seconds (CONSOLE_USER_CACHE_SECONDS) and dropped at once in this process when an admin changes
 * the user: the user must exist and be enabled, the token must be issued after the user's sessions
 * were last ended (AdminUserGlobalSignOut semantics), and the route's roles are checked against the
 * roles the user has now, not the ones the token was issued with.
 */

import { NotPermitted, Unauthenticated } from '../../domain/errors.js';
import type { Principal, Role } from '../../domain/model/principal.js';
import { type FunctionName, routeFor } from '../../manifest.js';
import type { ConsoleUserRecord } from '../../ports/console-users.js';
import type { Ctx } from '../../ports/context.js';
import { consoleSettings } from './config.js';
import { signedIn } from './request.js';

const cache = new Map<string, { user: ConsoleUserRecord | undefined; until: number }>();

/** Drops a user's cached lookup (this process; others within CONSOLE_USER_CACHE_SECONDS). */
export function forgetUser(username: string): void {
  cache.delete(username);
}

async function lookUp(ctx: Ctx<'consoleUsers'>, username: string): Promise<ConsoleUserRecord | undefined> {
  const now = Date.now();
  const hit = cache.get(username);
  if (hit && hit.until > now) return hit.user;
  const user = await ctx.consoleUsers.get(username);
  const seconds = consoleSettings().CONSOLE_USER_CACHE_SECONDS;
  if (seconds > 0) cache.set(username, { user, until: now + seconds * 1000 });
  return user;
}

/** A token is refused when issued at or before the second its user's sessions were ended. */
export function sessionEnded(iat: number | undefined, sessionsEndedAt: string | undefined): boolean {
  if (!sessionsEndedAt) return false;
  return iat === undefined || iat <= Math.floor(Date.parse(sessionsEndedAt) / 1000);
}

/**
 * The console user of this request as they are now (the HTTP edge hands over the token's user
 * and `iat`): 401 when unknown, disabled or signed out everywhere since the token was issued; 403 when their current roles do not allow the route.
 */
export async function authorized(
  ctx: Ctx<'consoleUsers'>,
  functionName: FunctionName,
  request: { principal?: Principal; issuedAt?: number },
): Promise<Principal> {
  const principal = signedIn(request.principal);
  const user = await lookUp(ctx, principal.username);
  if (!user?.enabled)
    throw new Unauthenticated('USER_DISABLED', 'Your console access is turned off; ask an admin');
  if (sessionEnded(request.issuedAt, user.sessionsEndedAt))
    throw new Unauthenticated('SESSION_ENDED', 'Your session was ended by an admin; sign in again');
  const allowed: readonly Role[] = routeFor(functionName)?.roles ?? [];
  if (!user.roles.some((r) => allowed.includes(r)))
    throw new NotPermitted('FORBIDDEN', 'Your role does not allow this');
  return { username: user.username, roles: [...user.roles] };
}
