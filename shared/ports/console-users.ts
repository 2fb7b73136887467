import type { Role } from '../domain/model/principal.js';
export interface ConsoleUserRecord {
  username: string;
  email?: string;
  roles: Role[];
  enabled: boolean;
  status: string;
  createdAt?: string;
  /** When an admin last ended the user's sessions: tokens issued until then are refused. */
  sessionsEndedAt?: string;
}

/** Console users and their roles: Cognito in AWS, the table (read by the local issuer) locally. */
export interface ConsoleUsers {
  list(): Promise<ConsoleUserRecord[]>;
  get(username: string): Promise<ConsoleUserRecord | undefined>;
  create(input: { username: string; email: string; roles: Role[] }): Promise<{
    user: ConsoleUserRecord;
    temporaryPassword?: string;
  }>;
  update(username: string, patch: { roles?: Role[]; enabled?: boolean }): Promise<ConsoleUserRecord>;
  /** Ends every session of the user (Cognito: AdminUserGlobalSignOut) and records when. */
  endSessions(username: string, at: Date): Promise<void>;
}
