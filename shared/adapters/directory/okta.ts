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
 * - Failures: timeouts, 429 and 5xx are retryable (429 carries the seconds until
 *   X-Rate-Limit-Reset; at most 5 s is waited out here, once); 401/403 say what to fix.
 */
import { randomInt } from 'node:crypto';
import type { DirectoryUser } from '../../domain/model/person.js';
import type { Directory, LookupOptions } from '../../ports/directory.js';
import { MAX_INLINE_RETRY_AFTER_SECONDS, retryAfterSeconds } from '../http/retry-after.js';
import {
  DirectoryPasswordRejectedError,
  DirectoryPermanentError,
  directoryFetch,
  isObject,
  type Json,
  redact,
  safeJson,
  sameOrigin,
  shorten,
  statusError,
  str,
} from './errors.js';
import {
  type HistoryEvent,
  type PersonaHistory,
  PersonaHistoryReader,
  type Warn,
} from './persona-history.js';

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
  /** Profile attribute holding the office. Default `city`. */
  officeAttribute?: string;
  /** Custom profile attribute holding the start date (ISO date), e.g. `hireDate`. */
  startDateAttribute?: string;
  /** Where warnings go (default: the structured logger). */
  warn?: Warn;
}

/** Users read per page when sampling decoys, and pages at most. */
const SAMPLE_PAGE_SIZE = 100;
const SAMPLE_MAX_PAGES = 3;
/** Group pages read at most; more than that counts as privileged. */
const GROUP_MAX_PAGES = 10;
/** System Log events read per lookup (one page, newest first). */
const LOG_PAGE_SIZE = 100;
/** Events that change what can receive a code or a link: a factor, or an email address on record. */
const CONTACT_EVENTS = [
  'user.account.update_primary_email',
  'user.account.update_secondary_email',
  'user.mfa.factor.activate',
  'user.mfa.factor.update',
  'user.mfa.factor.deactivate',
  'user.mfa.factor.reset_all',
];
const PROFILE_UPDATE = 'user.account.update_profile';
/** Profile attributes that are contact details. */
const CONTACT_ATTRIBUTES = new Set(['email', 'secondEmail', 'mobilePhone', 'primaryPhone']);
/** Recovery events; with outcome FAILURE each is a failed recovery. */
const RECOVERY_EVENTS = ['user.account.reset_password', 'user.account.unlock'];
const UNLOCK_FAILURE = 'user.account.unlock_failure';
export const LOG_EVENT_TYPES = [...CONTACT_EVENTS, PROFILE_UPDATE, ...RECOVERY_EVENTS, UNLOCK_FAILURE];
const ENABLED_STATUSES = new Set(['ACTIVE', 'LOCKED_OUT', 'PASSWORD_EXPIRED', 'RECOVERY']);
const OKTA_USER_ID = /^00u[0-9A-Za-z]{10,}$/;

const READ_HINT =
  "the API token's admin needs a role that can view users (Read-only Administrator or above; OAuth scope okta.users.read)";
const ROLES_HINT =
  "the API token's admin needs to be allowed to view administrator role assignments (Super or Organization Administrator; OAuth scope okta.roles.read)";
const GROUPS_HINT =
  "the API token's admin needs to be allowed to view groups and their members (Read-only Administrator or above; OAuth scope okta.groups.read)";
const LOGS_HINT =
  "the API token's admin needs to be allowed to view the System Log (Read-only Administrator or above; OAuth scope okta.logs.read)";
const RESET_HINT =
  "the API token's admin needs to be allowed to set users' passwords (Organization Administrator, or a custom admin role that can reset passwords for these users; OAuth scope okta.users.manage); setting an administrator's password needs Super Administrator, which this product does not ask for";

interface OktaRequest {
  method: 'GET' | 'POST';
  /** A path under orgUrl, or an absolute `next` link. */
  url: string;
  body?: Json;
  detail: string;
  forbidden: string;
  notFoundIsEmpty?: boolean;
  password?: string;
}

interface OktaResponse {
  body: unknown;
  next?: string;
}

export class OktaDirectory implements Directory {
  private readonly orgUrl: string;
  private readonly timeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly groupIds: Set<string>;
  private readonly persona: PersonaHistoryReader;

  constructor(private readonly options: OktaDirectoryOptions) {
    this.orgUrl = options.orgUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
    this.groupIds = new Set((options.privilegedGroupIds ?? []).map((g) => g.trim()));
    this.persona = new PersonaHistoryReader({
      log: 'the Okta System Log',
      forbidden: LOGS_HINT,
      read: (userId, since, until) => this.logEvents(userId, since, until),
      now: this.now,
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
      if (user) picked.push(this.toUser(user, false));
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

  /** The admin roles, the groups and (when asked) the persona history, read in parallel. */
  private async enrich(user: Json, options: LookupOptions): Promise<DirectoryUser> {
    const id = String(user.id);
    const [hasRole, inGroup, history] = await Promise.all([
      this.hasAdminRole(id),
      this.inPrivilegedGroup(id),
      options.history ? this.persona.history(id) : undefined,
    ]);
    return this.toUser(user, hasRole || inGroup, history);
  }

  /** The person's System Log events that say their contact details changed or a recovery failed. */
  private async logEvents(userId: string, since: Date, until: Date): Promise<HistoryEvent[]> {
    // An Okta user id is alphanumeric; anything else would break out of the filter literal.
    if (!/^[0-9A-Za-z]+$/.test(userId)) return [];
    const types = LOG_EVENT_TYPES.map((t) => `eventType eq "${t}"`).join(' or ');
    const query = new URLSearchParams({
      since: isoSeconds(since),
      until: isoSeconds(until),
      filter: `target.id eq "${userId}" and (${types})`,
      sortOrder: 'DESCENDING',
      limit: String(LOG_PAGE_SIZE),
    });
    const { body } = await this.call({
      method: 'GET',
      url: `/api/v1/logs?${query.toString().replace(/\+/g, '%20')}`,
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

  private toUser(u: Json, privileged: boolean, history?: PersonaHistory): DirectoryUser {
    const p = profile(u);
    const mobilePhone = str(p.mobilePhone);
    const managerId = str(p.managerId);
    const passwordChanged = str(u.passwordChanged);
    const start = this.options.startDateAttribute ? str(p[this.options.startDateAttribute]) : undefined;
    return {
      userId: String(u.id),
      displayName: displayName(u),
      givenName: str(p.firstName) ?? '',
      email: str(p.email) ?? str(p.login) ?? '',
      ...(mobilePhone ? { mobilePhone } : {}),
      department: str(p.department) ?? '',
      title: str(p.title) ?? '',
      office: str(p[this.options.officeAttribute ?? 'city']) ?? '',
      country: (str(p.countryCode) ?? '').toUpperCase(),
      ...(managerId ? { managerId } : {}),
      startDate: start && !Number.isNaN(Date.parse(start)) ? new Date(start).toISOString().slice(0, 10) : '',
      privileged,
      enabled: ENABLED_STATUSES.has(String(u.status)),
      ...(passwordChanged ? { lastPasswordResetAt: passwordChanged } : {}),
      ...history,
    };
  }

  private async call(req: OktaRequest): Promise<OktaResponse> {
    const url = /^https?:\/\//i.test(req.url) ? req.url : `${this.orgUrl}${req.url}`;
    const token = await this.token(req.detail);
    let waited = false;
    for (;;) {
      const response = await directoryFetch(
        url,
        {
          method: req.method,
          headers: {
            accept: 'application/json',
            authorization: `SSWS ${token}`,
            ...(req.body ? { 'content-type': 'application/json' } : {}),
          },
          body: req.body ? JSON.stringify(req.body) : undefined,
        },
        this.timeoutMs,
        req.detail,
      );
      if (response.ok) {
        const body = (await response.json().catch(() => undefined)) as unknown;
        if (body === undefined)
          throw new DirectoryPermanentError(`${req.detail}: Okta answered without JSON`, response.status);
        const next = nextLink(response.headers.get('link'));
        return { body, next: next && sameOrigin(next, this.orgUrl) ? next : undefined };
      }
      if (response.status === 404 && req.notFoundIsEmpty) {
        await response.body?.cancel();
        return { body: undefined };
      }
      if (response.status === 429 && !waited) {
        const seconds = this.rateLimitWait(response.headers);
        if (seconds !== undefined && seconds <= MAX_INLINE_RETRY_AFTER_SECONDS) {
          await response.body?.cancel();
          waited = true;
          await this.sleep(seconds * 1000);
          continue;
        }
      }
      throw await this.failure(response, req, [req.password, token]);
    }
  }

  /** Seconds until Okta's rate-limit window resets (X-Rate-Limit-Reset is epoch seconds), or Retry-After. */
  private rateLimitWait(headers: Headers): number | undefined {
    const retryAfter = retryAfterSeconds(headers.get('retry-after'), this.now());
    if (retryAfter !== undefined) return retryAfter;
    const reset = Number(headers.get('x-rate-limit-reset'));
    if (!Number.isFinite(reset) || reset <= 0) return undefined;
    return Math.min(Math.max(Math.ceil(reset - this.now() / 1000), 1), 3600);
  }

  private async failure(response: Response, req: OktaRequest, secrets: (string | undefined)[]) {
    const status = response.status;
    const text = redact(await response.text().catch(() => ''), secrets);
    // Okta errors: {"errorCode","errorSummary","errorLink","errorId","errorCauses":[{"errorSummary"}]}
    const parsed = safeJson(text);
    const code = isObject(parsed) ? str(parsed.errorCode) : undefined;
    const summary = isObject(parsed) ? str(parsed.errorSummary) : undefined;
    const errorId = isObject(parsed) ? str(parsed.errorId) : undefined;
    const causes = (isObject(parsed) && Array.isArray(parsed.errorCauses) ? parsed.errorCauses : [])
      .filter(isObject)
      .map((c) => str(c.errorSummary))
      .filter((c): c is string => c !== undefined);
    const said = summary
      ? `${code ? `${code} ` : ''}${shorten(summary)}${causes.length ? `: ${shorten(causes.join('; '))}` : ''}`
      : shorten(text);
    const message = `${req.detail}: HTTP ${status}${said ? ` ${said}` : ''}${errorId ? ` (errorId ${errorId})` : ''}`;
    if (req.password !== undefined && isPasswordRefusal(status, code, summary, causes)) {
      // "password: Password requirements were not met. ..." → the part a person can act on.
      const idpMessage = shorten(
        (causes.length ? causes : [summary ?? 'The password was refused'])
          .map((c) => c.replace(/^password:\s*/i, ''))
          .join(' '),
      );
      return new DirectoryPasswordRejectedError(
        `${req.detail}: Okta refused the new password: ${idpMessage}`,
        idpMessage,
        status,
      );
    }
    if (status === 401) {
      return new DirectoryPermanentError(
        `${message} (Okta refused the API token: it may be revoked, or expired after 30 days unused; create a new one as the service account)`,
        status,
      );
    }
    if (status === 403) return new DirectoryPermanentError(`${message} (${req.forbidden})`, status);
    if (status === 404) return new DirectoryPermanentError(`${message} (user not found)`, status);
    // X-Rate-Limit-Reset comes on every answer; it only says when to retry a 429.
    const retryAfter =
      status === 429
        ? this.rateLimitWait(response.headers)
        : retryAfterSeconds(response.headers.get('retry-after'), this.now());
    return statusError(status, message, retryAfter);
  }

  private async token(detail: string): Promise<string> {
    const token = (await this.options.credentials()).trim().replace(/^SSWS\s+/i, '');
    if (!token || /\s/.test(token)) {
      throw new DirectoryPermanentError(`${detail}: the Okta credentials must be an API token`);
    }
    return token;
  }
}

/** A System Log event as a persona event, or undefined when it changes nothing that matters here. */
function historyEvent(event: Json, userId: string): HistoryEvent | undefined {
  const type = str(event.eventType);
  const at = str(event.published);
  if (!type || !at) return undefined;
  const outcome = isObject(event.outcome) ? str(event.outcome.result)?.toUpperCase() : undefined;
  const transaction = isObject(event.transaction) ? str(event.transaction.id) : undefined;
  const attempt = (transaction !== 'unknown' ? transaction : undefined) ?? str(event.uuid) ?? at;
  if (type === UNLOCK_FAILURE || (RECOVERY_EVENTS.includes(type) && outcome === 'FAILURE')) {
    return { kind: 'recoveryFailed', at, attempt };
  }
  if (outcome !== undefined && outcome !== 'SUCCESS') return undefined;
  if (CONTACT_EVENTS.includes(type)) return { kind: 'contactChanged', at, attempt };
  if (type === PROFILE_UPDATE && changedAttributes(event, userId).some((a) => CONTACT_ATTRIBUTES.has(a))) {
    return { kind: 'contactChanged', at, attempt };
  }
  return undefined;
}

/**
 * The profile attributes a user.account.update_profile changed, when the event says: the keys of
 * the user target's changeDetails (from / to), or debugData.changedAttributes (comma-separated).
 * An event that says neither is not counted: most profile updates (title, department from HR) are
 * not contact changes.
 */
function changedAttributes(event: Json, userId: string): string[] {
  const targets = Array.isArray(event.target) ? event.target.filter(isObject) : [];
  const user = targets.find((t) => t.id === userId);
  const details = isObject(user?.changeDetails) ? user.changeDetails : {};
  const changed = [details.from, details.to].flatMap((side) => (isObject(side) ? Object.keys(side) : []));
  const debugData =
    isObject(event.debugContext) && isObject(event.debugContext.debugData)
      ? event.debugContext.debugData
      : {};
  const listed = (str(debugData.changedAttributes) ?? '').split(',').map((a) => a.trim());
  return [...changed, ...listed].filter((a) => a !== '');
}

/** RFC 3339 without milliseconds, as Okta documents since/until. */
const isoSeconds = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

function profile(u: Json): Json {
  return isObject(u.profile) ? u.profile : {};
}

function displayName(u: Json): string {
  const p = profile(u);
  return (
    str(p.displayName) ??
    [str(p.firstName), str(p.lastName)]
      .filter((s) => s !== undefined)
      .join(' ')
      .trim()
  );
}

function asList(body: unknown): Json[] {
  return Array.isArray(body) ? body.filter(isObject) : [];
}

/** The rel="next" URL of an RFC 8288 Link header (Okta pages with it). */
export function nextLink(header: string | null): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(',')) {
    const match = /<([^>]+)>\s*;(.*)/.exec(part.trim());
    if (match?.[1] && /\brel="?next"?/i.test(match[2] ?? '')) return match[1];
  }
  return undefined;
}

/**
 * Okta's password policy refusals: E0000080 (complexity), or a validation / credential-update error
 * (E0000001, E0000014) whose causes speak of the password (requirements, history, common password).
 */
function isPasswordRefusal(
  status: number,
  code: string | undefined,
  summary: string | undefined,
  causes: string[],
): boolean {
  if (status !== 400 && status !== 403) return false;
  if (code === 'E0000080') return true;
  return (
    (code === 'E0000001' || code === 'E0000014') && /password/i.test([summary ?? '', ...causes].join(' '))
  );
}
