/** Who is signed in to the console, and the roles that say what they may do. */

/** Console roles; each is a Cognito group (the JWT's `cognito:groups`). */
export const ROLES = ['admin', 'agent', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  username: string;
  roles: Role[];
}
