/**
 * The console's index attributes, written with the verification (see the access patterns in
 * table.ts): filter keys on GSI3-6 and the search terms a verification can be found by. Pure
 * functions, so the store and the benchmark's seeding write exactly the same items.
 */
import type { Verification } from '../../domain/verification.js';
import { type ConsoleVerification, normalizeTerm } from '../../use-cases/console/model.js';
import { keys } from './table.js';

/** GSI1's sort key, shared by the console's filter indexes. */
export const listSortKey = (v: { createdAt: string; verificationId: string }) =>
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
export function verificationIndexAttributes(v: Verification): Record<string, string> {
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
export function searchTerms(v: ConsoleVerification): string[] {
  const terms = [v.ticketNumber, v.requesterEmail, v.requesterName]
    .filter((t): t is string => typeof t === 'string' && t.trim() !== '')
    .map(normalizeTerm);
  return [...new Set(terms)];
}

/** One small item per search term; they never change, so they are written once with the verification. */
export function searchItems(v: ConsoleVerification): Record<string, unknown>[] {
  return searchTerms(v).map((term) => ({
    pk: keys.search(term),
    sk: listSortKey(v),
    verificationId: v.verificationId,
    expiresAtEpoch: v.expiresAtEpoch,
  }));
}
