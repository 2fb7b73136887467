/**
 * The risk score (DESIGN.md §6): every signal, from every category, is a reason
 * `{code, category, points, evidence, message}`. Hard rules first (privileged, disabled,
 * automation, Tor, too many attempts: 10, High, Failed); then points summed per category, each
 * category capped, credits allowed, the total kept within 0-10. Levels: under `mediumFrom`
 * Verified, under `highFrom` Medium, else High. Questions alone never pass (NIST SP 800-63A-4): a
 * non-question signal must vouch (the contact on record, a known device, corporate egress).
 * Every number is a setting.
 */
import type { Grade } from './questions.js';
import { RECOMMENDATIONS, REQUESTER_DENIED, verdictOf } from './verdict.js';
import type { Assessment, OutcomeStatus, Reason, RiskLevel } from './verification.js';

export { RECOMMENDATIONS };

export interface ScoringPolicy {
  minAnswered: number;
  /** Scores below this are Verified. */
  mediumFrom: number;
  /** Scores at or above this are High. */
  highFrom: number;
  caps: Record<Reason['category'], number>;
  points: { invalid: number; partial: number; skipped: number };
}

export const DEFAULT_SCORING: ScoringPolicy = {
  minAnswered: 3,
  mediumFrom: 4,
  highFrom: 7,
  caps: { network: 5, endpoint: 5, persona: 6, questions: 8 },
  points: { invalid: 4, partial: 1.5, skipped: 1 },
};

/** Reasons that decide on their own. */
export const HARD_RULES = new Set([
  'PRIVILEGED_ACCOUNT',
  'ACCOUNT_DISABLED',
  'AUTOMATION_DETECTED',
  'TOR_EXIT',
  'TOO_MANY_ATTEMPTS',
  REQUESTER_DENIED,
]);

/** Signals other than the answers that can vouch for the requester. */
export const VOUCHES = new Set(['CONTACT_ON_RECORD', 'KNOWN_DEVICE', 'CORPORATE_EGRESS']);

export interface AssessmentInput {
  /** Network, endpoint and persona reasons. */
  signals: Reason[];
  grades: Map<string, Grade>;
  /** How much a question counts (how private its fact is); 1 when absent. */
  weights?: Map<string, number>;
  policy: ScoringPolicy;
}

function questionReasons(
  grades: Map<string, Grade>,
  weights: Map<string, number>,
  policy: ScoringPolicy,
): Reason[] {
  const total = grades.size;
  const reasons: Reason[] = [];
  for (const grade of ['invalid', 'partial', 'skipped'] as const) {
    const ids = [...grades].filter(([, g]) => g === grade).map(([id]) => id);
    if (ids.length === 0) continue;
    // A wrong answer costs more the more private the fact; a skip costs the same whatever it was.
    const weight = (id: string) => (grade === 'skipped' ? 1 : (weights.get(id) ?? 1));
    const points = Math.min(
      policy.caps.questions,
      ids.reduce((sum, id) => sum + policy.points[grade] * weight(id), 0),
    );
    const n = ids.length;
    const what = { invalid: 'answered wrongly', partial: 'answered only in part', skipped: 'skipped' }[grade];
    reasons.push({
      code: { invalid: 'WRONG_ANSWERS', partial: 'PARTIAL_ANSWERS', skipped: 'SKIPPED_QUESTIONS' }[grade],
      category: 'questions',
      points: Math.round(points * 10) / 10,
      evidence: `${n} of ${total} ${grade}`,
      message: `${n} challenge question${n > 1 ? 's' : ''} ${what}`,
    });
  }
  return reasons;
}

export function assess(input: AssessmentInput): { status: OutcomeStatus; assessment: Assessment } {
  const { grades, policy } = input;
  const values = [...grades.values()];
  const answered = values.filter((g) => g !== 'skipped').length;
  const correct = values.filter((g) => g === 'correct').length;
  const reasons = [...input.signals, ...questionReasons(grades, input.weights ?? new Map(), policy)];

  const hard = reasons.filter((r) => HARD_RULES.has(r.code));
  if (hard.length > 0)
    return { status: 'failed', assessment: result('failed', 10, 'high', reasons, answered, correct) };

  const perCategory = new Map<Reason['category'], number>();
  for (const r of reasons) perCategory.set(r.category, (perCategory.get(r.category) ?? 0) + r.points);
  const raw = [...perCategory].reduce(
    (sum, [category, points]) => sum + Math.min(points, policy.caps[category]),
    0,
  );
  const score = Math.round(Math.min(10, Math.max(0, raw)) * 10) / 10;
  const level: RiskLevel =
    score >= policy.highFrom ? 'high' : score >= policy.mediumFrom ? 'medium' : 'verified';
  const vouched = reasons.some((r) => VOUCHES.has(r.code));

  const status: OutcomeStatus =
    answered < policy.minAnswered
      ? 'not_enough_questions'
      : level === 'verified' && vouched
        ? 'passed'
        : 'failed';
  if (level === 'verified' && !vouched && status === 'failed') {
    // Questions alone never pass: say so, so the agent knows why a clean score still failed.
    reasons.push({
      code: 'NO_INDEPENDENT_SIGNAL',
      category: 'persona',
      points: 0,
      evidence: 'no vouching signal',
      message: 'Nothing but the answers vouched for the requester',
    });
  }
  return { status, assessment: result(status, score, level, reasons, answered, correct) };
}

/** A level reads Verified only on a pass: any other outcome with a low score is at least Medium. */
function result(
  status: OutcomeStatus,
  score: number,
  scoredLevel: RiskLevel,
  reasons: Reason[],
  answered: number,
  correct: number,
): Assessment {
  const sorted = [...reasons].sort((a, b) => b.points - a.points);
  const riskLevel: RiskLevel = status !== 'passed' && scoredLevel === 'verified' ? 'medium' : scoredLevel;
  return {
    riskScore: score,
    riskLevel,
    reasons: sorted,
    recommendation: verdictOf(status, { riskLevel, reasons: sorted }).recommendation,
    answered,
    correct,
  };
}
