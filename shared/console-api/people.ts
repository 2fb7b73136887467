/**
 * /api/people: "Verify a caller". An agent finds the person who phoned in (by name, email or
 * employee ID) and sends them a verification, with or without a ticket. A match never carries the
 * clear contact on record: only masked, as the send page shows it.
 */
import type { AssuredAction } from '../domain/model/assurance.js';
import * as z from '../zod.js';
import { deliveryFields, typedDestinationNeedsReason } from './verifications.js';

/** Matches returned at most. */
export const PEOPLE_SEARCH_LIMIT = 10;

/** GET /api/people?q= : a name (words the name starts with), an email or its start, or an employee ID. */
export const peopleQuerySchema = z.strictObject({
  q: z.string().check(z.trim(), z.minLength(2, 'at least 2 characters'), z.maxLength(100)),
});

/** One person found: enough to pick the right one, the contact on record masked. */
export interface PersonView {
  userId: string;
  displayName: string;
  title: string;
  department: string;
  employeeId?: string;
  /** Disabled accounts are shown (the agent must know) but cannot be sent a link. */
  enabled: boolean;
  contactOnRecord: { email?: string; sms?: string };
}

export interface PeopleResult {
  items: PersonView[];
  /** More matched than are shown: the agent should type more. */
  more: boolean;
}

/** What the caller asks for, when there is no ticket to say it (drives the assurance policy). */
export const CALLER_REQUESTS = [
  'password_reset',
  'mfa_reset',
  'account_unlock',
  'other',
] as const satisfies readonly AssuredAction[];

/** POST /api/people/{userId}/verifications. `destination` omitted: the contact on record. */
export const callerSendBodySchema = z
  .strictObject({
    /** The ticket this call is about, if any: checked against the ITSM, and written back to. */
    ticket: z.optional(
      z.strictObject({
        connectionId: z.string().check(z.minLength(1), z.maxLength(64)),
        ticketId: z.string().check(z.trim(), z.minLength(1), z.maxLength(128)),
      }),
    ),
    /** What the caller asks for; needed without a ticket (a ticket's category says it otherwise). */
    request: z.optional(z.enum(CALLER_REQUESTS)),
    ...deliveryFields,
  })
  .check(
    typedDestinationNeedsReason,
    z.refine((v) => v.ticket !== undefined || v.request !== undefined, {
      path: ['request'],
      message: 'Say what the caller asks for (there is no ticket to say it)',
    }),
  );
export type CallerSendBody = z.infer<typeof callerSendBodySchema>;
