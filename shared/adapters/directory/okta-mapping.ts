/**
 * Okta's users and System Log events as this adapter reads them: which events matter, and how a
 * user and an event become the port's types.
 */

import type { DirectoryUser } from '../../domain/model/person.js';
import { looksLikeEmployeeId } from '../../ports/directory.js';
import { isObject, type Json, str } from './errors.js';
import type { HistoryEvent, PersonaHistory } from './persona-history.js';

/** Where the profile keeps what the base profile has no attribute for. */
export interface ProfileAttributes {
  officeAttribute?: string;
  startDateAttribute?: string;
}

/** Users read per page when sampling decoys, and pages at most. */
export const SAMPLE_PAGE_SIZE = 100;
export const SAMPLE_MAX_PAGES = 3;
/** Group pages read at most; more than that counts as privileged. */
export const GROUP_MAX_PAGES = 10;
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
export const OKTA_USER_ID = /^00u[0-9A-Za-z]{10,}$/;

/** An Okta user (with what enrich found) as the port's DirectoryUser. */
export function toUser(
  u: Json,
  attributes: ProfileAttributes,
  privileged: boolean,
  history?: PersonaHistory,
): DirectoryUser {
  const p = profile(u);
  const mobilePhone = str(p.mobilePhone);
  const managerId = str(p.managerId);
  const passwordChanged = str(u.passwordChanged);
  const start = attributes.startDateAttribute ? str(p[attributes.startDateAttribute]) : undefined;
  return {
    userId: String(u.id),
    displayName: displayName(u),
    givenName: str(p.firstName) ?? '',
    email: str(p.email) ?? str(p.login) ?? '',
    ...(mobilePhone ? { mobilePhone } : {}),
    department: str(p.department) ?? '',
    title: str(p.title) ?? '',
    office: str(p[attributes.officeAttribute ?? 'city']) ?? '',
    country: (str(p.countryCode) ?? '').toUpperCase(),
    ...(managerId ? { managerId } : {}),
    startDate: start && !Number.isNaN(Date.parse(start)) ? new Date(start).toISOString().slice(0, 10) : '',
    privileged,
    enabled: ENABLED_STATUSES.has(String(u.status)),
    ...(passwordChanged ? { lastPasswordResetAt: passwordChanged } : {}),
    ...history,
  };
}

/** A System Log event as a persona event, or undefined when it changes nothing that matters here. */
export function historyEvent(event: Json, userId: string): HistoryEvent | undefined {
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

export function profile(u: Json): Json {
  return isObject(u.profile) ? u.profile : {};
}

export function displayName(u: Json): string {
  const p = profile(u);
  return (
    str(p.displayName) ??
    [str(p.firstName), str(p.lastName)]
      .filter((s) => s !== undefined)
      .join(' ')
      .trim()
  );
}

export function asList(body: unknown): Json[] {
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
 * The System Log query for one person's events that matter: the window, the person as target
 * and the event types, newest first, one page. The caller has checked the id is alphanumeric.
 */
export function logQuery(userId: string, since: Date, until: Date): string {
  const types = LOG_EVENT_TYPES.map((t) => `eventType eq "${t}"`).join(' or ');
  const query = new URLSearchParams({
    since: isoSeconds(since),
    until: isoSeconds(until),
    filter: `target.id eq "${userId}" and (${types})`,
    sortOrder: 'DESCENDING',
    limit: String(LOG_PAGE_SIZE),
  });
  return query.toString().replace(/\+/g, '%20');
}

/** The SCIM filter of a people search (see okta.ts); `q` holds no quote or backslash. */
export function searchExpression(q: string): string {
  if (looksLikeEmployeeId(q)) return `profile.employeeNumber eq "${q}"`;
  if (q.includes('@')) return `profile.email sw "${q}" or profile.login sw "${q}"`;
  const words = q.split(' ');
  const first = words[0] ?? q;
  const last = words[words.length - 1] ?? q;
  if (words.length > 1) return `profile.firstName sw "${first}" and profile.lastName sw "${last}"`;
  return `profile.firstName sw "${q}" or profile.lastName sw "${q}" or profile.email sw "${q}"`;
}
