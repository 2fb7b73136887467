/**
 * A question as the portal shows it and a response graded against it: options by id, typed answers
 * through the free-text grader.
 */
import { gradeFreeText } from '../grading/free-text.js';
import type { Grade, Question, Response } from '../model/question.js';

/** What the portal may see of a question: never the answer, the weight or the decoys. */
export function publicQuestion(q: Question) {
  return q.kind === 'choice'
    ? { id: q.id, kind: q.kind, prompt: q.prompt, options: q.options }
    : { id: q.id, kind: q.kind, prompt: q.prompt, hint: q.hint };
}

const RANK: Record<Grade, number> = { correct: 3, partial: 2, invalid: 1, skipped: 0 };

/** Grades one response; throws RangeError for an option the question does not have. */
export function gradeResponse(q: Question, response: Response): { grade: Grade; shown: string | null } {
  if ('skipped' in response) return { grade: 'skipped', shown: null };
  if (q.kind === 'choice') {
    if (!('optionId' in response)) throw new RangeError('This question takes one of its options');
    const option = q.options.find((o) => o.id === response.optionId);
    if (!option) throw new RangeError('Not an option of this question');
    return { grade: option.id === q.answerOptionId ? 'correct' : 'invalid', shown: option.label };
  }
  if (!('text' in response)) throw new RangeError('This question takes a typed answer');
  const best = q.accepted
    .map((expected) => gradeFreeText(response.text, expected, q.answerKind, q.decoys).grade)
    .reduce<Grade>((a, b) => (RANK[b] > RANK[a] ? b : a), 'skipped');
  return { grade: best, shown: best === 'skipped' ? null : response.text.trim() };
}
