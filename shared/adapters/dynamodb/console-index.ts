/**
 * The console's index attributes, written with the verification (see the access patterns in
 * table.ts): filter keys on GSI3-6 and the search terms a verification can be found by. Pure
 * functions, so the store and the benchmark's seeding write exactly the same items.
 */
import type { ConsoleVerification, Verification } from '../../domain/model/verification.js';
import { normalizeTerm } from '../../domain/search-term.js';
import { keys } from './table.js';

/** GSI1's sort key, shared by the console's filter indexes. */
const listSortKey = (v: { createdAt: string; verificationId: string }) =>
  `${v.createdAt}#${v.verificationId}`;

/** The filter keys that change with the status (and the assessment that comes with the outcome). */
export function statusIndexAttributes(
  status: Verification['status'],
  assessment: Verification['assessment'] | undefined,
): Record<string, string> {
  return {
    gsi3pk: keys.byStatus(status),
    ...(assessment ? { gsi4pk: keys.byRisk(assessment.riskLevel) } : {}),
  };
}

/** Every filter key of a verification as it is now. */
function verificationIndexAttributes(v: Verification): Record<string, string> {
  return {
    ...statusIndexAttributes(v.status, v.assessment),
    gsi5pk: keys.byCategory(v.category),
    gsi6pk: keys.byAgent(v.agent),
  };
}

/** A new verification's item: its keys, GSI1 (by month) and GSI2 (by ticket), the filter keys. */
export function verificationItem(v: Verification): Record<string, unknown> {
  return {
    ...keys.verification(v.verificationId),
    gsi1pk: keys.verificationsMonth(v.createdAt),
    gsi1sk: listSortKey(v),
    gsi2pk: keys.ticketVerifications(v.ticket.connectionId, v.ticket.ticketId),
    gsi2sk: v.createdAt,
    ...verificationIndexAttributes(v),
    ...v,
    taskTokens: {},
  };
}

/** The terms a verification is found by: its ticket number, the requester's email and full name. */
function searchTerms(v: ConsoleVerification): string[] {
  const terms = [v.ticketNumber, v.requesterEmail, v.requesterName]
    .filter((t): t is string => typeof t === 'string' && t.trim() !== '')
    .map(normalizeTerm);
  return [...new Set(terms)];
}

/**
 * Prefix pointers cover the first 3, 5 and 8 characters of a name, a word of it, an email and a
 * ticket number: a search reads the longest of those its term reaches and keeps what starts with
 * the term (three lengths, not six: half the items written with each verification).
 */
const PREFIX_LENGTHS = [3, 5, 8] as const;
export const PREFIX_MIN = PREFIX_LENGTHS[0];
/** How prefixes compare: as search terms, and without apostrophes (O'Connor is found by "oconn"). */
export const looseTerm = (text: string) => normalizeTerm(text).replace(/['’‘`"]/g, '');
/** The prefix pointer a term reads (`~` sets prefixes apart from the exact terms). */
export function prefixTerm(term: string): string {
  const loose = looseTerm(term);
  const length = [...PREFIX_LENGTHS].reverse().find((n) => n <= loose.length) ?? PREFIX_MIN;
  return `~${loose.slice(0, length)}`;
}

/**
 * The prefixes a verification is found by ("the start of a name or email", any case and accents):
 * of the requester's full name and each later word of it (a surname), the email, the ticket number.
 */
export function prefixTerms(v: ConsoleVerification): string[] {
  const terms = new Set<string>();
  for (const source of startsOf(v))
    for (const n of PREFIX_LENGTHS) if (n <= source.length) terms.add(`~${source.slice(0, n)}`);
  return [...terms];
}

/** What a prefix search matches the start of: the full name, each later word of it, the email, the ticket number. */
function startsOf(v: ConsoleVerification): string[] {
  const name = looseTerm(v.requesterName ?? '');
  return [
    name,
    ...name.split(' ').slice(1),
    looseTerm(v.requesterEmail ?? ''),
    looseTerm(v.ticketNumber ?? ''),
  ].filter((s) => s !== '');
}

/** Whether a verification's name (or a later word of it), email or ticket number starts with a search term. */
export function startsWithTerm(v: ConsoleVerification, term: string): boolean {
  const start = looseTerm(term);
  return startsOf(v).some((s) => s.startsWith(start));
}

/** One small item per search term; they never change, so they are written once with the verification. */
export function searchItems(v: ConsoleVerification): Record<string, unknown>[] {
  return [...searchTerms(v), ...prefixTerms(v)].map((term) => ({
    pk: keys.search(term),
    sk: listSortKey(v),
    verificationId: v.verificationId,
    expiresAtEpoch: v.expiresAtEpoch,
  }));
}
