/**
 * Record a timeout or a final failure (task RecordEvent): link timed out, delivery failed, action
 * window expired, write-back gave up.
 *
 * Primary course: the event is written on the verification (a timeout is a conditional transition,
 * so a completion that won the race stands) and audited, so nothing is lost or silent.
 */
import { AlreadyCompleted } from '../../domain/errors.js';
import type { Ctx } from '../../ports/context.js';
import type * as z from '../../zod.js';
import { lifecycleOutcome } from '../lifecycle-outcome.js';
import { loadConnection, loadVerification } from '../load.js';
import type { recordInputSchema } from './inputs.js';
import { dueWrites } from './ticket-write.js';

/** Timeouts and final failures: recorded on the verification, so they are visible and nothing is lost. */
export async function recordEvent(
  ctx: Ctx<'verifications' | 'audit' | 'connections'>,
  input: z.infer<typeof recordInputSchema>,
) {
  const v = await loadVerification(ctx, input.verificationId);
  const base = {
    verificationId: v.verificationId,
    ticket: v.ticket,
    actor: 'system',
    at: ctx.clock.now().toISOString(),
  };
  if (input.event === 'timed_out') {
    try {
      await ctx.verifications.transition(
        v.verificationId,
        'timed_out',
        {},
        { ...base, action: 'verification.timed_out' },
      );
    } catch (error) {
      // Completed at the last moment: keep that outcome.
      if (!(error instanceof AlreadyCompleted)) throw error;
    }
    const connection = await loadConnection(ctx, v.ticket.connectionId);
    return lifecycleOutcome(await loadVerification(ctx, v.verificationId), connection);
  }
  if (input.event === 'delivery_failed') {
    await ctx.verifications.transition(
      v.verificationId,
      'cancelled',
      {},
      {
        ...base,
        action: 'verification.cancelled',
        details: { reason: `link not delivered: ${input.error?.Error ?? 'Error'}` },
      },
    );
    return undefined;
  }
  if (input.event === 'action_expired') {
    await ctx.verifications.setAction(v.verificationId, ['pending'], 'expired', {
      ...base,
      action: 'action.expired',
    });
    return undefined;
  }
  // A write that gave up waiting for a concurrent writer may find everything made after all.
  const connection = await loadConnection(ctx, v.ticket.connectionId);
  const made = v.writeBack.written ?? [];
  if (dueWrites(v, connection.autoClose).every((w) => made.includes(w))) return undefined;
  const lastError = `${input.error?.Error ?? 'Error'}: ${(input.error?.Cause ?? '').slice(0, 500)}`;
  await ctx.verifications.setWriteBack(v.verificationId, 'failed', { lastError });
  await ctx.audit.appendAudit({
    ...base,
    action: 'ticket.write_back_failed',
    details: { error: input.error?.Error ?? 'Error' },
  });
  return undefined;
}
