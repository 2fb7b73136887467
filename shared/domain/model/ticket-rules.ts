/**
 * The rules on a ticket's record, stated once; every store enforces them on the write they guard.
 */
import type { TicketRecord } from './ticket.js';

/**
 * One open verification per ticket (an optimistic lock): a new verification becomes the ticket's
 * latest only if the ticket exists and its latest is still the one the sender saw
 * (`previousVerificationId`, undefined when it had none). Of two concurrent sends, one wins.
 */
export function ticketLockHolds(
  ticket: Pick<TicketRecord, 'lastVerificationId'> | undefined,
  previousVerificationId: string | undefined,
): boolean {
  return ticket !== undefined && ticket.lastVerificationId === previousVerificationId;
}

/**
 * The ticket's "Send verification link" entry moves only from one of the states the caller names
 * (`from`): whoever moves it from `failed` to `writing` holds the right to write it.
 */
export function mayMoveLinkEntry(
  ticket: Pick<TicketRecord, 'linkEntry'>,
  from: readonly TicketRecord['linkEntry'][],
): boolean {
  return from.includes(ticket.linkEntry);
}
