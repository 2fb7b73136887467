/**
 * The recent-ticket question's material from the ticket system and the directory: which of the
 * person's own tickets to ask about, and which other subjects may stand beside it as decoys.
 */
import { normalise } from '../grading/normalise.js';
import type { DirectoryUser } from '../model/person.js';

/** One of other people's tickets, for decoys: who raised it, when known, as an opaque key. */
export interface OthersTicket {
  subject: string;
  requester?: string;
}

/**
 * Other people's subjects, each with who raised it and from which departments (where the directory
 * sample says), one entry per subject as normalised (`password expired` and `Password expired.`
 * are one subject, shown as first seen). A ticket system ticket that does not say who raised it
 * counts as one more person.
 */
function subjectsRaised(
  fromTicketSystem: readonly (string | OthersTicket)[],
  people: readonly DirectoryUser[],
) {
  const raised = new Map<string, { subject: string; who: Set<string>; departments: Set<string> }>();
  const add = (subject: string, who: string, department: string | undefined) => {
    const key = normalise(subject);
    if (key === '') return;
    const entry = raised.get(key) ?? { subject, who: new Set<string>(), departments: new Set<string>() };
    entry.who.add(who);
    if (department !== undefined) entry.departments.add(department);
    raised.set(key, entry);
  };
  const byEmail = new Map(people.map((p) => [p.email.toLowerCase(), p]));
  for (const p of people)
    for (const t of p.recentTickets ?? []) add(t.subject, `person:${p.userId}`, p.department);
  fromTicketSystem.forEach((t, i) => {
    const ticket = typeof t === 'string' ? { subject: t } : t;
    const email = ticket.requester?.toLowerCase();
    add(
      ticket.subject,
      email ? `itsm:${email}` : `ticket:${i}`,
      email ? byEmail.get(email)?.department : undefined,
    );
  });
  return [...raised.values()];
}

/**
 * Other people's subjects that may be shown as decoys: only those raised by at least two different
 * people (in the ticket system, where it says who; in the directory sample), so that a decoy never
 * tells whoever holds the link what one colleague asked the help desk about.
 */
export function sharedSubjects(
  fromTicketSystem: readonly (string | OthersTicket)[],
  people: readonly DirectoryUser[],
): string[] {
  return subjectsRaised(fromTicketSystem, people)
    .filter((s) => s.who.size >= 2)
    .map((s) => s.subject);
}

/**
 * The recent-ticket question's decoys, in the order they are drawn: shared subjects (`sharedSubjects`)
 * someone of the requester's department raised, then the other shared ones. Never a fixed list of
 * common subjects: the true option would be the one not on it.
 */
export function ticketDecoyPools(
  fromTicketSystem: readonly (string | OthersTicket)[],
  people: readonly DirectoryUser[],
  department: string,
): string[][] {
  const shared = subjectsRaised(fromTicketSystem, people).filter((s) => s.who.size >= 2);
  const sameDepartment = shared.filter((s) => s.departments.has(department));
  return [sameDepartment.map((s) => s.subject), shared.map((s) => s.subject)];
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
export function askableTicket(
  tickets: readonly OwnTicket[],
  openedBefore: string | undefined,
): OwnTicket | undefined {
  const cutoff = openedBefore ? Date.parse(openedBefore) : Number.POSITIVE_INFINITY;
  const rank = (t: OwnTicket) => (t.selfService === true ? 0 : t.selfService === undefined ? 1 : 2);
  return tickets
    .filter((t) => Date.parse(t.openedAt) <= cutoff)
    .sort((a, b) => rank(a) - rank(b) || b.openedAt.localeCompare(a.openedAt))[0];
}
