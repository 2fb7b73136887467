/**
 * What a verification's result means to the person reading it: the one source for the outcome and
 * level labels and the recommendation, used by the ticket note, the console (badge, table,
 * dashboard, CSV) and the assessment itself. Only Passed ever says "verified" or "proceed": every
 * other outcome (Failed, Not Enough Questions, Timed Out, Cancelled) says "not verified" and what
 * to do instead.
 */
import type { Assessment, RiskLevel, VerificationStatus } from './model/verification.js';

export const OUTCOME_LABELS: Record<VerificationStatus, string> = {
  sent: 'Link sent',
  in_progress: 'In progress',
  step_up: 'Awaiting manager approval',
  passed: 'Passed',
  failed: 'Failed',
  not_enough_questions: 'Not Enough Questions',
  timed_out: 'Timed Out',
  cancelled: 'Cancelled',
};

/** The reason code of "I did not ask for this": it outranks every other signal. */
export const REQUESTER_DENIED = 'REQUESTER_DENIED';

/** The manager said "This is not right" on their approval page: an alert like REQUESTER_DENIED. */
export const MANAGER_REPORTED = 'MANAGER_REPORTED';
/** The manager declined to approve. */
export const MANAGER_DENIED = 'MANAGER_DENIED';
/** No manager on record can be asked (none, the same person, disabled, or no contact). */
export const MANAGER_UNAVAILABLE = 'MANAGER_UNAVAILABLE';

/** The reason code of a request whose person or action needs a strong proof that was not given. */
export const STRONG_PROOF_MISSING = 'STRONG_PROOF_MISSING';

/**
 * The recommendation for each result. `verified` is the only one that says proceed, and it is
 * only ever given with the outcome Passed.
 */
export const RECOMMENDATIONS = {
  verified: 'Identity verified - proceed with the requested action',
  medium:
    'Not verified (medium risk) - do not proceed; step up: call back on the number on record or get manager approval',
  high: 'Not verified (high risk) - reject this request and escalate',
  strongProofMissing:
    'Not verified: this account or action needs a strong proof on top of the answers - do not proceed until the person approves a push on their enrolled authenticator or their manager approves (call the manager on the number on record)',
  notEnoughQuestions:
    'Not verified: too few questions were answered - do not proceed; send a new link or follow the escalation procedure',
  timedOut:
    'Not verified: the link expired before the requester finished - do not proceed; send a new link or follow the escalation procedure',
  cancelled: 'Not verified: this verification was cancelled - do not proceed on it',
  managerDenied:
    "Not verified: the requester's manager declined to approve this request - do not proceed; follow the escalation procedure",
  managerUnavailable:
    'Not verified: this request needs a strong proof and no manager on record can approve it - do not proceed; get a push approval on their enrolled authenticator or follow the escalation procedure',
  managerReported:
    "URGENT: the requester's manager says this request is not right - someone may be impersonating the requester right now. Do not proceed; end the call and escalate to security",
  requesterDenied:
    'URGENT: the person says they did not ask for this - someone may be impersonating them right now. Do not proceed; end the call and escalate to security',
} as const;

const NOT_YET = 'Not verified yet - wait for the requester to finish';
const AWAITING_MANAGER = "Not verified yet - waiting for the manager's approval; do not proceed";

export interface Verdict {
  /** Passed, Failed, Not Enough Questions, Timed Out, Cancelled (or Link sent / In progress). */
  outcome: string;
  /** Verified only for Passed; "Not verified" when there is no score (Timed Out, Cancelled). */
  level: string;
  recommendation: string;
  /** True for Passed only: the one case an agent may go ahead. */
  proceed: boolean;
  /** The requester said "I did not ask for this". */
  urgent: boolean;
}

const LEVEL_LABELS: Record<RiskLevel, string> = {
  verified: 'Verified',
  medium: 'Medium',
  high: 'High',
};

/** The label of a risk level as people read it; a level is Verified only on a pass. */
export function levelLabel(status: VerificationStatus, level: RiskLevel | undefined): string {
  if (!level) return status === 'passed' ? 'Verified' : 'Not verified';
  if (level === 'verified' && status !== 'passed') return 'Not verified';
  return LEVEL_LABELS[level];
}

export function verdictOf(
  status: VerificationStatus,
  assessment?: Pick<Assessment, 'riskLevel' | 'reasons'>,
): Verdict {
  const has = (code: string) => assessment?.reasons.some((r) => r.code === code) ?? false;
  const managerReported = has(MANAGER_REPORTED);
  const urgent = has(REQUESTER_DENIED) || managerReported;
  const byStatus: Record<VerificationStatus, string> = {
    sent: NOT_YET,
    in_progress: NOT_YET,
    step_up: AWAITING_MANAGER,
    passed: RECOMMENDATIONS.verified,
    failed:
      assessment?.riskLevel === 'high'
        ? RECOMMENDATIONS.high
        : has(MANAGER_DENIED)
          ? RECOMMENDATIONS.managerDenied
          : has(MANAGER_UNAVAILABLE)
            ? RECOMMENDATIONS.managerUnavailable
            : has(STRONG_PROOF_MISSING)
              ? RECOMMENDATIONS.strongProofMissing
              : RECOMMENDATIONS.medium,
    not_enough_questions: RECOMMENDATIONS.notEnoughQuestions,
    timed_out: RECOMMENDATIONS.timedOut,
    cancelled: RECOMMENDATIONS.cancelled,
  };
  const recommendation = managerReported
    ? RECOMMENDATIONS.managerReported
    : urgent
      ? RECOMMENDATIONS.requesterDenied
      : byStatus[status];
  return {
    outcome: OUTCOME_LABELS[status],
    level: levelLabel(status, assessment?.riskLevel),
    recommendation,
    proceed: status === 'passed' && !urgent,
    urgent,
  };
}
