/**
 * Challenge questions built from the directory, multiple choice with decoys drawn from the same
 * organisation. Generated once, when the link is first opened, and frozen on the verification so
 * that a reload shows the same options (no answer by intersection).
 *
 * This is the foundation's small rule set; the verification engine extends it.
 */
import { randomInt } from 'node:crypto';
import type { DirectoryUser } from '../ports.js';
import type { Question } from './verification.js';

function shuffle<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function choice(id: string, prompt: string, correct: string, pool: string[]): Question | undefined {
  const decoys = shuffle([...new Set(pool)].filter((value) => value !== correct)).slice(0, 3);
  if (decoys.length < 2) return undefined;
  const options = shuffle([correct, ...decoys]).map((label, i) => ({ id: `${id}o${i + 1}`, label }));
  const answer = options.find((o) => o.label === correct);
  return answer && { id, prompt, options, answerOptionId: answer.id };
}

export function buildQuestions(
  requester: DirectoryUser,
  manager: DirectoryUser | undefined,
  others: DirectoryUser[],
): Question[] {
  const year = (u: DirectoryUser) => u.startDate.slice(0, 4);
  const startYear = Number(year(requester));
  const candidates = [
    choice(
      'q1',
      'Which department do you work in?',
      requester.department,
      others.map((u) => u.department),
    ),
    manager &&
      choice(
        'q2',
        'Who is your manager?',
        manager.displayName,
        others.filter((u) => u.userId !== manager.userId).map((u) => u.displayName),
      ),
    choice(
      'q3',
      'Which office do you usually work from?',
      requester.office,
      others.map((u) => u.office),
    ),
    // Only when the directory knows the start date (Okta has none by default; Entra needs a permission).
    /^\d{4}/.test(requester.startDate)
      ? choice('q4', 'In which year did you join the company?', year(requester), [
          String(startYear - 2),
          String(startYear - 1),
          String(startYear + 1),
          String(startYear + 2),
        ])
      : undefined,
  ];
  return candidates.filter((q): q is Question => q !== undefined);
}

/** What the portal may see of a question: never the answer. */
export const publicQuestion = ({ answerOptionId: _hidden, ...visible }: Question) => visible;

export interface Answer {
  questionId: string;
  /** null when the requester skipped the question. */
  optionId: string | null;
  /** Time on the question as the portal measured it (client-reported, informative only). */
  elapsedMs?: number;
}

/** One line of the transcript: what was asked, what was shown, what came back, how it was graded. */
export interface TranscriptEntry {
  questionId: string;
  prompt: string;
  options: string[];
  /** The option chosen, as shown; null when skipped or redacted. */
  response: string | null;
  redacted: boolean;
  grade: Grade;
  elapsedMs?: number;
}

export function buildTranscript(
  questions: Question[],
  answers: Answer[],
  grades: Map<string, Grade>,
  redactResponses: boolean,
): TranscriptEntry[] {
  const byId = new Map(answers.map((a) => [a.questionId, a]));
  return questions.map((q) => {
    const answer = byId.get(q.id);
    const label = q.options.find((o) => o.id === answer?.optionId)?.label ?? null;
    return {
      questionId: q.id,
      prompt: q.prompt,
      options: q.options.map((o) => o.label),
      response: redactResponses ? null : label,
      redacted: redactResponses && label !== null,
      grade: grades.get(q.id) ?? 'skipped',
      ...(answer?.elapsedMs !== undefined ? { elapsedMs: answer.elapsedMs } : {}),
    };
  });
}

export type Grade = 'correct' | 'invalid' | 'skipped';

export function gradeAnswers(questions: Question[], answers: Answer[]): Map<string, Grade> {
  const byId = new Map(answers.map((a) => [a.questionId, a.optionId]));
  return new Map(
    questions.map((q) => {
      const optionId = byId.get(q.id);
      const grade: Grade =
        optionId == null ? 'skipped' : optionId === q.answerOptionId ? 'correct' : 'invalid';
      return [q.id, grade];
    }),
  );
}
