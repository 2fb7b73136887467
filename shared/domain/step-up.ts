/**
 * The step-up with the manager's approval (README "Assurance"): when the answers alone would have
 * passed but the person's tier or the action needs a strong proof, the requester's manager, as the
 * directory has them (never a name anyone typed), is asked on their own contact on record. Pure
 * rules: who may be asked, what they are told (who asks, for what, on which ticket, from where;
 * never the answers or the score), and the reason each decision adds to the assessment.
 */
import { countryName } from './countries.js';
import { maskDestination } from './mask.js';
import type { DirectoryUser } from './model/person.js';
import type { Channel, ManagerDecision, Reason, Verification } from './model/verification.js';
import { MANAGER_DENIED, MANAGER_REPORTED, MANAGER_UNAVAILABLE } from './verdict.js';

export const DEFAULT_MANAGER_APPROVAL_SECONDS = 1800;

/** The manager who may approve, and where to reach them; or why nobody can. */
export type ManagerChoice =
  | { ok: true; manager: DirectoryUser; channel: Channel; to: string; masked: string }
  | { ok: false; why: string };

/**
 * The manager from the directory: the requester's managerId, looked up there. Not the requester
 * themselves, not a disabled account, and only with a contact on record (email preferred).
 */
export function managerChoice(
  requester: Pick<DirectoryUser, 'userId' | 'managerId'>,
  manager: DirectoryUser | undefined,
): ManagerChoice {
  if (!requester.managerId) return { ok: false, why: 'the directory has no manager for this person' };
  if (!manager) return { ok: false, why: 'the manager on record is not in the directory' };
  if (manager.userId === requester.userId)
    return { ok: false, why: 'the manager on record is the requester themselves' };
  if (!manager.enabled) return { ok: false, why: "the manager's account is disabled" };
  const email = manager.email?.trim();
  if (email)
    return { ok: true, manager, channel: 'email', to: email, masked: maskDestination('email', email) };
  const phone = manager.mobilePhone?.trim();
  if (phone) return { ok: true, manager, channel: 'sms', to: phone, masked: maskDestination('sms', phone) };
  return { ok: false, why: 'the manager has no email or mobile number on record' };
}

const ACTION_WORDS: Record<string, string> = {
  password_reset: 'a password reset',
  mfa_reset: 'an MFA reset',
  account_unlock: 'an account unlock',
};

/** What is asked for, in words: the requested action, else the ticket's category. */
export function actionWords(v: Pick<Verification, 'requestedAction' | 'category'>): string {
  return ACTION_WORDS[v.requestedAction ?? ''] ?? ACTION_WORDS[v.category] ?? `"${v.category}"`;
}

/** Where the requester connected from, as the server saw it (country and network), never the address. */
export function seenFrom(v: Pick<Verification, 'client'>): { country?: string; network?: string } {
  return {
    country: v.client?.ipCountry ? countryName(v.client.ipCountry) : undefined,
    network: v.client?.asOrg,
  };
}

/** The message to the manager: who asks, for what, on which ticket, from where. Never answers or score. */
export function managerMessage(
  v: Verification,
  manager: Pick<DirectoryUser, 'givenName'>,
  link: string,
  validFor: string,
  channel: Channel,
) {
  const from = seenFrom(v);
  const where = [from.country, from.network && `${from.network} network`].filter(Boolean).join(', ');
  const what = `${v.requesterName} asked the IT help desk for ${actionWords(v)} (ticket ${v.ticketNumber})`;
  const text =
    channel === 'sms'
      ? `IT help desk: ${what}${where ? ` from ${where}` : ''}. Approve or deny: ${link} (valid ${validFor})`
      : `Hello ${manager.givenName},\n\n${what}${where ? `, connecting from ${where}` : ''}. Their account needs your approval before the help desk goes ahead.\n\nOpen this link to approve, deny, or tell us this is not right (valid for ${validFor}):\n${link}\n\nIf you do not know about this request, choose "This is not right": the help desk will stop and security will be told.`;
  return { subject: `Approve a help-desk request for ${v.requesterName}?`, text };
}

const reason = (code: string, points: number, evidence: string, message: string): Reason => ({
  code,
  category: 'persona',
  points,
  evidence,
  message,
  verifiedBy: 'server',
});

/** No manager can be asked: no strong proof is possible this way. */
export const managerUnavailableReason = (why: string): Reason =>
  reason(MANAGER_UNAVAILABLE, 0, why, `No manager approval was possible: ${why}`);

/** What the manager's decision (or silence) adds to the assessment. */
export function decisionReason(
  decision: ManagerDecision | 'no_answer',
  managerName: string,
): Reason | undefined {
  if (decision === 'approve') return undefined;
  if (decision === 'not_right')
    return reason(
      MANAGER_REPORTED,
      10,
      `"This is not right" chosen by ${managerName} on the approval page`,
      "The requester's manager says this request is not right",
    );
  if (decision === 'deny')
    return reason(
      MANAGER_DENIED,
      0,
      `denied by ${managerName}`,
      "The requester's manager declined to approve",
    );
  return reason(
    'MANAGER_NO_ANSWER',
    0,
    `${managerName} did not answer in time`,
    'The manager did not answer before the approval request expired',
  );
}

/** The manager's link is usable: the verification waits for it, it is theirs and still valid. */
export function managerLinkProblem(
  v: Pick<Verification, 'status' | 'stepUp'>,
  tokenHash: string,
  now: Date,
): { code: string; message: string; kind: 'not_found' | 'expired' | 'used' } | undefined {
  const s = v.stepUp;
  if (!s?.tokenHash || s.tokenHash !== tokenHash)
    return { code: 'MANAGER_LINK_NOT_FOUND', message: 'This approval link is not valid', kind: 'not_found' };
  if (s.decision || v.status !== 'step_up')
    return {
      code: 'MANAGER_LINK_USED',
      message: 'This request was already answered or closed',
      kind: 'used',
    };
  if (!s.expiresAt || Date.parse(s.expiresAt) <= now.getTime())
    return { code: 'MANAGER_LINK_EXPIRED', message: 'This approval link has expired', kind: 'expired' };
  return undefined;
}
