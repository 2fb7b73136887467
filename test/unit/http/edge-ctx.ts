/**
 * The context the HTTP edge needs in unit tests: console users held in memory (what the
 * ConsoleUsers port answers now) and abuse counters that count per key.
 */

import type { Role } from '../../../shared/domain/model/principal.js';
import type { ConsoleUserRecord } from '../../../shared/ports/console-users.js';
import type { Ctx } from '../../../shared/ports/context.js';
import { forgetUser } from '../../../shared/use-cases/console/access.js';

export function edgeCtx(portalRequestsPerSource = 1000) {
  const users = new Map<string, ConsoleUserRecord>();
  const counts = new Map<string, number>();
  const ctx = {
    config: { PORTAL_REQUESTS_PER_SOURCE: portalRequestsPerSource },
    clock: { now: () => new Date() },
    consoleUsers: { get: async (username: string) => users.get(username) },
    counters: {
      countAttempt: async (key: string) => {
        const n = (counts.get(key) ?? 0) + 1;
        counts.set(key, n);
        return n;
      },
    },
  } as unknown as Ctx<'consoleUsers' | 'counters'>;
  const setUser = (username: string, roles: Role[], patch: Partial<ConsoleUserRecord> = {}) => {
    users.set(username, { username, roles, enabled: true, status: 'CONFIRMED', ...patch });
    forgetUser(username);
  };
  return { ctx, setUser, counts };
}
