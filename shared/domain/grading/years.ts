import type { Match } from './text.js';

/** A year this far from the expected one (and not equal) is partial. */
export const YEAR_PARTIAL_DISTANCE = 1;
/** A year as answered and as expected: four digits, nothing else. */
export const FOUR_DIGITS = /^\d{4}$/;

/**
 * Four digits only: "2014" (after normalisation, so " 2014. " too). Two-digit years ("14", "'14")
 * and words ("twenty fourteen") are invalid: ambiguous or not worth parsing for a challenge.
 */
export function gradeYear(response: string, target: string): Match {
  if (!FOUR_DIGITS.test(response)) return { grade: 'invalid', similarity: 0 };
  const distance = Math.abs(Number(response) - Number(target));
  if (distance === 0) return { grade: 'correct', similarity: 1 };
  if (distance <= YEAR_PARTIAL_DISTANCE) return { grade: 'partial', similarity: 0.5 };
  return { grade: 'invalid', similarity: 0 };
}
