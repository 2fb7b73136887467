/**
 * What a set of answered questions adds up to: the transcript, and per question its grade, weight
 * and the odds of a blind guess (for the assessment's knowledge score).
 */
import type { AnswerRecord, Grade, Question, TranscriptEntry } from '../model/question.js';

export function buildTranscript(questions: Question[], answers: AnswerRecord[]): TranscriptEntry[] {
  const byId = new Map(answers.map((a) => [a.questionId, a]));
  return questions.map((q) => {
    const answer = byId.get(q.id);
    return {
      questionId: q.id,
      kind: q.kind,
      prompt: q.prompt,
      options: q.kind === 'choice' ? q.options.map((o) => o.label) : [],
      response: answer?.response ?? null,
      redacted: answer?.redacted ?? false,
      grade: answer?.grade ?? 'skipped',
      ...(answer ? { elapsedMs: answer.elapsedMs } : {}),
    };
  });
}

/** Every question's grade; questions never answered count as skipped. */
export function gradesOf(questions: Question[], answers: AnswerRecord[]): Map<string, Grade> {
  const byId = new Map(answers.map((a) => [a.questionId, a.grade]));
  return new Map(questions.map((q) => [q.id, byId.get(q.id) ?? 'skipped']));
}

export const weightsOf = (questions: Question[]) => new Map(questions.map((q) => [q.id, q.weight]));

/**
 * How often a blind guess is right, per question: one in the number of options for a choice; a
 * typed answer is taken as never guessed (the app question's weight already allows for guessing).
 */
export const guessOddsOf = (questions: Question[]) =>
  new Map(questions.map((q) => [q.id, q.kind === 'choice' ? 1 / q.options.length : 0]));
