/**
 * Ticket intake (primary course): the ITSM posts a webhook when a ticket is created; we
 * authenticate the delivery (a timestamped HMAC signature, or Basic credentials for senders that
 * cannot sign), re-fetch the ticket through the ITSM's API (never trusting the payload for facts),
 * and if its category requires verification write one "Send Verification Link" entry.
 *
 * Duplicate deliveries and create+update bursts leave one ticket record and one link entry: the
 * ticket record is created conditionally and the entry is written by whoever holds it in `writing`.
 * A replayed signed delivery (the same signature, however re-encoded) is refused. If the ITSM is down we answer 503 so that
 * the sender delivers again (the claim on a signed delivery is released so its retry is accepted);
 * a redelivery picks up a failed entry.
 */
import { createHash } from 'node:crypto';
import { type Delivery, inboundAuth, parseDelivery } from '../domain/deliveries.js';
import {
  InvalidInput,
  StateConflict,
  TicketSystemPermanentError,
  TicketSystemRetryableError,
  Unauthenticated,
  Unavailable,
  UpstreamRefused,
} from '../domain/errors.js';
import type { Connection } from '../domain/model/connection.js';
import type { TicketRecord } from '../domain/model/ticket.js';
import { linkEntryNote } from '../domain/ticket-notes.js';
import { verifyBasic, WEBHOOK_TOLERANCE_SECONDS, webhookDelivery } from '../domain/tokens.js';
import type { Ctx } from '../ports/context.js';
import { secretNames } from '../ports/secrets.js';
import * as z from '../zod.js';
import { loadConnection } from './load.js';

export type IntakeResult =
  | { result: 'ignored'; reason: string }
  | { result: 'duplicate' }
  | { result: 'link_entry_written'; ticketId: string };

export interface WebhookDelivery {
  connectionId: string;
  rawBody: string;
  /** X-Helpdesk-Verify-Signature */
  signature: string | undefined;
  /** Authorization (Basic, for senders that cannot sign) */
  authorization: string | undefined;
}

export async function intakeTicket(
  ctx: Ctx<'secrets' | 'ticketSystems' | 'counters' | 'connections' | 'tickets' | 'audit'>,
  input: WebhookDelivery,
): Promise<IntakeResult> {
  const connection = await loadConnection(ctx, input.connectionId);
  const accepted = parseSecretList(
    await ctx.secrets.get(secretNames.webhookSecrets(connection.connectionId)),
  );
  let claim: string | undefined;
  if (inboundAuth(connection) === 'basic') {
    if (!verifyBasic(input.authorization, accepted))
      throw new Unauthenticated('INVALID_CREDENTIALS', 'Webhook credentials refused');
  } else {
    const check = webhookDelivery(input.signature, input.rawBody, accepted, ctx.clock.now());
    if (!check.ok) throw new Unauthenticated('INVALID_SIGNATURE', `Webhook signature ${check.reason}`);
    // The canonical signature (timestamp + the matching v1 in lower-case hex), not the header as
    // written: the same signature re-encoded is the same delivery.
    claim = createHash('sha256').update(check.deliveryKey).digest('hex');
    // Twice the tolerance: a signature older than that is refused as stale anyway.
    if (!(await ctx.counters.claimDelivery(claim, 2 * WEBHOOK_TOLERANCE_SECONDS))) {
      throw new StateConflict('WEBHOOK_REPLAYED', 'This delivery was already received');
    }
  }
  try {
    return await actOn(ctx, connection, parsePayload(connection, input.rawBody));
  } catch (error) {
    if (claim && error instanceof Unavailable) await ctx.counters.releaseDelivery(claim);
    throw error;
  }
}

async function actOn(
  ctx: Ctx<'ticketSystems' | 'tickets' | 'audit'>,
  connection: Connection,
  delivery: Delivery,
): Promise<IntakeResult> {
  if (!delivery.act) return { result: 'ignored', reason: delivery.reason };
  const itsm = ctx.ticketSystems.forConnection(connection);
  const ticket = await itsm.getTicket(delivery.ticketId).catch((error: unknown) => {
    if (error instanceof TicketSystemRetryableError) {
      throw new Unavailable('ITSM_UNAVAILABLE', 'The ticket system did not answer; deliver again later');
    }
    if (error instanceof TicketSystemPermanentError && error.status === 404) return undefined;
    // Our integration user was refused: answered as a server error so the ITSM keeps the delivery.
    throw new UpstreamRefused(
      'ITSM_REJECTED',
      'The ticket system refused to show the ticket; check the connection',
    );
  });
  // Deleted since (ChangeGear also posts deletes), or never existed: nothing to do.
  if (!ticket) return { result: 'ignored', reason: 'ticket_not_found' };
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
  const { created } = await ctx.tickets.createTicket(record);
  if (!created && !(await ctx.tickets.setLinkEntry(ref, ['failed'], 'writing')))
    return { result: 'duplicate' };

  const sendUrl = `${ctx.config.CONSOLE_BASE_URL}/send?connection=${encodeURIComponent(ref.connectionId)}&ticket=${encodeURIComponent(ref.ticketId)}`;
  try {
    await itsm.addVerificationLink(ticket.ticketId, sendUrl, linkEntryNote(sendUrl));
  } catch (error) {
    await ctx.tickets.setLinkEntry(ref, ['writing'], 'failed');
    throw new Unavailable(
      'ITSM_UNAVAILABLE',
      `The link entry could not be written (${(error as Error).name}); deliver again later`,
    );
  }
  await ctx.tickets.setLinkEntry(ref, ['writing'], 'done');
  await ctx.audit.appendAudit({
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

function parsePayload(connection: Connection, rawBody: string): Delivery {
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    throw new InvalidInput('MALFORMED_JSON', 'The body is not valid JSON');
  }
  const parsed = parseDelivery(connection, json);
  if (!parsed.ok)
    throw new InvalidInput('VALIDATION_FAILED', 'The webhook payload is invalid', parsed.issues);
  const { delivery } = parsed;
  // ChangeGear items are addressed by an integer ID: anything else can never be fetched, so it is
  // the sender's permanent error (400, not a 5xx it would deliver again and again).
  if (connection.type === 'changegear' && delivery.act && !CHANGEGEAR_ITEM_ID.test(delivery.ticketId)) {
    throw new InvalidInput('INVALID_TICKET_ID', `${connection.idField} must be an integer item ID`);
  }
  return delivery;
}

/** What the ChangeGear adapter can address (shared/adapters/itsm/changegear.ts checks the same). */
const CHANGEGEAR_ITEM_ID = /^\d{1,18}$/;
