/**
 * Challenge questions, built per verification from the person's directory record when the link is
 * first opened and frozen on the verification, so a reload shows the same options (no answer by
 * intersection). Multiple-choice questions draw their decoys from the same organisation; free-text
 * questions are graded with `grading.ts` (nicknames, accents, typos, near-miss decoys).
 *
 * Each question carries a weight: how private its fact is. Department and office are on LinkedIn
 * (0.5); a recent help-desk ticket is known to almost nobody else (1.5). The most private facts
 * available are asked first; public ones only fill in when there is nothing better.
 */
import { randomInt } from 'node:crypto';
import type { DirectoryUser } from '../ports.js';
import { type FreeTextKind, gradeFreeText } from './grading.js';

export type Grade = 'correct' | 'partial' | 'invalid' | 'skipped';

/** What a question asks about; also its ID (one question per fact). */
export type QuestionSource =
  | 'recent_ticket'
  | 'manager'
  | 'group'
  | 'app'
  | 'start_year'
  | 'department'
  | 'office';

/** How private each fact is: scales what a wrong or partial answer costs. */
export const QUESTION_WEIGHTS: Record<QuestionSource, number> = {
  recent_ticket: 1.5,
  manager: 1,
  group: 1,
  app: 1,
  start_year: 0.75,
  department: 0.5,
  office: 0.5,
};

interface QuestionBase {
  id: QuestionSource;
  prompt: string;
  weight: number;
}

export interface ChoiceQuestion extends QuestionBase {
  kind: 'choice';
  options: { id: string; label: string }[];
  /** Which option is right; never leaves the server. */
  answerOptionId: string;
}

export interface TextQuestion extends QuestionBase {
  kind: 'text';
  hint: string;
  /** Any of these is right (a person may use several apps); never leaves the server. */
  accepted: string[];
  answerKind: FreeTextKind;
  /** Close values that must not pass as typos (colleagues' names). */
  decoys: string[];
}

export type Question = ChoiceQuestion | TextQuestion;

function shuffle<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

const pick = <T>(items: readonly T[]): T | undefined => items[randomInt(items.length || 1)];

function choice(
  id: QuestionSource,
  prompt: string,
  correct: string | undefined,
  pool: string[],
  exclude: readonly string[] = [],
  /** Decoys to top up with when the pool has fewer than three. */
  fallback: readonly string[] = [],
): ChoiceQuestion | undefined {
  if (!correct) return undefined;
  const usable = (values: readonly string[]) =>
    shuffle([...new Set(values)].filter((v) => v !== correct && !exclude.includes(v)));
  const fromPool = usable(pool).slice(0, 3);
  const decoys = [...fromPool, ...usable(fallback).filter((v) => !fromPool.includes(v))].slice(0, 3);
  if (decoys.length < 2) return undefined;
  const options = shuffle([correct, ...decoys]).map((label, i) => ({ id: `${id}-${i + 1}`, label }));
  const answer = options.find((o) => o.label === correct);
  return (
    answer && { id, kind: 'choice', prompt, weight: QUESTION_WEIGHTS[id], options, answerOptionId: answer.id }
  );
}

/** Questions offered at most; the most private available are chosen. */
export const DEFAULT_QUESTION_COUNT = 5;

/** Subjects of the kind every help desk sees: decoys that say nothing about anyone. */
export const COMMON_TICKET_SUBJECTS = [
  'Password expired',
  'VPN will not connect',
  'Laptop running slowly',
  'Printer not printing',
  'Outlook not syncing',
  'Need access to a shared drive',
  'MFA prompt not arriving',
  'Teams audio not working',
  'Replacement laptop charger',
  'Monitor flickering',
  'Wi-Fi keeps dropping',
  'Software installation request',
];

/**
 * Other people's subjects that may be shown as decoys: only those raised by at least two of them
 * (in two tickets of the ticket system, or by two people in the directory sample), so that a decoy
 * never tells whoever holds the link what one colleague asked the help desk about.
 */
export function sharedSubjects(
  fromTicketSystem: readonly string[],
  people: readonly DirectoryUser[],
): string[] {
  const raisedBy = new Map<string, number>();
  const count = (subjects: Iterable<string>) => {
    for (const s of subjects) raisedBy.set(s, (raisedBy.get(s) ?? 0) + 1);
  };
  count(fromTicketSystem);
  for (const p of people) count(new Set((p.recentTickets ?? []).map((t) => t.subject)));
  return [...raisedBy].filter(([, n]) => n >= 2).map(([s]) => s);
}

/** Tickets the ticket system knows, beside the directory's: the requester's own and other people's. */
export interface TicketHistory {
  own: { subject: string; openedAt: string }[];
  /** Other people's recent subjects, one per ticket: decoys when shared (`sharedSubjects`). */
  others: string[];
  /** Subjects never offered as decoys: the ticket being verified (the requester would pick it). */
  avoid?: string[];
}

export function buildQuestions(
  requester: DirectoryUser,
  manager: DirectoryUser | undefined,
  others: DirectoryUser[],
  count = DEFAULT_QUESTION_COUNT,
  tickets: TicketHistory = { own: [], others: [] },
): Question[] {
  const startYear = Number(requester.startDate.slice(0, 4));
  const myGroups = requester.groups ?? [];
  const myTickets = [...tickets.own, ...(requester.recentTickets ?? [])].sort((a, b) =>
    b.openedAt.localeCompare(a.openedAt),
  );
  const candidates: (Question | undefined)[] = [
    choice(
      'recent_ticket',
      'Which of these did you contact the IT help desk about in the last few months?',
      myTickets[0]?.subject,
      sharedSubjects(tickets.others, others),
      [...myTickets.map((t) => t.subject), ...(tickets.avoid ?? [])],
      COMMON_TICKET_SUBJECTS,
    ),
    manager && {
      id: 'manager',
      kind: 'text',
      prompt: 'What is the name of the person you report to?',
      hint: 'First and last name',
      weight: QUESTION_WEIGHTS.manager,
      accepted: [manager.displayName],
      answerKind: 'person',
      decoys: others.filter((u) => u.userId !== manager.userId).map((u) => u.displayName),
    },
    choice(
      'group',
      'Which of these groups are you a member of?',
      pick(myGroups),
      others.flatMap((u) => u.groups ?? []),
      myGroups,
    ),
    requester.apps?.length
      ? {
          id: 'app',
          kind: 'text',
          prompt: 'Name one application, other than email, that you use for your work.',
          hint: 'One name is enough',
          weight: QUESTION_WEIGHTS.app,
          accepted: requester.apps,
          answerKind: 'text',
          decoys: [],
        }
      : undefined,
    // Only when the directory knows the start date (Okta has none by default; Entra needs a permission).
    Number.isInteger(startYear) && /^\d{4}/.test(requester.startDate)
      ? choice(
          'start_year',
          'In which year did you join the company?',
          String(startYear),
          [-2, -1, 1, 2].map((d) => String(startYear + d)),
        )
      : undefined,
    choice(
      'department',
      'Which department do you work in?',
      requester.department,
      others.map((u) => u.department),
    ),
    choice(
      'office',
      'Which office do you usually work from?',
      requester.office,
      others.map((u) => u.office),
    ),
  ];
  const chosen = candidates.filter((q): q is Question => q !== undefined).slice(0, count);
  return shuffle(chosen);
}

/** What the portal may see of a question: never the answer, the weight or the decoys. */
export function publicQuestion(q: Question) {
  return q.kind === 'choice'
    ? { id: q.id, kind: q.kind, prompt: q.prompt, options: q.options }
    : { id: q.id, kind: q.kind, prompt: q.prompt, hint: q.hint };
}

/** What the requester sent for one question. */
export type Response = { optionId: string } | { text: string } | { skipped: true };

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

/** One answer as recorded when it arrived (server time); the response is null when redacted. */
export interface AnswerRecord {
  questionId: string;
  grade: Grade;
  response: string | null;
  redacted: boolean;
  answeredAt: string;
  /** Server-measured time since the previous answer (or since the link was opened). */
  elapsedMs: number;
}

/** One line of the transcript: what was asked, what was shown, what came back, how it was graded. */
export interface TranscriptEntry {
  questionId: string;
  kind: Question['kind'];
  prompt: string;
  options: string[];
  /** The option chosen or the text typed; null when skipped, unanswered or redacted. */
  response: string | null;
  redacted: boolean;
  grade: Grade;
  elapsedMs?: number;
}

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
