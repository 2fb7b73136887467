/**
 * Send a verification (primary course): an agent picks a ticket that went through intake and a
 * channel; the link goes to the requester's contact on record unless the agent types another
 * destination (allowed, recorded and scored as riskier). The verification is stored as `sent`
 * together with its audit event, then the lifecycle state machine starts and delivers the link.
 * If the state machine cannot start, the verification is cancelled: nothing is left half-made.
 */
import { ulid } from 'ulid';
import { CannotProceed, NotFound, StateConflict, Unavailable } from '../domain/errors.js';
import { maskDestination } from '../domain/mask.js';
import {
  type Channel,
  type ConsoleVerification,
  isFinal,
  type RequestedAction,
  type Verification,
} from '../domain/model/verification.js';
import type { Ctx } from '../ports/context.js';
import { loadConnection } from './load.js';

/** Checked by the caller: the console's send body (shared/console-api/verifications.ts), or the self-service start. */
export interface SendVerificationInput {
  connectionId: string;
  ticketId: string;
  channel: Channel;
  /** Omit to use the contact on record. */
  destination?: string;
  requestedAction?: RequestedAction;
  /** Why the agent typed a destination (the console requires one); recorded with the verification. */
  reason?: string;
  /**
   * No ITSM ticket (the console's "Verify a caller" without one): the ticket ref is the person's
   * record on the policy connection, the category what the caller asks for, and nothing is written back.
   */
  ticketless?: { category: string };
}

/** The ticket number a ticketless verification shows (table, notes, the portal). */
export const NO_TICKET = 'No ticket';

export async function sendVerification(
  ctx: Ctx<'directory' | 'workflow' | 'verifications' | 'tickets' | 'connections'>,
  agent: string,
  input: SendVerificationInput,
  origin: Verification['origin'] = 'agent',
) {
  const connection = await loadConnection(ctx, input.connectionId);
  const ref = { connectionId: connection.connectionId, ticketId: input.ticketId };
  const ticket = await ctx.tickets.getTicket(ref);
  if (!ticket)
    throw new NotFound('TICKET_NOT_FOUND', 'This ticket has not been received from the ticket system');
  const requester = await ctx.directory.findByEmail(ticket.requesterEmail);
  if (!requester)
    throw new CannotProceed('REQUESTER_NOT_IN_DIRECTORY', 'The requester is not in the directory');

  const onRecord = input.channel === 'email' ? requester.email : requester.mobilePhone;
  const destination = input.destination ?? onRecord;
  if (!destination)
    throw new CannotProceed(
      'NO_CONTACT_ON_RECORD',
      `The requester has no ${input.channel} contact on record`,
    );

  const previous = ticket.lastVerificationId
    ? await ctx.verifications.getVerification(ticket.lastVerificationId)
    : undefined;
  if (previous && !isFinal(previous.status)) {
    throw new StateConflict('VERIFICATION_IN_PROGRESS', 'A verification for this ticket is still open');
  }

  const now = ctx.clock.now();
  const verification: ConsoleVerification = {
    verificationId: ulid(now.getTime()),
    ticket: ref,
    ticketNumber: input.ticketless ? NO_TICKET : ticket.ticketNumber,
    category: input.ticketless?.category ?? ticket.category,
    ...(input.ticketless ? { ticketless: true as const } : {}),
    requesterId: requester.userId,
    requesterName: requester.displayName,
    requesterEmail: requester.email,
    channel: input.channel,
    destination,
    destinationMasked: maskDestination(input.channel, destination),
    destinationIsContactOnRecord: destination.toLowerCase() === onRecord?.toLowerCase(),
    ...(input.destination !== undefined && input.reason ? { destinationReason: input.reason } : {}),
    requestedAction: input.requestedAction,
    origin,
    agent,
    status: 'sent',
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    linkExpiresAt: new Date(now.getTime() + connection.linkLifetimeSeconds * 1000).toISOString(),
    writeBack: { state: 'pending' },
    action: { state: 'none' },
    expiresAtEpoch:
      Math.floor(now.getTime() / 1000) + (connection.retentionDays ?? ctx.config.RETENTION_DAYS) * 86_400,
  };
  await ctx.verifications.createVerification(
    verification,
    {
      verificationId: verification.verificationId,
      ticket: ref,
      actor: agent,
      action: 'verification.sent',
      at: verification.createdAt,
      details: {
        channel: input.channel,
        destination: verification.destinationMasked,
        contactOnRecord: verification.destinationIsContactOnRecord,
        ...(origin !== 'agent' ? { origin } : {}),
        ...(input.ticketless ? { ticketless: true, category: verification.category } : {}),
        ...(verification.destinationReason ? { reason: verification.destinationReason } : {}),
      },
    },
    ticket.lastVerificationId,
  );

  try {
    await ctx.workflow.start({
      verificationId: verification.verificationId,
      linkLifetimeSeconds: connection.linkLifetimeSeconds,
    });
  } catch (error) {
    await ctx.verifications.transition(
      verification.verificationId,
      'cancelled',
      {},
      {
        verificationId: verification.verificationId,
        actor: 'system',
        action: 'verification.cancelled',
        at: ctx.clock.now().toISOString(),
        details: { reason: `workflow did not start: ${(error as Error).name}` },
      },
    );
    throw new Unavailable('WORKFLOW_UNAVAILABLE', 'The verification could not be started; try again');
  }
  return toView(verification);
}

/**
 * What the console API shows of a verification: no destination in clear, no tokens, no questions or
 * answers (those are in the transcript, whose every view is audited).
 */
export function toView(v: Verification) {
  const { destination: _d, taskTokens: _t, questions, answers, ...rest } = v;
  return { ...rest, questionCount: questions?.length ?? 0, answeredCount: answers?.length ?? 0 };
}
