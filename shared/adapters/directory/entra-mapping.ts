/**
 * Microsoft Graph's users and audit events as this adapter reads them: what is selected, which
 * roles count as privileged, and how a user and an audit event become the port's types.
 */
import type { DirectoryUser } from '../../domain/model/person.js';
import { isObject, type Json, str } from './errors.js';
import type { HistoryEvent, PersonaHistory } from './persona-history.js';

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
export const SAMPLE_PAGE_SIZE = 100;
export const SAMPLE_MAX_PAGES = 3;
/** Audit events read per lookup (one page, newest first). */
export const AUDIT_PAGE_SIZE = 100;
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
export const MEMBERSHIP_MAX_PAGES = 10;

/** A Graph user (with what enrich found) as the port's DirectoryUser. */
export function toUser(
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
export function historyEvent(audit: Json, userId: string): HistoryEvent | undefined {
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

export function list(body: Json | undefined): Json[] {
  const value = body?.value;
  return Array.isArray(value) ? value.filter(isObject) : [];
}

const isGuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

/**
 * Whether a transitiveMemberOf object makes its member privileged: a directory role among
 * `roleNames` (display names or template ids; default the administrator roles above), or a group
 * among `groupIds`.
 */
export function privilegedMembership(
  roleNames: string[] | undefined,
  groupIds: string[] | undefined,
): (o: Json) => boolean {
  const configured = (roleNames ?? Object.keys(DEFAULT_PRIVILEGED_ROLES)).map((r) => r.trim().toLowerCase());
  const known = new Map(Object.entries(DEFAULT_PRIVILEGED_ROLES).map(([k, v]) => [k.toLowerCase(), v]));
  const names = new Set(configured);
  const templateIds = new Set(
    configured.map((r) => (isGuid(r) ? r : known.get(r))).filter((r): r is string => r !== undefined),
  );
  const groups = new Set((groupIds ?? []).map((g) => g.trim().toLowerCase()));
  return (o) => {
    const type = str(o['@odata.type']);
    if (type === '#microsoft.graph.directoryRole') {
      const name = str(o.displayName)?.toLowerCase();
      const template = str(o.roleTemplateId)?.toLowerCase();
      // Without permission to read roles Graph sends only the type and id: an unknown role counts.
      if (name === undefined && template === undefined) return true;
      return (name !== undefined && names.has(name)) || (template !== undefined && templateIds.has(template));
    }
    const id = str(o.id)?.toLowerCase();
    return type === '#microsoft.graph.group' && id !== undefined && groups.has(id);
  };
}
