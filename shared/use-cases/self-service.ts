/**
 * Self-initiated verification (alternate course): a locked-out person enters their work email on
 * the portal's start page. If it belongs to an enabled account, a password-reset verification starts
 * and its link goes to the contact on record (never to an address typed on the page). The answer is
 * the same whether or not the account exists, is disabled, already has a link open, or has asked
 * too often, so the page cannot be used to find accounts or to flood someone's phone. Nor does
 * its timing: every request makes the same lookups and takes at least SELF_SERVICE_MIN_MS (a Lambda
 * cannot answer first and work after), whatever it found.
 *
 * A self-service request has no ITSM ticket: it runs the same lifecycle on a per-person record of the
 * configured connection (for its policy), and the ticket writes are skipped.
 */
import { createHash } from 'node:crypto';
import { isRefusal, NotFound } from '../domain/errors.js';
import { logger } from '../logger.js';
import type { selfServiceSchema } from '../portal-api.js';
import type { Ctx } from '../ports/context.js';
import type * as z from '../zod.js';
import { loadConnection } from './load.js';
import { sendVerification } from './send-verification.js';

/** What every request gets back. */
export const SELF_SERVICE_ACCEPTED = { accepted: true } as const;

/** Start-page requests per person per hour that may send a link; more are accepted and dropped. */
const SELF_SERVICE_LINKS_PER_HOUR = 3;

export async function startSelfService(
  ctx: Ctx<'directory' | 'workflow' | 'counters' | 'tickets' | 'connections' | 'verifications'>,
  input: z.infer<typeof selfServiceSchema>,
) {
  const started = performance.now();
  try {
    return await startOrDrop(ctx, input);
  } finally {
    const elapsed = performance.now() - started;
    const floor = ctx.config.SELF_SERVICE_MIN_MS;
    if (elapsed < floor) await new Promise((resolve) => setTimeout(resolve, floor - elapsed));
    else if (floor > 0)
      logger.warn('self-service request overran its time floor', {
        elapsedMs: Math.round(elapsed),
        floorMs: floor,
      });
  }
}

async function startOrDrop(
  ctx: Ctx<'directory' | 'workflow' | 'tickets' | 'counters' | 'connections' | 'verifications'>,
  input: z.infer<typeof selfServiceSchema>,
) {
  const connectionId = ctx.config.SELF_SERVICE_CONNECTION_ID;
  if (!connectionId)
    throw new NotFound('SELF_SERVICE_DISABLED', 'Self-service is not available; call the help desk');
  const email = input.email.trim().toLowerCase();
  const emailKey = createHash('sha256').update(email).digest('hex').slice(0, 32);
  // The same lookups whatever the answer: the count, the person and the connection.
  const [requests, person, connection] = await Promise.all([
    ctx.counters.countAttempt(`SELF#${emailKey}`, 3600),
    ctx.directory.findByEmail(email),
    loadConnection(ctx, connectionId),
  ]);
  if (requests > SELF_SERVICE_LINKS_PER_HOUR) return drop('throttled');
  if (!person?.enabled) return drop('no eligible account');
  const ticketId = `self-${person.userId}`;
  await ctx.tickets.createTicket({
    connectionId: connection.connectionId,
    ticketId,
    ticketNumber: 'Self-service',
    category: 'password_reset',
    requesterEmail: person.email,
    createdAt: ctx.clock.now().toISOString(),
    linkEntry: 'done',
  });
  const channel = person.email ? 'email' : 'sms';
  try {
    await sendVerification(
      ctx,
      'self-service',
      { connectionId: connection.connectionId, ticketId, channel, requestedAction: 'password_reset' },
      'self_service',
    );
  } catch (error) {
    // Already one open for this person: the link they have is still good.
    if (isRefusal(error)) return drop(error.code);
    throw error;
  }
  return SELF_SERVICE_ACCEPTED;
}

function drop(why: string) {
  // Never the address: only why nothing was sent.
  logger.info('self-service request not sent', { why });
  return SELF_SERVICE_ACCEPTED;
}
