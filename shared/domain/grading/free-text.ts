/**
 * Free-text grading for identity challenge questions (DESIGN.md §6, "Questions"): a typed answer is
 * normalised, then compared with the expected answer by kind (person, place, year, plain text) and
 * graded correct / partial / invalid / skipped. Pure: no I/O, no logging. The similarity returned
 * is for the transcript and tests only; never log it next to the answer.
 */
import type { FreeTextKind, Grade } from '../model/question.js';
import { normalise } from './normalise.js';
import { gradePerson, mentionsPerson, nameTokens } from './people.js';
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
 *   family name, or a typo (per word, a few edits, the same last letter, `edits.ts`) → correct; the
 *   given or the family name alone, the family name with another given name, or both words
 *   moderately close (Jaro-Winkler ≥ PARTIAL_SIMILARITY) → partial; else invalid. Another name that
 *   starts alike is no typo (Michelle / Michael, Stefan / Stefanie). Words beyond the name (a hedge:
 *   "Mateo or Mark Rossi") are partial at most; a one-word name among more than two words is invalid.
 * - place: local names and abbreviations mapped (Lisboa = Lisbon, NYC = New York), then as text.
 * - text: the whole text, spaces aside: exact or a typo (`isTypo`) → correct, one edit more →
 *   partial; its start ("Micros"), more after it or a list ("Workday or Slack") → invalid.
 * - year: four digits; exact → correct, off by YEAR_PARTIAL_DISTANCE → partial, else invalid.
 *
 * `decoys` are the other names or values offered or likely (colleagues with close names): a response
 * at least as similar to a decoy as to the expected answer is invalid, and so is a hedge that names
 * a decoy among its words ("Mark Russo Rossi" with colleague Mark Russo). A decoy that grades as the
 * expected answer itself with similarity 1 (a namesake, "Lisboa" for Lisbon) is ignored, except that
 * for people such a decoy is someone else: a response that names that colleague as written (Liam
 * Jones, a colleague, for William Jones) but not the expected person as written is invalid.
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
  const person = kind === 'person';
  const hedge = person && nameTokens(answer).length > nameTokens(target).length;
  for (const decoy of decoys) {
    const other = normalise(decoy);
    if (other === '') continue;
    if (grade(other, target).similarity === 1) {
      // A place or a value in another form (Lisboa for Lisbon) tells nothing apart. A colleague whose
      // name is a nickname of the answer's (Liam Jones for William Jones) is another person: the
      // response must not name them more directly than the person meant.
      if (person && namesRatherThan(answer, other, target))
        return { grade: 'invalid', similarity: match.similarity };
      continue;
    }
    // A hedge that names a colleague among its words proves nothing about either.
    if (hedge && mentionsPerson(answer, other)) return { grade: 'invalid', similarity: match.similarity };
    // A decoy as close as the answer makes a typo-match worthless; a partial answer (a first name
    // alone) that fits a colleague just as well stays partial: it is what the person typed.
    const closeness = grade(answer, other).similarity;
    if (match.grade === 'correct' ? closeness >= match.similarity : closeness > match.similarity) {
      return { grade: 'invalid', similarity: match.similarity };
    }
  }
  return match;
}

/** Graded without nicknames, the response names `decoy` (a colleague) but not `target`: as typed, someone else. */
function namesRatherThan(answer: string, decoy: string, target: string): boolean {
  const literal = { nicknames: false };
  return (
    gradePerson(answer, decoy, literal).grade === 'correct' &&
    gradePerson(answer, target, literal).grade !== 'correct'
  );
}
