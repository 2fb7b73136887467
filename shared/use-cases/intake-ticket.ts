/**
 * Ticket intake (primary course): the ITSM posts a signed webhook when a ticket is created; we
 * check the signature, re-fetch the ticket through the ITSM's API (never trusting the payload for
 * facts), and if its category requires verification write one "Send Verification Link" entry.
 *
 * Duplicate deliveries and create+update bursts leave one ticket record and one link entry: the
 * ticket record is created conditionally and the entry is written by whoever holds it in `writing`.
 * If the ITSM is down we answer 503 so that the ITSM delivers again; a redelivery picks up a
 * failed entry.
 */
import * as z from 'zod/mini';
import { secretNames } from '../adapters/secrets.js';
import type { Ctx } from '../composition.js';
import {
  AppError,
  badRequest,
  notFound,
  TicketSystemPermanentError,
  TicketSystemRetryableError,
  unauthorized,
  unavailable,
} from '../domain/errors.js';
import { linkEntryNote } from '../domain/ticket-notes.js';
import { verifyWebhook } from '../domain/tokens.js';
import type { Connection, TicketRecord } from '../ports.js';

export const webhookPayloadSchema = z.object({
  ticketId: z.string().check(z.minLength(1), z.maxLength(128)),
});

export type IntakeResult =
  | { result: 'ignored'; reason: 'category_not_gated' }
  | { result: 'duplicate' }
  | { result: 'link_entry_written'; ticketId: string };

export async function loadConnection(ctx: Ctx<'store'>, connectionId: string): Promise<Connection> {
  const connection = await ctx.store.getConnection(connectionId);
  if (!connection) throw notFound('UNKNOWN_CONNECTION', 'No such connection');
  return connection;
}

export async function intakeTicket(
  ctx: Ctx<'store' | 'secrets' | 'ticketSystems'>,
  input: { connectionId: string; rawBody: string; signature: string | undefined },
): Promise<IntakeResult> {
  const connection = await loadConnection(ctx, input.connectionId);
  const secrets = parseSecretList(await ctx.secrets.get(secretNames.webhookSecrets(connection.connectionId)));
  const check = verifyWebhook(input.signature, input.rawBody, secrets, ctx.clock.now());
  if (!check.ok) throw unauthorized('INVALID_SIGNATURE', `Webhook signature ${check.reason}`);

  const payload = parsePayload(input.rawBody);
  const itsm = ctx.ticketSystems.forConnection(connection);
  const ticket = await itsm.getTicket(payload.ticketId).catch((error: unknown) => {
    if (error instanceof TicketSystemRetryableError) {
      throw unavailable('ITSM_UNAVAILABLE', 'The ticket system did not answer; deliver again later');
    }
    if (error instanceof TicketSystemPermanentError && error.status === 404) {
      throw notFound('TICKET_NOT_FOUND', 'The ticket does not exist in the ticket system');
    }
    // Our integration user was refused: answered as a server error so the ITSM keeps the delivery.
    throw new AppError(
      'ITSM_REJECTED',
      502,
      'The ticket system refused to show the ticket; check the connection',
    );
  });
  if (!connection.gatedCategories.includes(ticket.category)) {
    return { result: 'ignored', reason: 'category_not_gated' };
  }

  const ref = { connectionId: connection.connectionId, ticketId: ticket.ticketId };
  const record: TicketRecord = {
    ...ref,
    ticketNumber: ticket.number,
    category: ticket.category,
    requesterEmail: ticket.requesterEmail.toLowerCase(),
    createdAt: ctx.clock.now().toISOString(),
    linkEntry: 'writing',
  };
  const { created } = await ctx.store.createTicket(record);
  if (!created && !(await ctx.store.setLinkEntry(ref, ['failed'], 'writing'))) return { result: 'duplicate' };

  const sendUrl = `${ctx.config.CONSOLE_BASE_URL}/send?connection=${encodeURIComponent(ref.connectionId)}&ticket=${encodeURIComponent(ref.ticketId)}`;
  try {
    await itsm.addVerificationLink(ticket.ticketId, sendUrl, linkEntryNote(sendUrl));
  } catch (error) {
    await ctx.store.setLinkEntry(ref, ['writing'], 'failed');
    throw unavailable(
      'ITSM_UNAVAILABLE',
      `The link entry could not be written (${(error as Error).name}); deliver again later`,
    );
  }
  await ctx.store.setLinkEntry(ref, ['writing'], 'done');
  await ctx.store.appendAudit({
    ticket: ref,
    actor: `connection:${ref.connectionId}`,
    action: 'ticket.link_entry_written',
    at: ctx.clock.now().toISOString(),
    details: { ticketNumber: ticket.number, category: ticket.category },
  });
  return { result: 'link_entry_written', ticketId: ticket.ticketId };
}

function parseSecretList(value: string): string[] {
  const trimmed = value.trim();
  const list: unknown = trimmed.startsWith('[') ? JSON.parse(trimmed) : [trimmed];
  return z
    .array(z.string().check(z.minLength(16)))
    .check(z.minLength(1))
    .parse(list);
}

function parsePayload(rawBody: string) {
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    throw badRequest('MALFORMED_JSON', 'The body is not valid JSON');
  }
  const parsed = webhookPayloadSchema.safeParse(json);
  if (!parsed.success)
    throw badRequest('VALIDATION_FAILED', 'The webhook payload is invalid', parsed.error.issues);
  return parsed.data;
}
