/**
 * "Verify a caller", sending (POST /api/people/{userId}/verifications): the agent picked the person
 * from the directory and sends them a verification link, with or without a ticket. The same
 * lifecycle runs either way (origin `agent_led`).
 *
 * - With a ticket: it is read from the ITSM now (it must exist there and be this person's; a ticket
 *   that never went through intake, an ungated category, is recorded here as intake would), and the
 *   outcome is written back to it as for any ticket.
 * - Without: like the self-service start, the verification runs on a per-person record of the
 *   policy connection (CALLER_CONNECTION_ID, else SELF_SERVICE_CONNECTION_ID), the category is what
 *   the agent says the caller asks for, and nothing is written back (hasTicket is false).
 *
 * The destination rules are the send page's: the contact on record by default; a typed one needs a
 * reason and is recorded and scored as riskier.
 */
import type { CallerSendBody } from '../../console-api/people.js';
import {
  CannotProceed,
  NotFound,
  StateConflict,
  TicketSystemPermanentError,
  TicketSystemRetryableError,
  Unavailable,
  UpstreamRefused,
} from '../../domain/errors.js';
import type { Connection } from '../../domain/model/connection.js';
import type { DirectoryUser } from '../../domain/model/person.js';
import { logger } from '../../logger.js';
import type { Ctx } from '../../ports/context.js';
import { loadConnection } from '../load.js';
import { NO_TICKET, sendVerification } from '../send-verification.js';
import { normaliseDestination } from './send.js';

type SendCtx = Ctx<'directory' | 'workflow' | 'verifications' | 'tickets' | 'connections' | 'ticketSystems'>;

export async function sendForCaller(ctx: SendCtx, agent: string, userId: string, body: CallerSendBody) {
  const person = await ctx.directory.getUser(userId);
  if (!person) throw new NotFound('PERSON_NOT_FOUND', 'This person is not in the directory');
  const ref = body.ticket ? await ticketOf(ctx, body.ticket, person) : await callerRecord(ctx, person, body);
  const { country, destination } = body;
  return sendVerification(
    ctx,
    agent,
    {
      ...ref,
      channel: body.channel,
      ...(destination !== undefined
        ? { destination: normaliseDestination(body.channel, destination, country), reason: body.reason }
        : {}),
      ...(body.requestedAction ? { requestedAction: body.requestedAction } : {}),
      ...(body.ticket ? {} : { ticketless: { category: body.request ?? 'other' } }),
    },
    'agent_led',
  );
}

/** The ticket the agent named, as the ITSM has it now: this person's, and recorded here. */
async function ticketOf(ctx: SendCtx, given: NonNullable<CallerSendBody['ticket']>, person: DirectoryUser) {
  const connection = await loadConnection(ctx, given.connectionId);
  const ticket = await fetchTicket(ctx, connection, given.ticketId);
  if (ticket.requesterEmail.toLowerCase() !== person.email.toLowerCase())
    throw new StateConflict(
      'TICKET_REQUESTER_MISMATCH',
      'This ticket was raised by someone else: check the ticket number, or send without a ticket',
    );
  const ref = { connectionId: connection.connectionId, ticketId: ticket.ticketId };
  await ctx.tickets.createTicket({
    ...ref,
    ticketNumber: ticket.number,
    category: ticket.category,
    requesterEmail: ticket.requesterEmail.toLowerCase(),
    createdAt: ctx.clock.now().toISOString(),
    // No link entry to write: the agent is already verifying.
    linkEntry: 'done',
  });
  return ref;
}

async function fetchTicket(ctx: Ctx<'ticketSystems'>, connection: Connection, ticketId: string) {
  return ctx.ticketSystems
    .forConnection(connection)
    .getTicket(ticketId)
    .catch((error: unknown) => {
      if (error instanceof TicketSystemPermanentError && error.status === 404)
        throw new NotFound('TICKET_NOT_FOUND', 'The ticket system has no such ticket');
      logger.warn('ticket fetch failed', {
        connectionId: connection.connectionId,
        error: (error as Error).name,
      });
      if (error instanceof TicketSystemRetryableError)
        throw new Unavailable('TICKET_SYSTEM_UNAVAILABLE', 'The ticket system did not answer; try again');
      throw new UpstreamRefused('TICKET_SYSTEM_REFUSED', 'The ticket system refused to show the ticket');
    });
}

/** The person's record on the policy connection, as the self-service start keeps one. */
async function callerRecord(ctx: SendCtx, person: DirectoryUser, body: CallerSendBody) {
  const connectionId = ctx.config.CALLER_CONNECTION_ID ?? ctx.config.SELF_SERVICE_CONNECTION_ID;
  if (!connectionId)
    throw new CannotProceed(
      'TICKET_REQUIRED',
      'Verifications without a ticket are not set up here (CALLER_CONNECTION_ID): give the ticket',
    );
  const connection = await loadConnection(ctx, connectionId);
  const ref = { connectionId: connection.connectionId, ticketId: `caller-${person.userId}` };
  await ctx.tickets.createTicket({
    ...ref,
    ticketNumber: NO_TICKET,
    category: body.request ?? 'other',
    requesterEmail: person.email.toLowerCase(),
    createdAt: ctx.clock.now().toISOString(),
    linkEntry: 'done',
  });
  return ref;
}
