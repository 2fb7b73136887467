/**
 * The Send Verification Portal Link page (primary course): the agent opens it from the ticket's
 * link and sees the ticket pre-filled (subject and category from the ticket system, the requester
 * and their contact on record, masked, from the directory); sends by email or SMS (a typed phone
 * number is normalised to E.164 with libphonenumber-js; a typed destination needs a reason); and
 * may resend or cancel the ticket's open verification. Cancelling (or resending, which cancels)
 * another agent's verification is for admins only.
 */
// Mobile metadata: an SMS needs a mobile number (as the console checks), and it is the smaller set.
import { parsePhoneNumberFromString } from 'libphonenumber-js/mobile';
import type { SendBody, TicketPrefill } from '../../console-api/verifications.js';
import { InvalidInput, NotFound, NotPermitted, StateConflict, UpstreamRefused } from '../../domain/errors.js';
import { maskEmail, maskPhone } from '../../domain/mask.js';
import type { Principal } from '../../domain/model/principal.js';
import type { ConsoleVerification } from '../../domain/model/verification.js';
import { isFinal, type Verification } from '../../domain/model/verification.js';
import { logger } from '../../logger.js';
import type { Ctx } from '../../ports/context.js';
import * as z from '../../zod.js';
import { loadConnection } from '../load.js';
import { resumeStage, SUPERSEDED_BY_RESEND } from '../resume-stage.js';
import { sendVerification } from '../send-verification.js';
import { toConsoleView, toRow } from './model.js';

const emailAddress = z.email();

/** Email lower-cased; a mobile number as E.164, or 400 VALIDATION_FAILED on `destination`. */
export function normaliseDestination(channel: SendBody['channel'], destination: string, country?: string) {
  if (channel === 'email') {
    const email = destination.trim().toLowerCase();
    if (!emailAddress.safeParse(email).success)
      throw new InvalidInput('VALIDATION_FAILED', 'The request body is invalid', [
        { path: 'destination', message: 'Not a valid email address' },
      ]);
    return email;
  }
  const phone = parsePhoneNumberFromString(
    destination,
    country as Parameters<typeof parsePhoneNumberFromString>[1],
  );
  if (!phone?.isValid())
    throw new InvalidInput('VALIDATION_FAILED', 'The request body is invalid', [
      {
        path: 'destination',
        message: country
          ? `Not a valid mobile number for ${country}`
          : 'Not a valid mobile number: give the country code (+44 ...) or pick the country',
      },
    ]);
  return phone.number;
}

export async function sendFromConsole(
  ctx: Ctx<'directory' | 'workflow' | 'verifications' | 'tickets' | 'connections'>,
  agent: string,
  body: SendBody,
) {
  const { country, destination, ...rest } = body;
  return sendVerification(ctx, agent, {
    ...rest,
    ...(destination !== undefined
      ? { destination: normaliseDestination(body.channel, destination, country) }
      : {}),
  });
}

export async function ticketPrefill(
  ctx: Ctx<'directory' | 'ticketSystems' | 'verifications' | 'tickets' | 'connections'>,
  connectionId: string,
  ticketId: string,
): Promise<TicketPrefill> {
  const connection = await loadConnection(ctx, connectionId);
  const record = await ctx.tickets.getTicket({ connectionId, ticketId });
  if (!record)
    throw new NotFound('TICKET_NOT_FOUND', 'This ticket has not been received from the ticket system');
  const ticket = await ctx.ticketSystems
    .forConnection(connection)
    .getTicket(ticketId)
    .catch((error: unknown) => {
      logger.warn('ticket fetch failed', { connectionId, error: (error as Error).name });
      throw new UpstreamRefused('TICKET_SYSTEM_UNAVAILABLE', 'The ticket system did not answer; try again');
    });
  const requester = await ctx.directory.findByEmail(record.requesterEmail);
  const history = (await ctx.verifications.listVerificationsByTicket({ connectionId, ticketId })).map((v) =>
    toRow(v as ConsoleVerification),
  );
  const open = history.find((v) => !isFinal(v.status));
  return {
    connectionId,
    ticketId,
    ticketNumber: record.ticketNumber,
    subject: ticket.subject,
    category: record.category,
    requiresVerification: connection.gatedCategories.includes(record.category),
    requesterName: requester?.displayName ?? '',
    contactOnRecord: {
      ...(requester?.email ? { email: maskEmail(requester.email) } : {}),
      ...(requester?.mobilePhone ? { sms: maskPhone(requester.mobilePhone) } : {}),
    },
    ...(open ? { openVerification: open } : {}),
    history,
  };
}

/** Whether the principal may cancel (or resend) this verification: its sender, or an admin. */
export const mayActOn = (v: Verification, principal: Principal) =>
  principal.roles.includes('admin') || (principal.roles.includes('agent') && v.agent === principal.username);

async function openOwned(ctx: Ctx<'verifications'>, verificationId: string, principal: Principal) {
  const v = await ctx.verifications.getVerification(verificationId);
  if (!v) throw new NotFound('VERIFICATION_NOT_FOUND', 'No such verification');
  if (!mayActOn(v, principal))
    throw new NotPermitted(
      'NOT_YOUR_VERIFICATION',
      'Only the agent who sent this verification or an admin may do this',
    );
  if (isFinal(v.status))
    throw new StateConflict('VERIFICATION_NOT_OPEN', `The verification is already ${v.status}`);
  return v;
}

/** Cancels an open verification and lets its lifecycle finish at once (nothing is written back). */
async function cancelOpen(
  ctx: Ctx<'workflow' | 'verifications' | 'connections'>,
  v: Verification,
  actor: string,
  reason: string,
): Promise<Verification> {
  const cancelled = await ctx.verifications.transition(
    v.verificationId,
    'cancelled',
    {},
    {
      verificationId: v.verificationId,
      ticket: v.ticket,
      actor,
      action: 'verification.cancelled',
      at: ctx.clock.now().toISOString(),
      details: { reason },
    },
  );
  // The lifecycle waits on a callback: resume it now rather than at the link's expiry, with the
  // token read after the transition (see resume-stage.ts). A token already used or expired only
  // means the lifecycle moved on by itself.
  try {
    await resumeStage(ctx, v.verificationId, ['step_up', 'completion', 'open']);
  } catch (error) {
    logger.info('lifecycle callback after cancel not taken', { error: (error as Error).name });
  }
  return cancelled;
}

export async function cancelVerification(
  ctx: Ctx<'workflow' | 'verifications' | 'connections'>,
  verificationId: string,
  principal: Principal,
  reason: string | undefined,
) {
  const v = await openOwned(ctx, verificationId, principal);
  return toConsoleView(await cancelOpen(ctx, v, principal.username, reason ?? 'cancelled by the agent'));
}

/**
 * Resend: the open verification is cancelled and a new one sent to the same place (a fresh link;
 * only the hash of the old one was ever stored). A typed destination keeps its recorded reason.
 */
export async function resendVerification(
  ctx: Ctx<'directory' | 'workflow' | 'verifications' | 'tickets' | 'connections'>,
  verificationId: string,
  principal: Principal,
) {
  const v = (await openOwned(ctx, verificationId, principal)) as ConsoleVerification;
  await cancelOpen(ctx, v, principal.username, SUPERSEDED_BY_RESEND);
  return sendVerification(
    ctx,
    principal.username,
    {
      connectionId: v.ticket.connectionId,
      ticketId: v.ticket.ticketId,
      channel: v.channel,
      ...(v.destinationIsContactOnRecord
        ? {}
        : {
            destination: v.destination,
            reason: v.destinationReason ?? 'resend to the destination typed before',
          }),
      ...(v.requestedAction ? { requestedAction: v.requestedAction } : {}),
      // A ticketless "Verify a caller" stays ticketless (and agent-led).
      ...(v.ticketless ? { ticketless: { category: v.category } } : {}),
    },
    v.origin === 'agent_led' ? 'agent_led' : undefined,
  );
}
