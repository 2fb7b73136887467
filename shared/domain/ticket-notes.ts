/**
 * The words written to the ticket. Each note stands on its own: an agent reading the ticket months
 * later sees what happened, the verification ID and where to look. No answers, no contact details.
 */
import { describeAssurance } from './assurance.js';
import type { TicketNote } from './model/ticket.js';
import type { Verification } from './model/verification.js';
import { verdictOf } from './verdict.js';

/** The reference a note carries so a connector can find it again: unique per verification and write. */
export function noteMarker(verificationId: string, write: string): string {
  return `HV-${verificationId}-${write}`;
}

/** The note's text with its marker as the last line (plain text every ITSM keeps as written). */
export function markedText(note: TicketNote): string {
  return note.marker ? `${note.text}\nRef: ${note.marker}` : note.text;
}

export function linkEntryNote(sendUrl: string): TicketNote {
  return {
    text: 'Helpdesk Verify: this request requires identity verification before any sensitive action. Use "Send Verification Link" to send the requester a secure verification link.',
    link: { label: 'Send Verification Link', url: sendUrl },
  };
}

export function sentNote(v: Verification): TicketNote {
  return {
    text: `Helpdesk Verify: verification link sent by ${v.agent} via ${v.channel === 'sms' ? 'SMS' : 'email'} to ${v.destinationMasked}${v.destinationIsContactOnRecord ? ' (contact on record)' : ' (typed by the agent, not the contact on record)'}. The link expires at ${v.linkExpiresAt.slice(0, 16).replace('T', ' ')} UTC. Verification ID: ${v.verificationId}.`,
  };
}

export function openedNote(v: Verification): TicketNote {
  return {
    text: `Helpdesk Verify: the requester opened the verification link; verification in progress. Verification ID: ${v.verificationId}.`,
  };
}

/** The step-up began: whose approval is asked, how and until when (never the answers or the score). */
export function stepUpNote(v: Verification): TicketNote {
  const s = v.stepUp;
  const until = s?.expiresAt ? ` until ${s.expiresAt.slice(0, 16).replace('T', ' ')} UTC` : '';
  const asked = s?.managerName
    ? `approval requested from the requester's manager on record, ${s.managerName}, via ${s.channel === 'sms' ? 'SMS' : 'email'} to ${s.destinationMasked}${until}`
    : "the manager's approval is being requested";
  return {
    text: `Helpdesk Verify: the requester finished the questions; this account or action needs a strong proof on top of them: ${asked}. Not verified yet - do not proceed. Verification ID: ${v.verificationId}.`,
  };
}

const DECISION_WORDS = {
  approve: 'approved',
  deny: 'denied',
  not_right: 'reported "This is not right"',
  no_answer: 'did not answer in time',
} as const;

/** What the step-up came to, for the outcome note. */
function stepUpLine(v: Verification): string | undefined {
  const s = v.stepUp;
  if (!s) return undefined;
  if (s.unavailable) return `Manager approval: not possible (${s.unavailable}).`;
  if (!s.decision) return undefined;
  const at = s.decidedAt ? ` at ${s.decidedAt.slice(0, 16).replace('T', ' ')} UTC` : '';
  return `Manager approval: ${s.managerName ?? 'the manager'} ${DECISION_WORDS[s.decision]}${s.decision === 'no_answer' ? '' : at}.`;
}

/**
 * The outcome note. With `outcomeOnly` (the connection shows agents only the outcome and the
 * recommendation), the note leaves out the score and the reasons: agents read the ticket too.
 */
export function outcomeNote(
  v: Verification,
  consoleUrl: string,
  options: { outcomeOnly?: boolean } = {},
): TicketNote {
  const verdict = verdictOf(v.status, v.assessment);
  const lines = [
    `${verdict.urgent ? 'URGENT - ' : ''}Helpdesk Verify: identity verification ${verdict.outcome}${verdict.proceed ? '' : ' - NOT verified'}.`,
  ];
  if (v.assessment && !options.outcomeOnly) {
    const a = v.assessment;
    lines.push(`Risk: ${verdict.level} (score ${a.riskScore.toFixed(1)} of 10).`);
    const top = a.reasons.filter((r) => r.points !== 0).slice(0, 3);
    if (top.length > 0) lines.push(`Top reasons: ${top.map((r) => r.message).join('; ')}.`);
  }
  // Which proofs were needed, given and missing: what the agent must still get (never a score).
  if (v.assessment?.assurance) lines.push(`Proofs: ${describeAssurance(v.assessment.assurance)}.`);
  const stepUp = stepUpLine(v);
  if (stepUp) lines.push(stepUp);
  const progress = progressLine(v);
  if (progress) lines.push(progress);
  lines.push(`Recommendation: ${verdict.recommendation}.`);
  lines.push(
    `Verification ID: ${v.verificationId}. Sent by ${v.agent} via ${v.channel} to ${v.destinationMasked}.`,
  );
  return { text: lines.join('\n'), link: { label: 'Open in Helpdesk Verify', url: consoleUrl } };
}

/** How far the person got, for the outcomes that stop short of a verdict on the answers. */
function progressLine(v: Verification): string | undefined {
  if (v.status !== 'not_enough_questions' && v.status !== 'timed_out') return undefined;
  const asked = v.questions?.length ?? 0;
  const answered = (v.answers ?? []).filter((a) => a.grade !== 'skipped').length;
  const got = `answered ${answered} of ${asked} question${asked === 1 ? '' : 's'}`;
  if (v.status === 'not_enough_questions') return `The requester ${got}: too few to verify.`;
  if (!v.openedAt && asked === 0) return 'The requester never opened the link before it expired.';
  return `The requester ${got} before the link expired.`;
}

/**
 * An agent cancelled the verification, or resent it (which cancels the open one): who, when, and
 * that the link sent before no longer works.
 */
export function cancelledNote(
  v: Verification,
  by: { actor: string; at: string; resend: boolean },
): TicketNote {
  const when = `${by.at.slice(0, 16).replace('T', ' ')} UTC`;
  const what = by.resend
    ? `verification superseded by a resend from ${by.actor} at ${when}: a new link was sent`
    : `verification cancelled by ${by.actor} at ${when}`;
  return {
    text: `Helpdesk Verify: ${what}. The link sent earlier to ${v.destinationMasked} no longer works. Not verified - do not proceed on it. Verification ID: ${v.verificationId}.`,
  };
}

export function actionNote(v: Verification): TicketNote {
  return {
    text: `Helpdesk Verify: the verified requester reset their password through the self-service portal. Verification ID: ${v.verificationId}.`,
  };
}

export function resolveNote(v: Verification): string {
  return `Resolved automatically by Helpdesk Verify: requester verified (ID ${v.verificationId}) and completed the password reset.`;
}
