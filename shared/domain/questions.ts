/**
 * Challenge questions, built per verification from the person's directory record when the link is
 * first opened and frozen on the verification, so a reload shows the same options (no answer by
 * intersection). Multiple-choice questions draw their decoys from the same organisation; free-text
 * questions are graded with `grading/free-text.ts` (nicknames, accents, typos, near-miss decoys).
 *
 * Each question carries a weight: how private its fact is. Department and office are on LinkedIn
 * (0.5); a recent help-desk ticket is known to almost nobody else (1.5). The most private facts
 * available are asked first; public ones only fill in when there is nothing better.
 */
import { randomInt } from 'node:crypto';
import { gradeFreeText } from './grading/free-text.js';
import type { DirectoryUser } from './model/person.js';
import type {
  AnswerRecord,
  ChoiceQuestion,
  Grade,
  Question,
  QuestionSource,
  Response,
  TranscriptEntry,
} from './model/question.js';

/**
 * How private each fact is: what a correct answer proves and what a wrong one costs. A caller who
 * researched the person on LinkedIn and the company site knows the department, office, title,
 * manager and start year, so those prove almost nothing; a colleague knows the team's groups and
 * apps; only the person (and the help desk) knows which tickets they raised.
 */
export const QUESTION_WEIGHTS: Record<QuestionSource, number> = {
  recent_ticket: 1.5,
  group: 1,
  teammate: 1,
  // A caller who knows the department guesses the app most of it uses about half the time.
  app: 0.5,
  manager: 0.25,
  start_year: 0.25,
  department: 0.1,
  office: 0.1,
};

/** Options shown for a private fact (one true, the rest decoys): a guess is right 1 time in 6. */
export const PRIVATE_OPTIONS = 6;
/** Options shown for a public fact. */
const PUBLIC_OPTIONS = 4;

function shuffle<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

const pick = <T>(items: readonly T[]): T | undefined =>
  items.length > 0 ? items[randomInt(items.length)] : undefined;

/**
 * A multiple-choice question: the true option among `size - 1` decoys, taken from `pools` in order
 * (the closest look-alikes first), shuffled within each pool; the true option is placed uniformly
 * at random. Left out (undefined) when fewer than two decoys exist.
 */
function choice(
  id: QuestionSource,
  prompt: string,
  correct: string | undefined,
  pools: readonly (readonly string[])[],
  exclude: readonly string[] = [],
  size = PUBLIC_OPTIONS,
): ChoiceQuestion | undefined {
  if (!correct) return undefined;
  const decoys: string[] = [];
  for (const pool of pools) {
    for (const value of shuffle([...new Set(pool)])) {
      if (decoys.length >= size - 1) break;
      if (value !== correct && !exclude.includes(value) && !decoys.includes(value)) decoys.push(value);
    }
  }
  if (decoys.length < 2) return undefined;
  const labels = shuffle(decoys);
  labels.splice(randomInt(labels.length + 1), 0, correct);
  const options = labels.map((label, i) => ({ id: `${id}-${i + 1}`, label }));
  const answer = options.find((o) => o.label === correct);
  return (
    answer && { id, kind: 'choice', prompt, weight: QUESTION_WEIGHTS[id], options, answerOptionId: answer.id }
  );
}

/** Questions offered at most; the most private available are chosen. */
const DEFAULT_QUESTION_COUNT = 5;

/**
 * How many people the decoys are drawn from (the directory is asked for this many). More than one
 * page of Entra ID's or Okta's user list (100): a second round trip when a link is opened, but a
 * sample large enough that most people's team and telling group show up in it.
 */
export const DECOY_SAMPLE_SIZE = 120;

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

/** One of other people's tickets, for decoys: who raised it, when known, as an opaque key. */
export interface OthersTicket {
  subject: string;
  requester?: string;
}

/**
 * Other people's subjects that may be shown as decoys: only those raised by at least two different
 * people (in the ticket system, where it says who; in the directory sample), so that a decoy never
 * tells whoever holds the link what one colleague asked the help desk about. A ticket system ticket
 * that does not say who raised it counts as one more person only when its subject is not already
 * counted for someone.
 */
export function sharedSubjects(
  fromTicketSystem: readonly (string | OthersTicket)[],
  people: readonly DirectoryUser[],
): string[] {
  const raisedBy = new Map<string, Set<string>>();
  const add = (subject: string, who: string) => {
    const set = raisedBy.get(subject) ?? new Set<string>();
    set.add(who);
    raisedBy.set(subject, set);
  };
  for (const p of people) for (const t of p.recentTickets ?? []) add(t.subject, `person:${p.userId}`);
  fromTicketSystem.forEach((t, i) => {
    const ticket = typeof t === 'string' ? { subject: t } : t;
    add(ticket.subject, ticket.requester ? `itsm:${ticket.requester.toLowerCase()}` : `ticket:${i}`);
  });
  return [...raisedBy].filter(([, who]) => who.size >= 2).map(([s]) => s);
}

/** One of the requester's own tickets. */
interface OwnTicket {
  subject: string;
  openedAt: string;
  /**
   * How it came in: true when the person opened it while signed in (self-service portal), false
   * when an agent logged it from a call or an email anyone could send, undefined when unknown.
   */
  selfService?: boolean;
}

/** Tickets the ticket system knows, beside the directory's: the requester's own and other people's. */
export interface TicketHistory {
  own: OwnTicket[];
  /** Other people's recent tickets, one per ticket: decoys when shared (`sharedSubjects`). */
  others: (string | OthersTicket)[];
  /** Subjects never offered as decoys: the ticket being verified (the requester would pick it). */
  avoid?: string[];
  /**
   * Only the person's tickets opened at or before this moment count as "one you raised": well
   * before the ticket being verified, so a caller cannot file one in the person's name first and
   * then know the answer.
   */
  openedBefore?: string;
}

/**
 * The ticket the recent-ticket question asks about: the newest one opened before the cut-off,
 * preferring one the person opened while signed in over one an agent logged (a call or an email
 * anyone could make in their name), and an unknown channel over an agent-logged one.
 */
function askableTicket(
  tickets: readonly OwnTicket[],
  openedBefore: string | undefined,
): OwnTicket | undefined {
  const cutoff = openedBefore ? Date.parse(openedBefore) : Number.POSITIVE_INFINITY;
  const rank = (t: OwnTicket) => (t.selfService === true ? 0 : t.selfService === undefined ? 1 : 2);
  return tickets
    .filter((t) => Date.parse(t.openedAt) <= cutoff)
    .sort((a, b) => rank(a) - rank(b) || b.openedAt.localeCompare(a.openedAt))[0];
}

/** The first word of a group name (`ENG-Platform` -> `ENG`): decoys of the same shape look alike. */
const groupShape = (group: string) => group.split(/[-_ ]/)[0]?.toLowerCase() ?? '';

/**
 * The group to ask about and its decoys. A group most of the person's department or office holds
 * (`FIN-All`, `All London`, `VPN-Users`) follows from public facts, so it is never asked; the
 * question asks about a more telling one, with decoys other people of the same department (then
 * office, then anyone) hold and the person does not, of the same shape first.
 */
function groupQuestion(requester: DirectoryUser, others: DirectoryUser[]): ChoiceQuestion | undefined {
  const mine = requester.groups ?? [];
  const peers = others.filter((u) => (u.groups ?? []).length > 0);
  const everyone = [requester, ...peers];
  const sameDept = peers.filter((u) => u.department === requester.department);
  const sameOffice = peers.filter((u) => u.office === requester.office);
  // Broad: held by half the person's department or office (when the sample has five of them), by
  // 40% of everyone, or by exactly the members of one department or office (`EXEC-All`,
  // `All Warsaw`). Judged on the person's own department and office, so a small sample of some
  // other office cannot make a telling group look broad.
  const share = (group: string, people: DirectoryUser[]) =>
    people.filter((u) => u.groups?.includes(group)).length / people.length;
  const broad = (group: string) => {
    const holders = everyone.filter((u) => u.groups?.includes(group));
    const exactly = (key: 'department' | 'office') => {
      const value = holders[0]?.[key];
      return (
        holders.length >= 2 &&
        holders.every((u) => u[key] === value) &&
        everyone.filter((u) => u[key] === value).length === holders.length
      );
    };
    return (
      (sameDept.length >= 5 && share(group, sameDept) >= 0.5) ||
      (sameOffice.length >= 5 && share(group, sameOffice) >= 0.5) ||
      (everyone.length >= 6 && holders.length / everyone.length >= 0.4) ||
      exactly('department') ||
      exactly('office')
    );
  };
  const telling = mine.filter((g) => !broad(g));
  const decoyPool = (people: DirectoryUser[]) =>
    people.flatMap((u) => u.groups ?? []).filter((g) => !mine.includes(g) && !broad(g));
  const pools = [decoyPool(sameDept), decoyPool(sameOffice), decoyPool(peers)];
  const lookAlikes = (g: string) => pools.flat().filter((d) => groupShape(d) === groupShape(g)).length;
  // The telling group with the most look-alike decoys, so the true one does not stand out.
  const best = Math.max(0, ...telling.map(lookAlikes));
  const truth = pick(telling.filter((g) => lookAlikes(g) === best));
  if (!truth) return undefined;
  const sameShape = (pool: string[]) => pool.filter((d) => groupShape(d) === groupShape(truth));
  return choice(
    'group',
    'Which of these groups are you a member of?',
    truth,
    [...pools.map(sameShape), ...pools],
    mine,
    PRIVATE_OPTIONS,
  );
}

/**
 * "Which of these people is in your team?": one who shares the person's manager, among people of
 * the same department with another manager, those with the same title first (a caller who matched
 * titles on LinkedIn learns nothing), then the same office.
 */
function teammateQuestion(requester: DirectoryUser, others: DirectoryUser[]): ChoiceQuestion | undefined {
  if (!requester.managerId) return undefined;
  const teammates = others.filter((u) => u.managerId === requester.managerId && u.enabled);
  const truth = pick(teammates);
  if (!truth) return undefined;
  const outsiders = others.filter(
    (u) =>
      u.enabled &&
      u.managerId !== requester.managerId &&
      u.userId !== requester.managerId &&
      u.department === requester.department,
  );
  const names = (people: DirectoryUser[]) => people.map((u) => u.displayName);
  return choice(
    'teammate',
    'Which of these people works in your team (reports to the same person as you)?',
    truth.displayName,
    [
      names(outsiders.filter((u) => u.title === truth.title)),
      names(outsiders.filter((u) => u.office === requester.office)),
      names(outsiders),
    ],
    names(teammates),
    PRIVATE_OPTIONS,
  );
}

/** Five consecutive years containing the true one at a uniformly random place, none in the future. */
function startYearOptions(startYear: number, now: Date): string[] {
  const latest = now.getUTCFullYear();
  const span = PUBLIC_OPTIONS + 1;
  const first = Math.min(startYear - randomInt(span), latest - span + 1);
  return Array.from({ length: span }, (_, i) => String(first + i)).filter((y) => y !== String(startYear));
}

export function buildQuestions(
  requester: DirectoryUser,
  manager: DirectoryUser | undefined,
  others: DirectoryUser[],
  count = DEFAULT_QUESTION_COUNT,
  tickets: TicketHistory = { own: [], others: [] },
  now: Date = new Date(),
): Question[] {
  const startYear = Number(requester.startDate.slice(0, 4));
  const myTickets = [...tickets.own, ...(requester.recentTickets ?? [])];
  const asked = askableTicket(myTickets, tickets.openedBefore);
  const sameDept = others.filter((u) => u.department === requester.department);
  const candidates: (Question | undefined)[] = [
    choice(
      'recent_ticket',
      'Which of these did you contact the IT help desk about in the last few months?',
      asked?.subject,
      [sharedSubjects(tickets.others, others), COMMON_TICKET_SUBJECTS],
      // Never another ticket of theirs (two true options), nor the ticket being verified.
      [...myTickets.map((t) => t.subject), ...(tickets.avoid ?? [])],
      PRIVATE_OPTIONS,
    ),
    groupQuestion(requester, others),
    teammateQuestion(requester, others),
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
    // Only when the directory knows the start date (Okta has none by default; Entra needs a permission).
    Number.isInteger(startYear) && /^\d{4}/.test(requester.startDate)
      ? choice(
          'start_year',
          'In which year did you join the company?',
          String(startYear),
          [startYearOptions(startYear, now)],
          [],
          PUBLIC_OPTIONS + 1,
        )
      : undefined,
    choice('department', 'Which department do you work in?', requester.department, [
      others.map((u) => u.department),
    ]),
    choice('office', 'Which office do you usually work from?', requester.office, [
      sameDept.map((u) => u.office),
      others.map((u) => u.office),
    ]),
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
