/**
 * Directory for Okta, through the Management API (`/api/v1/users`) with an API token
 * (`Authorization: SSWS {token}`; the token acts with the roles of the admin who created it, so use
 * a dedicated service account). OAuth 2.0 service apps (private_key_jwt) are not supported yet.
 *
 * - Lookup: GET /api/v1/users?search=profile.email eq "…" or profile.login eq "…", then the admin
 *   roles (GET /api/v1/users/{id}/roles) and, when privileged groups are configured, the groups
 *   (GET /api/v1/users/{id}/groups, all pages) in parallel.
 * - getUser(id): GET /api/v1/users/{id}. An id that is not an Okta user id nor a login is taken for
 *   an employee number (HR-sourced profiles often carry the manager's employee number in
 *   profile.managerId) and searched as profile.employeeNumber.
 * - Privileged: any admin role assigned (standard or custom, directly or through a group), or
 *   membership of one of `privilegedGroupIds`.
 * - Enabled: ACTIVE, and the states a person who needs a reset is in (LOCKED_OUT, PASSWORD_EXPIRED,
 *   RECOVERY). SUSPENDED, DEPROVISIONED, STAGED and PROVISIONED (never activated) are disabled.
 * - Profile: office from profile.city (or `officeAttribute`), country from profile.countryCode,
 *   start date from `startDateAttribute` when configured (the base profile has none), else ''.
 * - Search (the console's "Verify a caller"): GET /api/v1/users?search=<SCIM filter>&limit: an
 *   employee ID (see looksLikeEmployeeId) is profile.employeeNumber eq "…"; an address
 *   profile.email sw "…" or profile.login sw "…"; one word starts the first name, last name or email
 *   (sw); two or more, the first word the first name and the last word the last name. Not enriched.
 * - Decoys: one page of ACTIVE users (filter=status eq "ACTIVE", limit), a further page only if too
 *   few were usable, picked at random locally; not enriched (privileged false).
 * - Persona history (contact changed, failed recoveries), read with the lookup: one page of the
 *   System Log, GET /api/v1/logs?since&until (a bounded query: the last 30 days, newest first)
 *   &filter=target.id eq "{id}" and (eventType eq … or …) for the events that matter: primary or
 *   secondary email changed, a factor enrolled, updated, removed or all reset
 *   (user.mfa.factor.activate / update / deactivate / reset_all), a profile update that changed the
 *   email, second email, mobile or primary phone (when the event says which attributes changed:
 *   target changeDetails, or debugData.changedAttributes), and failed recoveries
 *   (user.account.reset_password or user.account.unlock with outcome FAILURE,
 *   user.account.unlock_failure). Sending a code (system.sms.send_factor_verify_message) is not a
 *   change and is not read. Needs the token's admin to view the System Log (Read-only
 *   Administrator or above; OAuth scope okta.logs.read); without it (403) the two fields stay
 *   undefined and one warning is logged (see persona-history.ts). The last password change is the
 *   user's passwordChanged. Sampled decoys never read the log.
 * - Reset: POST /api/v1/users/{id} {"credentials":{"password":{"value"}}}: Okta's documented
 *   administrative "set password" (partial update; PUT would replace the whole profile). The
 *   password policy still applies (complexity, common passwords); a refusal becomes
 *   DirectoryPasswordRejectedError carrying Okta's errorCauses. `strict` is not sent, so the minimum
 *   age and history rules are not enforced on this admin reset.
 * - Actions beyond the password (factors, reset factors, unlock, sign out everywhere):
 *   okta-actions.ts. The request plumbing (token, client, errors, paging): okta-api.ts.
 * - Failures: timeouts, 429 and 5xx are retryable (429 carries the seconds until
 *   X-Rate-Limit-Reset; at most 5 s is waited out here, once); 401/403 say what to fix.
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
import { isObject, type Json, str } from './errors.js';
import { OKTA_CAPABILITIES, OktaActions } from './okta-actions.js';
import { OktaApi, type OktaResponse } from './okta-api.js';
import {
  GROUPS_HINT,
  LOGS_HINT,
  type OktaRequest,
  READ_HINT,
  RESET_HINT,
  ROLES_HINT,
} from './okta-errors.js';
import {
  asList,
  displayName,
  GROUP_MAX_PAGES,
  historyEvent,
  logQuery,
  OKTA_USER_ID,
  profile,
  SAMPLE_MAX_PAGES,
  SAMPLE_PAGE_SIZE,
  searchExpression,
  toUser,
} from './okta-mapping.js';
import { toMatch } from './person-match.js';
import { type HistoryEvent, PersonaHistoryReader, type Warn } from './persona-history.js';

export { LOG_EVENT_TYPES, nextLink } from './okta-mapping.js';

export interface OktaDirectoryOptions {
  /** e.g. https://acme.okta.com (no trailing slash needed). */
  orgUrl: string;
  /** The API token (SSWS). */
  credentials: () => Promise<string>;
  /** Group ids whose members are privileged. */
  privilegedGroupIds?: string[];
  /** Per HTTP request, ms. */
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  fetch?: typeof fetch;
  /** Profile attribute holding the office. Default `city`. */
  officeAttribute?: string;
  /** Custom profile attribute holding the start date (ISO date), e.g. `hireDate`. */
  startDateAttribute?: string;
  /** Where warnings go (default: the structured logger). */
  warn?: Warn;
}

export class OktaDirectory implements Directory {
  /** The API token, one wait for a short rate-limit reset on 429, Okta's errors (okta-api.ts). */
  private readonly api: OktaApi;
  private readonly actions: OktaActions;
  private readonly groupIds: Set<string>;
  private readonly persona: PersonaHistoryReader;

  constructor(private readonly options: OktaDirectoryOptions) {
    const now = options.now ?? Date.now;
    this.api = new OktaApi({ ...options, now });
    this.actions = new OktaActions(this.api);
    this.groupIds = new Set((options.privilegedGroupIds ?? []).map((g) => g.trim()));
    this.persona = new PersonaHistoryReader({
      log: 'the Okta System Log',
      forbidden: LOGS_HINT,
      read: (userId, since, until) => this.logEvents(userId, since, until),
      now,
      warn: options.warn,
    });
  }

  async findByEmail(email: string, options: LookupOptions = {}): Promise<DirectoryUser | undefined> {
    const address = email.trim();
    // A quote or backslash would break out of the search literal; no valid address has one.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
    if (!address || /["\\\u0000-\u001f\u007f]/.test(address)) return undefined;
    const search = `profile.email eq "${address}" or profile.login eq "${address}"`;
    const { body } = await this.call({
      method: 'GET',
      url: `/api/v1/users?search=${encodeURIComponent(search)}&limit=10`,
      detail: 'GET users by email',
      forbidden: READ_HINT,
    });
    const users = asList(body);
    const wanted = address.toLowerCase();
    const match =
      users.find((u) => str(profile(u).email)?.toLowerCase() === wanted) ??
      users.find((u) => str(profile(u).login)?.toLowerCase() === wanted);
    return match ? this.enrich(match, options) : undefined;
  }

  async getUser(userId: string, options: LookupOptions = {}): Promise<DirectoryUser | undefined> {
    const id = userId.trim();
    if (!id) return undefined;
    if (OKTA_USER_ID.test(id) || id.includes('@')) {
      const { body } = await this.call({
        method: 'GET',
        url: `/api/v1/users/${encodeURIComponent(id)}`,
        detail: `GET user ${OKTA_USER_ID.test(id) ? id : '(by login)'}`,
        forbidden: READ_HINT,
        notFoundIsEmpty: true,
      });
      return isObject(body) && str(body.id) ? this.enrich(body, options) : undefined;
    }
    // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
    if (/["\\\u0000-\u001f\u007f]/.test(id)) return undefined;
    const { body } = await this.call({
      method: 'GET',
      url: `/api/v1/users?search=${encodeURIComponent(`profile.employeeNumber eq "${id}"`)}&limit=2`,
      detail: 'GET users by employee number',
      forbidden: READ_HINT,
    });
    const users = asList(body);
    // Two people with one employee number: no way to tell which is meant.
    return users.length === 1 && users[0] ? this.enrich(users[0], options) : undefined;
  }

  async searchPeople(query: string, limit: number): Promise<PersonMatch[]> {
    const q = query.trim().replace(/\s+/g, ' ');
    // A quote or backslash would break out of the search literal.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
    if (q.length < 2 || /["\\\u0000-\u001f\u007f]/.test(q)) return [];
    const { body } = await this.call({
      method: 'GET',
      url: `/api/v1/users?search=${encodeURIComponent(searchExpression(q))}&limit=${limit}`,
      detail: looksLikeEmployeeId(q) ? 'GET users by employee number' : 'GET users (search)',
      forbidden: READ_HINT,
    });
    return asList(body)
      .filter((u) => str(u.id))
      .slice(0, limit)
      .map((u) => toMatch(toUser(u, this.options, false), str(profile(u).employeeNumber)));
  }

  async sampleUsers(count: number, excludeUserId: string): Promise<DirectoryUser[]> {
    if (count <= 0) return [];
    const pool: Json[] = [];
    let url: string | undefined =
      `/api/v1/users?filter=${encodeURIComponent('status eq "ACTIVE"')}&limit=${SAMPLE_PAGE_SIZE}`;
    for (let page = 0; url && page < SAMPLE_MAX_PAGES && pool.length < count; page++) {
      const { body, next } = await this.call({
        method: 'GET',
        url,
        detail: 'GET users (sample)',
        forbidden: READ_HINT,
      });
      pool.push(...asList(body).filter((u) => str(u.id) && u.id !== excludeUserId && displayName(u)));
      url = next;
    }
    const picked: DirectoryUser[] = [];
    while (picked.length < count && pool.length > 0) {
      const [user] = pool.splice(randomInt(pool.length), 1);
      if (user) picked.push(toUser(user, this.options, false));
    }
    return picked;
  }

  async resetPassword(userId: string, newPassword: string): Promise<void> {
    await this.call({
      method: 'POST',
      url: `/api/v1/users/${encodeURIComponent(userId)}`,
      body: { credentials: { password: { value: newPassword } } },
      detail: `POST user ${userId} credentials.password`,
      forbidden: RESET_HINT,
      password: newPassword,
    });
  }

  capabilities(): DirectoryCapabilities {
    return OKTA_CAPABILITIES;
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

  /** The admin roles, the groups and (when asked) the persona history, read in parallel. */
  private async enrich(user: Json, options: LookupOptions): Promise<DirectoryUser> {
    const id = String(user.id);
    const [hasRole, inGroup, history] = await Promise.all([
      this.hasAdminRole(id),
      this.inPrivilegedGroup(id),
      options.history ? this.persona.history(id) : undefined,
    ]);
    return toUser(user, this.options, hasRole || inGroup, history);
  }

  /** The person's System Log events that say their contact details changed or a recovery failed. */
  private async logEvents(userId: string, since: Date, until: Date): Promise<HistoryEvent[]> {
    // An Okta user id is alphanumeric; anything else would break out of the filter literal.
    if (!/^[0-9A-Za-z]+$/.test(userId)) return [];
    const { body } = await this.call({
      method: 'GET',
      url: `/api/v1/logs?${logQuery(userId, since, until)}`,
      detail: 'GET logs',
      forbidden: LOGS_HINT,
    });
    return asList(body).flatMap((event) => historyEvent(event, userId) ?? []);
  }

  private async hasAdminRole(userId: string): Promise<boolean> {
    const { body } = await this.call({
      method: 'GET',
      url: `/api/v1/users/${encodeURIComponent(userId)}/roles`,
      detail: `GET user ${userId} roles`,
      forbidden: ROLES_HINT,
    });
    return asList(body).some((role) => role.status !== 'INACTIVE');
  }

  private async inPrivilegedGroup(userId: string): Promise<boolean> {
    if (this.groupIds.size === 0) return false;
    let url: string | undefined = `/api/v1/users/${encodeURIComponent(userId)}/groups?limit=200`;
    for (let page = 0; url; page++) {
      if (page >= GROUP_MAX_PAGES) return true; // too many to read: fail closed
      const { body, next } = await this.call({
        method: 'GET',
        url,
        detail: `GET user ${userId} groups`,
        forbidden: GROUPS_HINT,
      });
      if (asList(body).some((g) => this.groupIds.has(String(g.id)))) return true;
      url = next;
    }
    return false;
  }

  private call(req: OktaRequest): Promise<OktaResponse> {
    return this.api.call(req);
  }
}
