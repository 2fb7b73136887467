/**
 * Directory for Microsoft Entra ID, through Microsoft Graph v1.0 with an app registration's client
 * credentials (secret: JSON `{"clientId","clientSecret"}`).
 *
 * - Token: POST {login}/{tenant}/oauth2/v2.0/token (grant_type=client_credentials, scope
 *   https://graph.microsoft.com/.default). Cached per tenant + client + secret for the life of the
 *   process, until 5 minutes before it expires; fetched again once when Graph answers 401.
 * - Lookup: GET /users?$filter=mail eq '…' or userPrincipalName eq '…' with $select (most of the
 *   properties used are "returned only on $select"), then the manager (GET /users/{id}/manager) and
 *   the memberships (GET /users/{id}/transitiveMemberOf, all pages) in parallel.
 * - Privileged: a directory role among `privilegedRoleNames` (matched on display name or role
 *   template id; default: the administrator roles below), or a group among `privilegedGroupIds`.
 *   Without RoleManagement.Read.Directory (or Directory.Read.All) Graph returns directory roles with
 *   only their type and id: any such role then counts as privileged (fail closed). Only active,
 *   tenant-wide role memberships are visible this way: PIM-eligible roles and roles scoped to an
 *   administrative unit are not.
 * - Search (the console's "Verify a caller"): an employee ID (see looksLikeEmployeeId) is
 *   GET /users?$filter=employeeId eq '…'; anything else GET /users?$search="displayName:…" OR
 *   "mail:…" (tokenized prefix match on each word). Both with the ConsistencyLevel: eventual header
 *   and $count=true (advanced queries), $top and $select; guests are left out; not enriched.
 * - Decoys: sampleUsers reads one page of users ($top, no full scan; a further page only if too few
 *   were usable), drops guests, disabled accounts and the requester, and picks at random locally.
 *   Sampled users are not enriched (no manager, privileged false): decoys need names and places.
 * - Persona history (contact changed, failed recoveries), read with the lookup: one page of
 *   GET /auditLogs/directoryAudits filtered on the person as target, the last 30 days and the
 *   activities that matter (security info registered / changed / deleted by the user or an admin;
 *   "Update user" that changed the mobile number, the mail addresses or the strong-authentication
 *   details; self-service password reset and unlock attempts that failed, and being blocked from
 *   self-service reset). Needs AuditLog.Read.All and Directory.Read.All; without them (403) the two
 *   fields stay undefined and one warning is logged (see persona-history.ts). The audit log keeps 7
 *   days on Entra ID Free, 30 on P1/P2. The last password change is the user's
 *   lastPasswordChangeDateTime (read with User.Read.All). Sampled decoys never read the log.
 * - Reset: PATCH /users/{id} with passwordProfile {password, forceChangePasswordNextSignIn: false}
 *   (204). Needs User-PasswordProfile.ReadWrite.All (or User.ReadWrite.All) and, app-only, an Entra
 *   role on the service principal (User Administrator; resetting an administrator needs Privileged
 *   Authentication Administrator, which this product does not ask for: privileged people are never
 *   reset here). A password the policy refuses becomes DirectoryPasswordRejectedError.
 * - Actions beyond the password (MFA reset, Temporary Access Pass, sign out everywhere; no unlock):
 *   entra-actions.ts. The request plumbing (token, client, errors, paging): entra-api.ts.
 * - Failures: timeouts, 429 and 5xx are retryable (a Retry-After of at most 5 s is waited out here,
 *   once); 401/403 name what to grant; messages never carry the password, the secret or the token.
 */
import { randomInt } from 'node:crypto';
import type { DirectoryUser } from '../../domain/model/person.js';
import {
  type AuthMethod,
  type Directory,
  type DirectoryCapabilities,
  type LookupOptions,
  looksLikeEmployeeId,
  type MfaResetOptions,
  type MfaResetResult,
  type PersonMatch,
} from '../../ports/directory.js';
import { ENTRA_CAPABILITIES, EntraActions } from './entra-actions.js';
import { GraphApi } from './entra-api.js';
import { AUDIT_HINT, type GraphRequest, MEMBERSHIP_HINT, READ_HINT, RESET_HINT } from './entra-errors.js';
import {
  AUDIT_ACTIVITIES,
  AUDIT_PAGE_SIZE,
  historyEvent,
  list,
  MEMBERSHIP_MAX_PAGES,
  privilegedMembership,
  SAMPLE_MAX_PAGES,
  SAMPLE_PAGE_SIZE,
  toUser,
  USER_SELECT,
} from './entra-mapping.js';
import { type Json, str } from './errors.js';
import { toMatch } from './person-match.js';
import { type HistoryEvent, PersonaHistoryReader, type Warn } from './persona-history.js';

export { AUDIT_ACTIVITIES, USER_SELECT } from './entra-mapping.js';

export interface EntraDirectoryOptions {
  /** The directory (tenant) id or a verified domain. */
  tenantId: string;
  /** JSON {"clientId","clientSecret"} of the app registration. */
  credentials: () => Promise<string>;
  /** Directory roles that make a person privileged: display names or role template ids. */
  privilegedRoleNames?: string[];
  /** Group object ids whose (transitive) members are privileged. */
  privilegedGroupIds?: string[];
  /** Default https://graph.microsoft.com/v1.0 (national clouds: their Graph host + /v1.0). */
  graphBaseUrl?: string;
  /** Default https://login.microsoftonline.com. */
  loginBaseUrl?: string;
  /** Lifetime of a Temporary Access Pass issued by resetMfa, minutes (10-43200; default 60). */
  temporaryAccessPassMinutes?: number;
  /** Per HTTP request, ms. */
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  fetch?: typeof fetch;
  /** Where warnings go (default: the structured logger). */
  warn?: Warn;
}

export class EntraDirectory implements Directory {
  /** The token, one wait for a short Retry-After on 429 and 503, Graph's errors (entra-api.ts). */
  private readonly api: GraphApi;
  private readonly actions: EntraActions;
  /** Whether a transitiveMemberOf object makes its member privileged. */
  private readonly privilegedMembership: (o: Json) => boolean;
  private readonly persona: PersonaHistoryReader;

  constructor(options: EntraDirectoryOptions) {
    const now = options.now ?? Date.now;
    this.api = new GraphApi({ ...options, now });
    this.actions = new EntraActions(this.api, { now, tapMinutes: options.temporaryAccessPassMinutes });
    this.privilegedMembership = privilegedMembership(options.privilegedRoleNames, options.privilegedGroupIds);
    this.persona = new PersonaHistoryReader({
      log: 'the Microsoft Entra ID audit log',
      forbidden: AUDIT_HINT,
      read: (userId, since) => this.auditEvents(userId, since),
      now,
      warn: options.warn,
    });
  }

  async findByEmail(email: string, options: LookupOptions = {}): Promise<DirectoryUser | undefined> {
    const address = email.trim();
    // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
    if (!address || /[\u0000-\u001f\u007f]/.test(address)) return undefined;
    const literal = `'${address.replace(/'/g, "''")}'`;
    const filter = `mail eq ${literal} or userPrincipalName eq ${literal}`;
    const body = await this.call({
      method: 'GET',
      url: `/users?$filter=${encodeURIComponent(filter)}&$select=${USER_SELECT}`,
      detail: 'GET users by email',
      forbidden: READ_HINT,
    });
    const users = list(body);
    const wanted = address.toLowerCase();
    const match =
      users.find((u) => str(u.mail)?.toLowerCase() === wanted) ??
      users.find((u) => str(u.userPrincipalName)?.toLowerCase() === wanted);
    return match ? this.enrich(match, options) : undefined;
  }

  async getUser(userId: string, options: LookupOptions = {}): Promise<DirectoryUser | undefined> {
    if (!userId.trim()) return undefined;
    const body = await this.call({
      method: 'GET',
      url: `/users/${encodeURIComponent(userId)}?$select=${USER_SELECT}`,
      detail: `GET user ${userId}`,
      forbidden: READ_HINT,
      notFoundIsEmpty: true,
    });
    return body && str(body.id) ? this.enrich(body, options) : undefined;
  }

  async searchPeople(query: string, limit: number): Promise<PersonMatch[]> {
    const q = query.trim();
    // A quote or backslash would break out of the literal; control characters have no business here.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
    if (q.length < 2 || /["\\\u0000-\u001f\u007f]/.test(q)) return [];
    const byId = looksLikeEmployeeId(q);
    const criterion = byId
      ? `$filter=${encodeURIComponent(`employeeId eq '${q.replace(/'/g, "''")}'`)}`
      : `$search=${encodeURIComponent(`"displayName:${q}" OR "mail:${q}"`)}`;
    const body = await this.call({
      method: 'GET',
      url: `/users?${criterion}&$count=true&$top=${limit}&$select=${USER_SELECT},employeeId`,
      detail: byId ? 'GET users by employee ID' : 'GET users (search)',
      forbidden: READ_HINT,
      headers: { ConsistencyLevel: 'eventual' },
    });
    return list(body)
      .filter((u) => str(u.id) !== undefined && u.userType !== 'Guest')
      .slice(0, limit)
      .map((u) => toMatch(toUser(u, { privileged: false }), str(u.employeeId)));
  }

  async sampleUsers(count: number, excludeUserId: string): Promise<DirectoryUser[]> {
    if (count <= 0) return [];
    const pool: Json[] = [];
    let url: string | undefined = `/users?$select=${USER_SELECT}&$top=${SAMPLE_PAGE_SIZE}`;
    for (let page = 0; url && page < SAMPLE_MAX_PAGES && pool.length < count; page++) {
      const body = await this.call({
        method: 'GET',
        url,
        detail: 'GET users (sample)',
        forbidden: READ_HINT,
      });
      pool.push(
        ...list(body).filter(
          (u) =>
            str(u.id) !== undefined &&
            u.id !== excludeUserId &&
            u.accountEnabled !== false &&
            u.userType !== 'Guest' &&
            str(u.displayName) !== undefined,
        ),
      );
      url = this.nextLink(body);
    }
    const picked: DirectoryUser[] = [];
    while (picked.length < count && pool.length > 0) {
      const [user] = pool.splice(randomInt(pool.length), 1);
      if (user) picked.push(toUser(user, { privileged: false }));
    }
    return picked;
  }

  async resetPassword(userId: string, newPassword: string): Promise<void> {
    await this.call({
      method: 'PATCH',
      url: `/users/${encodeURIComponent(userId)}`,
      body: { passwordProfile: { forceChangePasswordNextSignIn: false, password: newPassword } },
      detail: `PATCH user ${userId} passwordProfile`,
      forbidden: RESET_HINT,
      password: newPassword,
    });
  }

  capabilities(): DirectoryCapabilities {
    return ENTRA_CAPABILITIES;
  }

  listAuthMethods(userId: string): Promise<AuthMethod[]> {
    return this.actions.listAuthMethods(userId);
  }

  resetMfa(userId: string, options?: MfaResetOptions): Promise<MfaResetResult> {
    return this.actions.resetMfa(userId, options);
  }

  unlockAccount(userId: string): Promise<void> {
    return this.actions.unlockAccount(userId);
  }

  revokeSessions(userId: string): Promise<void> {
    return this.actions.revokeSessions(userId);
  }

  /** The manager, the memberships and (when asked) the persona history, read in parallel. */
  private async enrich(user: Json, options: LookupOptions): Promise<DirectoryUser> {
    const id = String(user.id);
    const [managerId, privileged, history] = await Promise.all([
      this.managerOf(id),
      this.isPrivileged(id),
      options.history ? this.persona.history(id) : undefined,
    ]);
    return toUser(user, { managerId, privileged, history });
  }

  /** The person's audit events that say their contact details changed or a recovery failed. */
  private async auditEvents(userId: string, since: Date): Promise<HistoryEvent[]> {
    const id = userId.replace(/'/g, "''");
    const activities = AUDIT_ACTIVITIES.map((a) => `activityDisplayName eq '${a}'`).join(' or ');
    const filter = `activityDateTime ge ${since.toISOString().replace(/\.\d{3}Z$/, 'Z')} and targetResources/any(t:t/id eq '${id}') and (${activities})`;
    const body = await this.call({
      method: 'GET',
      url: `/auditLogs/directoryAudits?$filter=${encodeURIComponent(filter)}&$top=${AUDIT_PAGE_SIZE}`,
      detail: 'GET auditLogs/directoryAudits',
      forbidden: AUDIT_HINT,
    });
    return list(body).flatMap((audit) => historyEvent(audit, userId) ?? []);
  }

  private async managerOf(userId: string): Promise<string | undefined> {
    const body = await this.call({
      method: 'GET',
      url: `/users/${encodeURIComponent(userId)}/manager?$select=id`,
      detail: `GET user ${userId} manager`,
      forbidden: READ_HINT,
      notFoundIsEmpty: true,
    });
    return body ? str(body.id) : undefined;
  }

  private async isPrivileged(userId: string): Promise<boolean> {
    let url: string | undefined = `/users/${encodeURIComponent(userId)}/transitiveMemberOf?$top=999`;
    for (let page = 0; url; page++) {
      if (page >= MEMBERSHIP_MAX_PAGES) return true; // too many to read: fail closed
      const body = await this.call({
        method: 'GET',
        url,
        detail: `GET user ${userId} transitiveMemberOf`,
        forbidden: MEMBERSHIP_HINT,
      });
      if (list(body).some((o) => this.privilegedMembership(o))) return true;
      url = this.nextLink(body);
    }
    return false;
  }

  private call(req: GraphRequest): Promise<Json | undefined> {
    return this.api.call(req);
  }

  private nextLink(body: Json | undefined): string | undefined {
    return this.api.nextLink(body);
  }
}
