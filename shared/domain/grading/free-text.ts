/**
 * Free-text grading for identity challenge questions (DESIGN.md §6, "Questions"): a typed answer is
 * normalised, then compared with the expected answer by kind (person, place, year, plain text) and
 * graded correct / partial / invalid / skipped. Pure: no I/O, no logging. The similarity returned
 * is for the transcript and tests only; never log it next to the answer.
 */
import type { FreeTextKind, Grade } from '../model/question.js';
import { normalise } from './normalise.js';
import { gradePerson } from './people.js';
import { gradePlace } from './places.js';
import { gradeText, type Match } from './text.js';
import { FOUR_DIGITS, gradeYear } from './years.js';

export interface FreeTextResult {
  grade: Grade;
  /** 0..1, against the expected answer (for the transcript and tests; never logged with the answer). */
  similarity: number;
}

const GRADERS: Record<FreeTextKind, (response: string, target: string) => Match> = {
  person: gradePerson,
  place: gradePlace,
  text: gradeText,
  year: gradeYear,
};

/**
 * Grade a typed answer. Empty, whitespace-only or punctuation-only responses are skipped.
 *
 * - person: exact after normalisation, swapped order, a nickname of the given name with the right
 *   family name, or a typo (Jaro-Winkler ≥ CORRECT_SIMILARITY per word) → correct; the given or the
 *   family name alone, the family name with another given name, or both words moderately close
 *   (≥ PARTIAL_SIMILARITY) → partial; else invalid. More words than the name and one middle name
 *   (a hedge: "Mateo or Mark Rossi") is partial at most.
 * - place: local names and abbreviations mapped (Lisboa = Lisbon, NYC = New York), then as text.
 * - text: exact (ignoring spaces) or ≥ CORRECT_SIMILARITY → correct, ≥ PARTIAL_SIMILARITY → partial.
 * - year: four digits; exact → correct, off by YEAR_PARTIAL_DISTANCE → partial, else invalid.
 *
 * `decoys` are the other names or values offered or likely (colleagues with close names): a response
 * at least as similar to a decoy as to the expected answer is invalid. A decoy that grades as the
 * expected answer itself with similarity 1 (a namesake, "Lisboa" for Lisbon) is ignored.
 *
 * @throws RangeError when `expected` is empty after normalisation, or not a four-digit year for `year`.
 */
export function gradeFreeText(
  response: string | null | undefined,
  expected: string,
  kind: FreeTextKind,
  decoys: readonly string[] = [],
): FreeTextResult {
  const target = normalise(expected);
  if (target === '') throw new RangeError('expected answer is empty');
  if (kind === 'year' && !FOUR_DIGITS.test(target)) throw new RangeError('expected year is not four digits');
  const answer = normalise(response ?? '');
  if (answer === '') return { grade: 'skipped', similarity: 0 };

  const grade = GRADERS[kind];
  const match = grade(answer, target);
  if (match.grade === 'invalid') return match;
  for (const decoy of decoys) {
    const other = normalise(decoy);
    // A decoy that is the answer in another form (a namesake, Lisboa for Lisbon) tells nothing apart.
    if (other === '' || grade(other, target).similarity === 1) continue;
    // A decoy as close as the answer makes a typo-match worthless; a partial answer (a first name
    // alone) that fits a colleague just as well stays partial: it is what the person typed.
    const closeness = grade(answer, other).similarity;
    if (match.grade === 'correct' ? closeness >= match.similarity : closeness > match.similarity) {
      return { grade: 'invalid', similarity: match.similarity };
    }
  }
  return match;
}
