/** /api/me and /api/users: the signed-in console user, and the users an admin manages. */

import { type Principal, ROLES, type Role } from '../domain/model/principal.js';
import * as z from '../zod.js';

const CONSOLE_ROLES = ROLES;

const username = () =>
  z
    .string()
    .check(z.regex(/^[a-z0-9][a-z0-9._-]{1,63}$/, 'lowercase letters, digits, dot, dash, underscore'));
/** POST /api/users */
export const createUserBodySchema = z.strictObject({
  username: username(),
  email: z.email(),
  roles: z.array(z.enum(CONSOLE_ROLES)).check(z.minLength(1), z.maxLength(3)),
});
/** POST /api/users/{username} */
export const updateUserBodySchema = z
  .strictObject({
    roles: z.optional(z.array(z.enum(CONSOLE_ROLES)).check(z.minLength(1), z.maxLength(3))),
    enabled: z.optional(z.boolean()),
    /** Ends every session of the user now: tokens issued until now are refused (sign in again). */
    endSessions: z.optional(z.literal(true)),
  })
  .check(
    z.refine((v) => v.roles !== undefined || v.enabled !== undefined || v.endSessions !== undefined, {
      message: 'Change roles or enabled, or end sessions',
    }),
  );

/** GET /api/me: who is signed in, and their roles now. */
export type Me = Pick<Principal, 'username' | 'roles'>;

export interface ConsoleUserView {
  username: string;
  email?: string;
  roles: Role[];
  enabled: boolean;
  /** Cognito's user status (e.g. FORCE_CHANGE_PASSWORD, CONFIRMED); locally CONFIRMED. */
  status: string;
  createdAt?: string;
  /** When an admin last ended the user's sessions. */
  sessionsEndedAt?: string;
}

/** POST /api/users (201). Cognito emails the temporary password; the local stack returns it once. */
export interface CreatedUser {
  user: ConsoleUserView;
  temporaryPassword?: string;
}
