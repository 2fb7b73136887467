/**
 * The risk score (DESIGN.md §6): every signal, from every category, is a reason
 * `{code, category, points, evidence, message}`. Hard rules first (privileged, disabled,
 * automation, Tor, too many attempts: 10, High, Failed); then points summed per category, each
 * category capped, credits allowed, the total kept within 0-10. Levels: under `mediumFrom`
 * Verified, under `highFrom` Medium, else High. Questions alone never pass (NIST SP 800-63A-4): a
 * non-question signal must vouch (the contact on record, a known device, corporate egress). And
 * the contact on record plus public facts never pass either: the answers must show `minKnowledge`
 * of private knowledge (questions weigh by how private their fact is), and a private fact answered
 * wrongly or skipped is Medium. A level reads Verified only on a pass. Every number is a setting.
 */

import type { AssuranceReport } from './model/assurance.js';
import type { Grade } from './model/question.js';
import type { Assessment, OutcomeStatus, Reason, RiskLevel } from './model/verification.js';
import {
  MANAGER_REPORTED,
  RECOMMENDATIONS,
  REQUESTER_DENIED,
  STRONG_PROOF_MISSING,
  verdictOf,
} from './verdict.js';

export { RECOMMENDATIONS };

export interface ScoringPolicy {
  minAnswered: number;
  /** Scores below this are Verified. */
  mediumFrom: number;
  /** Scores at or above this are High. */
  highFrom: number;
  caps: Record<Reason['category'], number>;
  /** Points per unit of a question's weight. */
  points: { invalid: number; partial: number };
  /**
   * A question at least this private (its weight) is a private fact: answering it wrongly or
   * skipping it is never a pass (at least `mediumFrom` points), since the real person knows it.
   */
  privateFrom: number;
  /**
   * How much private knowledge the answers must show to pass: the sum of the weights of the
   * questions answered right (half for a partial answer). Public facts weigh almost nothing, so a
   * caller who knows what LinkedIn shows and holds the contact on record cannot reach it. Per
   * channel: an SMS can reach whoever took over the number (a SIM swap), so it needs what only the
   * person knows (one of their own tickets) on top of what a teammate could know; a work mailbox
   * is harder to hold, so team knowledge with it is enough.
   */
  minKnowledge: Record<'sms' | 'email', number>;
}

export const DEFAULT_SCORING: ScoringPolicy = {
  minAnswered: 3,
  mediumFrom: 4,
  highFrom: 7,
  caps: { network: 5, endpoint: 5, persona: 6, questions: 8 },
  points: { invalid: 4, partial: 1.5 },
  privateFrom: 0.5,
  minKnowledge: { sms: 3.75, email: 3 },
};

/** Reasons that decide on their own. */
const HARD_RULES = new Set([
  'ACCOUNT_DISABLED',
  'AUTOMATION_DETECTED',
  'TOR_EXIT',
  'TOO_MANY_ATTEMPTS',
  REQUESTER_DENIED,
  MANAGER_REPORTED,
]);

/** Signals other than the answers that can vouch for the requester. */
export const VOUCHES = new Set(['CONTACT_ON_RECORD', 'KNOWN_DEVICE', 'CORPORATE_EGRESS']);

export interface AssessmentInput {
  /** How the link went out: how much private knowledge a pass needs (`minKnowledge`). */
  channel?: 'sms' | 'email';
  /** Network, endpoint and persona reasons. */
  signals: Reason[];
  grades: Map<string, Grade>;
  /** How much a question counts (how private its fact is); 1 when absent. */
  weights?: Map<string, number>;
  /** How often a blind guess is right, per question (1 / options); 0 when absent (typed answers). */
  guessOdds?: Map<string, number>;
  policy: ScoringPolicy;
  /** The strong proofs this person and action need and were given; no pass while one is missing. */
  assurance?: AssuranceReport;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/**
 * What each answer costs. A public fact answered wrongly costs its weight times `points.invalid`,
 * partly `points.partial`; a skip costs what a guess would (the wrong answer's cost times the odds
 * of guessing wrong), so skipping what one does not know is no better than guessing. A private
 * fact (weight `privateFrom` or more) answered wrongly or skipped costs `mediumFrom`: the real
 * person knows it, so one slip is Medium, never a pass, and never High on its own; two are High.
 */
function answerCost(grade: Grade, weight: number, guessOdds: number, policy: ScoringPolicy): number {
  if (grade === 'correct') return 0;
  if (grade === 'partial') return policy.points.partial * weight;
  if (weight >= policy.privateFrom) return policy.mediumFrom;
  const wrong = policy.points.invalid * weight;
  return grade === 'invalid' ? wrong : wrong * (1 - guessOdds);
}

function questionReasons(
  grades: Map<string, Grade>,
  weights: Map<string, number>,
  guessOdds: Map<string, number>,
  policy: ScoringPolicy,
): Reason[] {
  const total = grades.size;
  const reasons: Reason[] = [];
  for (const grade of ['invalid', 'partial', 'skipped'] as const) {
    const ids = [...grades].filter(([, g]) => g === grade).map(([id]) => id);
    if (ids.length === 0) continue;
    const points = Math.min(
      policy.caps.questions,
      ids.reduce(
        (sum, id) => sum + answerCost(grade, weights.get(id) ?? 1, guessOdds.get(id) ?? 0, policy),
        0,
      ),
    );
    const n = ids.length;
    const what = { invalid: 'answered wrongly', partial: 'answered only in part', skipped: 'skipped' }[grade];
    reasons.push({
      code: { invalid: 'WRONG_ANSWERS', partial: 'PARTIAL_ANSWERS', skipped: 'SKIPPED_QUESTIONS' }[grade],
      category: 'questions',
      points: round1(points),
      evidence: `${n} of ${total} ${grade}`,
      message: `${n} challenge question${n > 1 ? 's' : ''} ${what}`,
    });
  }
  return reasons;
}

/** The private knowledge the answers showed: weights of the right answers, half for partial ones. */
function knowledgeShown(grades: Map<string, Grade>, weights: Map<string, number>): number {
  let shown = 0;
  for (const [id, grade] of grades) {
    const weight = weights.get(id) ?? 1;
    if (grade === 'correct') shown += weight;
    if (grade === 'partial') shown += weight / 2;
  }
  return round1(shown);
}

export function assess(input: AssessmentInput): { status: OutcomeStatus; assessment: Assessment } {
  const { grades, policy } = input;
  const values = [...grades.values()];
  const answered = values.filter((g) => g !== 'skipped').length;
  const correct = values.filter((g) => g === 'correct').length;
  const weights = input.weights ?? new Map<string, number>();
  const reasons = [
    ...input.signals,
    ...questionReasons(grades, weights, input.guessOdds ?? new Map(), policy),
  ];

  const hard = reasons.filter((r) => HARD_RULES.has(r.code));
  const withAssurance = (a: Assessment): Assessment =>
    input.assurance ? { ...a, assurance: input.assurance } : a;
  if (hard.length > 0)
    return {
      status: 'failed',
      assessment: withAssurance(result('failed', 10, 'high', reasons, answered, correct)),
    };

  const perCategory = new Map<Reason['category'], number>();
  for (const r of reasons) perCategory.set(r.category, (perCategory.get(r.category) ?? 0) + r.points);
  let raw = [...perCategory].reduce(
    (sum, [category, points]) => sum + Math.min(points, policy.caps[category]),
    0,
  );
  // Too little only the person would know: at least Medium (step up), never pushed to High by this.
  const shown = knowledgeShown(grades, weights);
  const needed = policy.minKnowledge[input.channel ?? 'sms'];
  if (grades.size > 0 && shown < needed) {
    const available = round1([...grades.keys()].reduce((sum, id) => sum + (weights.get(id) ?? 1), 0));
    const lift = round1(Math.max(0, policy.mediumFrom - raw));
    raw += lift;
    reasons.push({
      code: 'KNOWLEDGE_NOT_SHOWN',
      category: 'questions',
      points: lift,
      evidence: `private knowledge ${shown} of ${needed} needed (${available} asked)`,
      message:
        available < needed
          ? 'Too few private facts to ask about: the questions cannot verify this person on their own'
          : 'The answers showed too little that only the person would know',
    });
  }
  const score = Math.round(Math.min(10, Math.max(0, raw)) * 10) / 10;
  const level: RiskLevel =
    score >= policy.highFrom ? 'high' : score >= policy.mediumFrom ? 'medium' : 'verified';
  const vouched = reasons.some((r) => VOUCHES.has(r.code));

  const missingProof = (input.assurance?.missing ?? 0) > 0;
  const status: OutcomeStatus =
    answered < policy.minAnswered
      ? 'not_enough_questions'
      : level === 'verified' && vouched && !missingProof
        ? 'passed'
        : 'failed';
  if (input.assurance && missingProof) {
    // The answers and the contact on record are what a researched caller or a swapped SIM defeats.
    const a = input.assurance;
    reasons.push({
      code: STRONG_PROOF_MISSING,
      category: 'persona',
      points: 0,
      evidence: `${a.tier} account, ${a.action}: ${a.required} strong proof needed, ${a.given.length} given`,
      message:
        "A strong proof is required on top of the answers (a push approved on their enrolled authenticator, or their manager's approval) and none was given",
    });
  }
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
  return { status, assessment: withAssurance(result(status, score, level, reasons, answered, correct)) };
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
