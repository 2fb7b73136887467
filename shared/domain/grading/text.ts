/**
 * The similarity thresholds every kind of answer is graded against, and the plain-text grader the
 * other kinds build on.
 */
import { jaroWinkler } from './jaro-winkler.js';

/** Jaro-Winkler similarity at or above which a response is a typo of the answer (one or two characters). */
export const CORRECT_SIMILARITY = 0.92;
/** Jaro-Winkler similarity at or above which a response is moderately close: partial. */
export const PARTIAL_SIMILARITY = 0.85;

/**
 * A grade against one target and a similarity comparable across targets (so that decoys can be
 * weighed against the expected answer): what each kind's grader returns.
 */
export type Match = { grade: 'correct' | 'partial' | 'invalid'; similarity: number };

const compact = (normalised: string) => normalised.replaceAll(' ', '');

function byThreshold(similarity: number): Match {
  const grade =
    similarity >= CORRECT_SIMILARITY ? 'correct' : similarity >= PARTIAL_SIMILARITY ? 'partial' : 'invalid';
  return { grade, similarity };
}

export function gradeText(response: string, target: string): Match {
  if (compact(response) === compact(target)) return { grade: 'correct', similarity: 1 };
  return byThreshold(jaroWinkler(response, target));
}
