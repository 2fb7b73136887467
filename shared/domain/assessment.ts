/**
 * Turns graded answers and what we know about the requester into a 0-10 risk score (higher is
 * riskier), a level, an outcome and the reasons, following DESIGN.md §6 in miniature:
 * hard rules first, then capped points per category. Questions alone never pass (NIST SP
 * 800-63A-4): a signal other than the answers must vouch, here the link having gone to the
 * contact on record. The verification engine issue adds network, endpoint and richer persona signals.
 */
import type { DirectoryUser } from '../ports.js';
import type { Grade } from './questions.js';
import type { Assessment, OutcomeStatus, Reason, RiskLevel } from './verification.js';

export interface ScoringPolicy {
  minAnswered: number;
  /** Scores below this are Verified. */
  mediumFrom: number;
  /** Scores at or above this are High. */
  highFrom: number;
}

export const DEFAULT_SCORING: ScoringPolicy = { minAnswered: 3, mediumFrom: 4, highFrom: 7 };

const CATEGORY_CAP: Record<Reason['category'], number> = {
  network: 4,
  endpoint: 4,
  persona: 6,
  questions: 8,
};

export const RECOMMENDATIONS: Record<RiskLevel, string> = {
  verified: 'User verified successfully - proceed with the action',
  medium: 'Medium risk - step up: call back the number on record or get manager approval',
  high: 'High risk detected - reject this request and escalate',
};

export interface AssessmentInput {
  requester: DirectoryUser;
  destinationIsContactOnRecord: boolean;
  grades: Map<string, Grade>;
  policy: ScoringPolicy;
}

export function assess(input: AssessmentInput): { status: OutcomeStatus; assessment: Assessment } {
  const { requester, grades, policy } = input;
  const values = [...grades.values()];
  const answered = values.filter((g) => g !== 'skipped').length;
  const correct = values.filter((g) => g === 'correct').length;
  const wrong = answered - correct;
  const skipped = values.length - answered;

  const hard: Reason[] = [];
  if (requester.privileged) {
    hard.push({
      code: 'PRIVILEGED_ACCOUNT',
      category: 'persona',
      points: 10,
      evidence: 'directory: privileged=true',
      message: 'Privileged account: self-service verification is not allowed, verify in person',
    });
  }
  if (!requester.enabled) {
    hard.push({
      code: 'ACCOUNT_DISABLED',
      category: 'persona',
      points: 10,
      evidence: 'directory: enabled=false',
      message: 'The account is disabled in the directory',
    });
  }
  if (hard.length > 0) {
    return { status: 'failed', assessment: result(10, 'high', hard, answered, correct) };
  }

  const reasons: Reason[] = [];
  if (wrong > 0) {
    reasons.push({
      code: 'WRONG_ANSWERS',
      category: 'questions',
      points: 4 * wrong,
      evidence: `${wrong} of ${values.length} wrong`,
      message: `${wrong} challenge question${wrong > 1 ? 's' : ''} answered wrongly`,
    });
  }
  if (skipped > 0) {
    reasons.push({
      code: 'SKIPPED_QUESTIONS',
      category: 'questions',
      points: skipped,
      evidence: `${skipped} of ${values.length} skipped`,
      message: `${skipped} challenge question${skipped > 1 ? 's' : ''} skipped`,
    });
  }
  if (input.destinationIsContactOnRecord) {
    reasons.push({
      code: 'CONTACT_ON_RECORD',
      category: 'persona',
      points: 0,
      evidence: 'link sent to the directory contact',
      message: 'The link was sent to the contact on record',
    });
  } else {
    reasons.push({
      code: 'AGENT_TYPED_DESTINATION',
      category: 'persona',
      points: 4,
      evidence: 'destination typed by the agent',
      message: 'The link went to an address the agent typed, not the contact on record',
    });
  }

  const perCategory = new Map<Reason['category'], number>();
  for (const r of reasons) perCategory.set(r.category, (perCategory.get(r.category) ?? 0) + r.points);
  const raw = [...perCategory].reduce(
    (sum, [category, points]) => sum + Math.min(points, CATEGORY_CAP[category]),
    0,
  );
  const score = Math.min(10, raw);
  const level: RiskLevel =
    score >= policy.highFrom ? 'high' : score >= policy.mediumFrom ? 'medium' : 'verified';
  const vouched = reasons.some((r) => r.category !== 'questions' && r.points <= 0);

  const status: OutcomeStatus =
    answered < policy.minAnswered
      ? 'not_enough_questions'
      : level === 'verified' && vouched
        ? 'passed'
        : 'failed';
  return { status, assessment: result(score, level, reasons, answered, correct) };
}

function result(
  score: number,
  level: RiskLevel,
  reasons: Reason[],
  answered: number,
  correct: number,
): Assessment {
  const sorted = [...reasons].sort((a, b) => b.points - a.points);
  return {
    riskScore: score,
    riskLevel: level,
    reasons: sorted,
    recommendation: RECOMMENDATIONS[level],
    answered,
    correct,
  };
}
