/**
 * The recent-ticket question's material from the ticket system and the directory: which of the
 * person's own tickets to ask about, and which other subjects may stand beside it as decoys.
 */
import type { DirectoryUser } from '../model/person.js';

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
