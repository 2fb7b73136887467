/**
 * The similarity thresholds every kind of answer is graded against, and the plain-text grader the
 * other kinds build on.
 */
import { isNearMiss, isTypo } from './edits.js';
import { jaroWinkler } from './jaro-winkler.js';

/**
 * Jaro-Winkler similarity a typo usually reaches (one or two characters). Not what decides a
 * typo: that is an edit distance (`edits.ts`); kept as the yardstick for the similarity reported.
 */
export const CORRECT_SIMILARITY = 0.92;
/** Jaro-Winkler similarity at or above which two names are both moderately close: partial. */
export const PARTIAL_SIMILARITY = 0.85;

/**
 * A grade against one target and a similarity comparable across targets (so that decoys can be
 * weighed against the expected answer): what each kind's grader returns.
 */
export type Match = { grade: 'correct' | 'partial' | 'invalid'; similarity: number };

const compact = (normalised: string) => normalised.replaceAll(' ', '');

/**
 * The whole text, spaces aside: equal, or a typo of it (a few edits, `isTypo`) → correct; one edit
 * more → partial; its start ("Micros" for Microsoft, "Sales" for Salesforce), more after it or a
 * list ("Workday or Slack") → invalid.
 */
export function gradeText(response: string, target: string): Match {
  const r = compact(response);
  const t = compact(target);
  if (r === t) return { grade: 'correct', similarity: 1 };
  const similarity = jaroWinkler(response, target);
  const grade = isTypo(r, t) ? 'correct' : isNearMiss(r, t) ? 'partial' : 'invalid';
  return { grade, similarity };
}
