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
 * - Failures: timeouts, 429 and 5xx are retryable (a Retry-After of at most 5 s is waited out here,
 *   once); 401/403 name what to grant; messages never carry the password, the secret or the token.
 */
import { createHash, randomInt } from 'node:crypto';
import type { DirectoryUser } from '../../domain/model/person.js';
import type { Directory, LookupOptions } from '../../ports/directory.js';
import { MAX_INLINE_RETRY_AFTER_SECONDS, retryAfterSeconds } from '../http/retry-after.js';
import { type AccessToken, TokenCache, tokenExpiresAt } from '../http/token-cache.js';
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
  /** Per HTTP request, ms. */
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Where warnings go (default: the structured logger). */
  warn?: Warn;
}

/** Built-in administrator roles (display name → role template id, the same in every tenant). */
const DEFAULT_PRIVILEGED_ROLES: Readonly<Record<string, string>> = {
  'Global Administrator': '62e90394-69f5-4237-9190-012177145e10',
  'Privileged Role Administrator': 'e8611ab8-c189-46e8-94e1-60213ab1f814',
  'Privileged Authentication Administrator': '7be44c8a-adaf-4e2a-84d6-ab2649e08a13',
  'Authentication Administrator': 'c4e39bd9-1100-46d3-8c65-fb160da0071f',
  'User Administrator': 'fe930be7-5e62-47db-91af-98c3a49a38b1',
  'Helpdesk Administrator': '729827e3-9c14-49f7-bb1b-9608f156bbb8',
  'Password Administrator': '966707d0-3269-4727-9be2-8c3a10f19b9d',
  'Security Administrator': '194ae4cb-b126-40b2-bd5b-6091b380977d',
  'Conditional Access Administrator': 'b1be1c3e-b65d-4f19-8427-f6fa0d97feb9',
  'Application Administrator': '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3',
  'Cloud Application Administrator': '158c047a-c907-4556-b7ef-446551a6b5f7',
  'Hybrid Identity Administrator': '8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2',
  'Exchange Administrator': '29232cdf-9323-42fd-ade2-1d097af3e4de',
  'SharePoint Administrator': 'f28a1f50-f6e7-4571-818b-6a12f2af6b6c',
};

/** The user properties read (most are returned only when selected). */
export const USER_SELECT = [
  'id',
  'displayName',
  'givenName',
  'surname',
  'mail',
  'userPrincipalName',
  'mobilePhone',
  'department',
  'jobTitle',
  'officeLocation',
  'country',
  'usageLocation',
  'employeeHireDate',
  'accountEnabled',
  'lastPasswordChangeDateTime',
  'userType',
].join(',');

/** Users read per page when sampling decoys, and pages at most. */
const SAMPLE_PAGE_SIZE = 100;
const SAMPLE_MAX_PAGES = 3;
/** Audit events read per lookup (one page, newest first). */
const AUDIT_PAGE_SIZE = 100;
/** Security-info activities logged by Authentication Methods: each is a change of what can receive a code. */
const SECURITY_INFO_ACTIVITIES = [
  'User registered security info',
  'User changed default security info',
  'User updated security info',
  'User deleted security info',
  'Admin registered security info',
  'Admin updated security info',
  'Admin deleted security info',
];
/** Self-service password management activities; a failure of any is a failed recovery. */
const RECOVERY_ACTIVITIES = [
  'Reset password (self-service)',
  'Self-service password reset flow activity progress',
  'Unlock user account (self-service)',
];
/** Logged (as a success) when someone tried too many times: a failed recovery in itself. */
const SSPR_BLOCKED = 'Blocked from self-service password reset';
export const AUDIT_ACTIVITIES = [
  'Update user',
  ...SECURITY_INFO_ACTIVITIES,
  ...RECOVERY_ACTIVITIES,
  SSPR_BLOCKED,
];
/** "Update user" properties (as the audit log names them) that are contact details or authentication methods. */
const CONTACT_PROPERTY = /^(mobile|mail|email|othermails?|strongauthentication\w*)$/i;
/** Membership pages (999 objects each) read at most; more than that counts as privileged. */
const MEMBERSHIP_MAX_PAGES = 10;
/** A cached token is dropped this long before it expires. */
const TOKEN_EXPIRY_MARGIN_SECONDS = 300;
const GRAPH_HOSTS = new Set([
  'graph.microsoft.com',
  'graph.microsoft.us',
  'dod-graph.microsoft.us',
  'microsoftgraph.chinacloudapi.cn',
]);

const READ_HINT =
  'grant the app registration the Microsoft Graph application permission User.Read.All, with admin consent';
const MEMBERSHIP_HINT =
  'grant the app registration the Microsoft Graph application permissions User.Read.All and RoleManagement.Read.Directory (or Directory.Read.All), with admin consent';
const AUDIT_HINT =
  'grant the app registration the Microsoft Graph application permissions AuditLog.Read.All and Directory.Read.All, with admin consent';
const RESET_HINT =
  'grant the app registration the Microsoft Graph application permission User-PasswordProfile.ReadWrite.All (or User.ReadWrite.All) with admin consent, and assign its service principal the User Administrator role; resetting an administrator needs Privileged Authentication Administrator, which this product does not ask for';

/** Tokens by login host + tenant + client + secret hash + scope. */
const tokens = new TokenCache();

interface Client {
  clientId: string;
  clientSecret: string;
}

interface GraphRequest {
  method: 'GET' | 'PATCH';
  /** A path under graphBaseUrl, or an absolute @odata.nextLink. */
  url: string;
  body?: Json;
  /** What was attempted, for messages (no PII: ids only). */
  detail: string;
  /** What to grant, for 401/403 messages. */
  forbidden: string;
  /** 404 means "none" (undefined) rather than an error. */
  notFoundIsEmpty?: boolean;
  /** The new password of a reset: scrubbed from messages, and 400s about it become rejections. */
  password?: string;
}

export class EntraDirectory implements Directory {
  private readonly graphBaseUrl: string;
  private readonly loginBaseUrl: string;
  private readonly scope: string;
  private readonly timeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly roleNames: Set<string>;
  private readonly roleTemplateIds: Set<string>;
  private readonly groupIds: Set<string>;
  private readonly persona: PersonaHistoryReader;

  constructor(private readonly options: EntraDirectoryOptions) {
    this.graphBaseUrl = (options.graphBaseUrl ?? 'https://graph.microsoft.com/v1.0').replace(/\/+$/, '');
    this.loginBaseUrl = (options.loginBaseUrl ?? 'https://login.microsoftonline.com').replace(/\/+$/, '');
    // The token's audience is Graph's, whatever URL Graph is reached through (a proxy, a test server).
    const graph = new URL(this.graphBaseUrl);
    this.scope = `${GRAPH_HOSTS.has(graph.hostname) ? graph.origin : 'https://graph.microsoft.com'}/.default`;
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
    const configured = options.privilegedRoleNames ?? Object.keys(DEFAULT_PRIVILEGED_ROLES);
    const known = new Map(Object.entries(DEFAULT_PRIVILEGED_ROLES).map(([k, v]) => [k.toLowerCase(), v]));
    this.roleNames = new Set(configured.map((r) => r.trim().toLowerCase()));
    this.roleTemplateIds = new Set(
      configured
        .map((r) => r.trim().toLowerCase())
        .map((r) => (isGuid(r) ? r : known.get(r)))
        .filter((r): r is string => r !== undefined),
    );
    this.groupIds = new Set((options.privilegedGroupIds ?? []).map((g) => g.trim().toLowerCase()));
    this.persona = new PersonaHistoryReader({
      log: 'the Microsoft Entra ID audit log',
      forbidden: AUDIT_HINT,
      read: (userId, since) => this.auditEvents(userId, since),
      now: this.now,
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

  private privilegedMembership(o: Json): boolean {
    const type = str(o['@odata.type']);
    if (type === '#microsoft.graph.directoryRole') {
      const name = str(o.displayName)?.toLowerCase();
      const template = str(o.roleTemplateId)?.toLowerCase();
      // Without permission to read roles Graph sends only the type and id: an unknown role counts.
      if (name === undefined && template === undefined) return true;
      return (
        (name !== undefined && this.roleNames.has(name)) ||
        (template !== undefined && this.roleTemplateIds.has(template))
      );
    }
    const id = str(o.id)?.toLowerCase();
    return type === '#microsoft.graph.group' && id !== undefined && this.groupIds.has(id);
  }

  /** The next page, if Graph gave one on its own origin (the token never goes elsewhere). */
  private nextLink(body: Json | undefined): string | undefined {
    const next = body ? str(body['@odata.nextLink']) : undefined;
    return next && sameOrigin(next, this.graphBaseUrl) ? next : undefined;
  }

  private async call(req: GraphRequest): Promise<Json | undefined> {
    const url = /^https?:\/\//i.test(req.url) ? req.url : `${this.graphBaseUrl}${req.url}`;
    let refreshed = false;
    let waited = false;
    for (;;) {
      const client = await this.client(req.detail);
      const token = await this.token(client);
      const response = await directoryFetch(
        url,
        {
          method: req.method,
          headers: {
            accept: 'application/json',
            authorization: `Bearer ${token.accessToken}`,
            ...(req.body ? { 'content-type': 'application/json' } : {}),
          },
          body: req.body ? JSON.stringify(req.body) : undefined,
        },
        this.timeoutMs,
        req.detail,
      );
      if (response.ok) {
        if (response.status === 204) return {};
        const parsed = (await response.json().catch(() => undefined)) as unknown;
        if (!isObject(parsed))
          throw new DirectoryPermanentError(`${req.detail}: Graph answered without JSON`, response.status);
        return parsed;
      }
      if (response.status === 404 && req.notFoundIsEmpty) {
        await response.body?.cancel();
        return undefined;
      }
      if (response.status === 401 && !refreshed) {
        // The token may have been revoked, or the app's permissions changed: one new token, one more try.
        await response.body?.cancel();
        refreshed = true;
        tokens.drop(this.tokenKey(client), token.accessToken);
        continue;
      }
      if ((response.status === 429 || response.status === 503) && !waited) {
        const seconds = retryAfterSeconds(response.headers.get('retry-after'), this.now());
        if (seconds !== undefined && seconds <= MAX_INLINE_RETRY_AFTER_SECONDS) {
          await response.body?.cancel();
          waited = true;
          await this.sleep(seconds * 1000);
          continue;
        }
      }
      throw await this.failure(response, req, [req.password, client.clientSecret, token.accessToken]);
    }
  }

  private async failure(response: Response, req: GraphRequest, secrets: (string | undefined)[]) {
    const status = response.status;
    const text = redact(await response.text().catch(() => ''), secrets);
    // Graph errors: {"error":{"code","message","innerError":{"request-id",...}}}
    const parsed = safeJson(text);
    const error = isObject(parsed) && isObject(parsed.error) ? parsed.error : undefined;
    const code = str(error?.code);
    const graphMessage = str(error?.message);
    const inner = isObject(error?.innerError) ? error.innerError : undefined;
    const requestId = str(inner?.['request-id']);
    const said = graphMessage ? `${code ? `${code}: ` : ''}${shorten(graphMessage)}` : shorten(text);
    const message = `${req.detail}: HTTP ${status}${said ? ` ${said}` : ''}${requestId ? ` (request-id ${requestId})` : ''}`;
    if (req.password !== undefined && status === 400 && graphMessage && isPasswordPolicy(graphMessage)) {
      return new DirectoryPasswordRejectedError(
        `${req.detail}: Microsoft Entra ID refused the new password: ${shorten(graphMessage)}`,
        shorten(graphMessage),
        status,
      );
    }
    if (status === 401) {
      return new DirectoryPermanentError(
        `${message} (Graph refused the access token: check the tenant id, and that the app's permissions have admin consent; ${req.forbidden})`,
        status,
      );
    }
    if (status === 403) return new DirectoryPermanentError(`${message} (${req.forbidden})`, status);
    if (status === 404) return new DirectoryPermanentError(`${message} (user not found)`, status);
    return statusError(status, message, retryAfterSeconds(response.headers.get('retry-after'), this.now()));
  }

  private async client(detail: string): Promise<Client> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await this.options.credentials());
    } catch {
      parsed = undefined;
    }
    const clientId = isObject(parsed) ? str(parsed.clientId) : undefined;
    const clientSecret = isObject(parsed) ? str(parsed.clientSecret) : undefined;
    if (!clientId || !clientSecret) {
      throw new DirectoryPermanentError(
        `${detail}: the Entra credentials must be JSON {"clientId","clientSecret"}`,
      );
    }
    return { clientId, clientSecret };
  }

  private tokenKey(client: Client): string {
    const secretHash = createHash('sha256').update(client.clientSecret).digest('hex');
    return [this.loginBaseUrl, this.options.tenantId, client.clientId, secretHash, this.scope].join('\n');
  }

  private token(client: Client): Promise<AccessToken> {
    return tokens.get(this.tokenKey(client), this.now(), () => this.requestToken(client));
  }

  private async requestToken(client: Client): Promise<AccessToken> {
    const detail = 'POST oauth2/v2.0/token';
    const response = await directoryFetch(
      `${this.loginBaseUrl}/${encodeURIComponent(this.options.tenantId)}/oauth2/v2.0/token`,
      {
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          client_id: client.clientId,
          scope: this.scope,
          client_secret: client.clientSecret,
          grant_type: 'client_credentials',
        }).toString(),
      },
      this.timeoutMs,
      detail,
    );
    if (!response.ok) {
      const status = response.status;
      const text = redact(await response.text().catch(() => ''), [client.clientSecret]);
      // {"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided. ...","error_codes":[7000215],...}
      const parsed = safeJson(text);
      const code = isObject(parsed) ? str(parsed.error) : undefined;
      const description = isObject(parsed) ? str(parsed.error_description) : undefined;
      const firstLine = description?.split(/\r?\n/)[0];
      const said = code ? `${code}${firstLine ? `: ${shorten(firstLine, 200)}` : ''}` : shorten(text, 200);
      const message = `${detail}: HTTP ${status}${said ? ` ${said}` : ''}`;
      if (status === 429 || status >= 500) {
        throw statusError(
          status,
          message,
          retryAfterSeconds(response.headers.get('retry-after'), this.now()),
        );
      }
      throw new DirectoryPermanentError(
        `${message} (check the tenant id, the client id and the client secret: secrets expire)`,
        status,
      );
    }
    const body = (await response.json().catch(() => undefined)) as unknown;
    const accessToken = isObject(body) ? str(body.access_token) : undefined;
    if (!isObject(body) || !accessToken) {
      throw new DirectoryPermanentError(`${detail}: Microsoft Entra answered without an access token`);
    }
    return {
      accessToken,
      expiresAt: tokenExpiresAt(body.expires_in, 3600, TOKEN_EXPIRY_MARGIN_SECONDS, this.now()),
    };
  }
}

/** A Graph user (with what enrich found) as the port's DirectoryUser. */
function toUser(
  u: Json,
  extra: { managerId?: string; privileged: boolean; history?: PersonaHistory },
): DirectoryUser {
  const displayName = str(u.displayName) ?? '';
  const mobilePhone = str(u.mobilePhone);
  const hired = str(u.employeeHireDate);
  const lastReset = str(u.lastPasswordChangeDateTime);
  return {
    userId: String(u.id),
    displayName,
    givenName: str(u.givenName) ?? displayName.split(/\s+/)[0] ?? '',
    email: str(u.mail) ?? str(u.userPrincipalName) ?? '',
    ...(mobilePhone ? { mobilePhone } : {}),
    department: str(u.department) ?? '',
    title: str(u.jobTitle) ?? '',
    office: str(u.officeLocation) ?? '',
    country: (str(u.usageLocation) ?? str(u.country) ?? '').toUpperCase(),
    ...(extra.managerId ? { managerId: extra.managerId } : {}),
    startDate: hired && !Number.isNaN(Date.parse(hired)) ? new Date(hired).toISOString().slice(0, 10) : '',
    privileged: extra.privileged,
    enabled: u.accountEnabled === true,
    ...(lastReset ? { lastPasswordResetAt: lastReset } : {}),
    ...extra.history,
  };
}

/** A directoryAudit as a persona event, or undefined when it changes nothing that matters here. */
function historyEvent(audit: Json, userId: string): HistoryEvent | undefined {
  const activity = str(audit.activityDisplayName);
  const at = str(audit.activityDateTime);
  if (!activity || !at) return undefined;
  const result = str(audit.result)?.toLowerCase();
  const attempt = str(audit.correlationId) ?? str(audit.id) ?? at;
  if (activity === SSPR_BLOCKED || (RECOVERY_ACTIVITIES.includes(activity) && result === 'failure')) {
    return { kind: 'recoveryFailed', at, attempt };
  }
  if (result !== 'success') return undefined;
  if (SECURITY_INFO_ACTIVITIES.includes(activity)) return { kind: 'contactChanged', at, attempt };
  if (activity === 'Update user' && changedProperties(audit, userId).some((p) => CONTACT_PROPERTY.test(p))) {
    return { kind: 'contactChanged', at, attempt };
  }
  return undefined;
}

/**
 * The properties an "Update user" changed on this person: each modifiedProperties entry, and the
 * names listed in "Included Updated Properties" (a quoted, comma-separated list).
 */
function changedProperties(audit: Json, userId: string): string[] {
  const targets = Array.isArray(audit.targetResources) ? audit.targetResources.filter(isObject) : [];
  const target = targets.find((t) => str(t.id)?.toLowerCase() === userId.toLowerCase());
  const modified = Array.isArray(target?.modifiedProperties)
    ? target.modifiedProperties.filter(isObject)
    : [];
  return modified.flatMap((p) => {
    const name = str(p.displayName);
    if (name !== 'Included Updated Properties') return name ? [name] : [];
    return (str(p.newValue) ?? '')
      .replace(/"/g, '')
      .split(',')
      .map((n) => n.trim())
      .filter((n) => n !== '');
  });
}

function list(body: Json | undefined): Json[] {
  const value = body?.value;
  return Array.isArray(value) ? value.filter(isObject) : [];
}

const isGuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

/** Whether a 400 on a password reset is the password policy speaking (complexity, banned list, history). */
function isPasswordPolicy(message: string): boolean {
  return (
    /password/i.test(message) &&
    /complex|comply|requirement|polic|banned|history|too short|too long|length|strength|weak|common/i.test(
      message,
    )
  );
}
