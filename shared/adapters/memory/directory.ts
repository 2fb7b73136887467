/**
 * The directory in memory: people given by the test, the same deterministic decoy pick as the table
 * directory, and the actions (password, MFA reset with a Temporary Access Pass, unlock, sign out
 * everywhere) recorded for a test's assertions, without the password or the pass (never kept). Can be
 * told to fail its next calls with the error the real adapter throws.
 */
import { createHash } from 'node:crypto';
import type { DirectoryUser } from '../../domain/model/person.js';
import type {
  AuthMethod,
  Directory,
  DirectoryCapabilities,
  MfaResetOptions,
  MfaResetResult,
  PersonMatch,
} from '../../ports/directory.js';
import {
  applyMfaReset,
  emptyRecord,
  LOCAL_CAPABILITIES,
  type LocalActionRecord,
  localUserNotFound,
} from '../directory/local-actions.js';
import { matchPeople } from '../directory/local-search.js';
import { Failures } from './failures.js';
import { copy } from './state.js';

export class MemoryDirectory extends Failures<keyof Directory> implements Directory {
  readonly users: DirectoryUser[];
  /** Password resets made, without the passwords (never kept). */
  readonly resets: { userId: string }[] = [];
  /** Per person: methods left, MFA resets (ids removed, pass expiry), unlocks, sign-outs. */
  readonly actions = new Map<string, LocalActionRecord>();

  constructor(
    users: DirectoryUser[] = [],
    private readonly now: () => Date = () => new Date(),
  ) {
    super();
    this.users = copy(users);
  }

  async findByEmail(email: string): Promise<DirectoryUser | undefined> {
    this.takeFailure('findByEmail');
    const user = this.users.find((u) => u.email.toLowerCase() === email.toLowerCase());
    return user && copy(user);
  }

  async getUser(userId: string): Promise<DirectoryUser | undefined> {
    this.takeFailure('getUser');
    const user = this.users.find((u) => u.userId === userId);
    return user && copy(user);
  }

  async searchPeople(query: string, limit: number): Promise<PersonMatch[]> {
    this.takeFailure('searchPeople');
    return matchPeople(this.users, query, limit);
  }

  /** The same deterministic pick as the table directory: ranked by a hash of (person, other). */
  async sampleUsers(count: number, excludeUserId: string): Promise<DirectoryUser[]> {
    this.takeFailure('sampleUsers');
    const rank = (u: DirectoryUser) =>
      createHash('sha256').update(`${excludeUserId}:${u.userId}`).digest('hex');
    return this.users
      .filter((u) => u.userId !== excludeUserId)
      .map((u) => ({ u, key: rank(u) }))
      .sort((a, b) => a.key.localeCompare(b.key))
      .slice(0, count)
      .map(({ u }) => copy(u));
  }

  async resetPassword(userId: string, _newPassword: string): Promise<void> {
    this.takeFailure('resetPassword');
    if (!this.users.some((u) => u.userId === userId)) throw new Error(`No directory user ${userId}`);
    this.resets.push({ userId });
  }

  capabilities(): DirectoryCapabilities {
    return LOCAL_CAPABILITIES;
  }

  async listAuthMethods(userId: string): Promise<AuthMethod[]> {
    this.takeFailure('listAuthMethods');
    return copy(this.record('list methods', userId).methods);
  }

  async resetMfa(userId: string, options: MfaResetOptions = {}): Promise<MfaResetResult> {
    this.takeFailure('resetMfa');
    return applyMfaReset(this.record('reset MFA', userId), options, this.now());
  }

  async unlockAccount(userId: string): Promise<void> {
    this.takeFailure('unlockAccount');
    this.record('unlock', userId).unlocks.push(this.now().toISOString());
  }

  async revokeSessions(userId: string): Promise<void> {
    this.takeFailure('revokeSessions');
    this.record('revoke sessions', userId).sessionRevocations.push(this.now().toISOString());
  }

  /** The person's action record (created with the demo methods); 404 for nobody. */
  private record(action: string, userId: string): LocalActionRecord {
    const user = this.users.find((u) => u.userId === userId);
    if (!user) throw localUserNotFound(action, userId);
    let record = this.actions.get(userId);
    if (!record) {
      record = emptyRecord(user);
      this.actions.set(userId, record);
    }
    return record;
  }
}
