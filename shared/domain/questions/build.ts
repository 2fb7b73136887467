/**
 * Challenge questions, built per verification from the person's directory record when the link is
 * first opened and frozen on the verification, so a reload shows the same options (no answer by
 * intersection). Multiple-choice questions draw their decoys from the same organisation; free-text
 * questions are graded with `grading/free-text.ts` (nicknames, accents, typos, near-miss decoys).
 *
 * Each question carries a weight: how private its fact is. Department and office are on LinkedIn
 * (0.1); a recent help-desk ticket is known to almost nobody else (1.5). The most private facts
 * available are asked first; public ones only fill in when there is nothing better.
 */
import { randomInt } from 'node:crypto';
import type { DirectoryUser } from '../model/person.js';
import type { Question } from '../model/question.js';
import { choice, PRIVATE_OPTIONS, PUBLIC_OPTIONS, QUESTION_WEIGHTS, shuffle } from './catalogue.js';
import { groupQuestion, teammateQuestion } from './directory.js';
import { askableTicket, type TicketHistory, ticketDecoyPools } from './tickets.js';

/** Questions offered at most; the most private available are chosen. */
const DEFAULT_QUESTION_COUNT = 5;

/**
 * How many people the decoys are drawn from (the directory is asked for this many). More than one
 * page of Entra ID's or Okta's user list (100): a second round trip when a link is opened, but a
 * sample large enough that most people's team and telling group show up in it.
 */
export const DECOY_SAMPLE_SIZE = 120;

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
      ticketDecoyPools(tickets.others, others, requester.department),
      // Never another ticket of theirs (two true options), nor the ticket being verified.
      [...myTickets.map((t) => t.subject), ...(tickets.avoid ?? [])],
      PRIVATE_OPTIONS,
      // A full set of decoys the organisation raised, or no ticket question: never topped up from
      // a fixed list, which the true option would be the only one not on.
      PRIVATE_OPTIONS - 1,
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
