/**
 * Retry a failed write-back (an agent's button in the console).
 */
import { StateConflict, UpstreamRefused } from '../../domain/errors.js';
import type { Ctx } from '../../ports/context.js';
import { loadConnection, loadVerification } from '../load.js';
import { dueWrites, WriteBackInProgressError, writeToTicket } from './ticket-write.js';

/**
 * Retry a failed write-back (primary course): an agent asks again once the ITSM is back; every
 * write the verification is due and that was not made yet is made now, in order. Writes already
 * made are skipped, so nothing lands on the ticket twice.
 */
export async function retryWriteBack(
  ctx: Ctx<'ticketSystems' | 'verifications' | 'audit' | 'connections'>,
  verificationId: string,
  actor: string,
) {
  const v = await loadVerification(ctx, verificationId);
  if (v.writeBack.state !== 'failed') {
    throw new StateConflict(
      'WRITE_BACK_NOT_FAILED',
      `The write-back is ${v.writeBack.state}; only a failed one can be retried`,
    );
  }
  const connection = await loadConnection(ctx, v.ticket.connectionId);
  const base = { verificationId, ticket: v.ticket, actor };
  let wrote = 0;
  for (const write of dueWrites(v, connection.autoClose)) {
    try {
      if ((await writeToTicket(ctx, { verificationId, write })) === 'written') wrote += 1;
    } catch (error) {
      if (error instanceof WriteBackInProgressError) {
        throw new StateConflict(
          'WRITE_BACK_IN_PROGRESS',
          'Another retry of this write-back is running; reload the verification in a moment',
        );
      }
      const lastError = `${(error as Error).name}: ${(error as Error).message.slice(0, 500)}`;
      await ctx.verifications.setWriteBack(verificationId, 'failed', { lastError });
      await ctx.audit.appendAudit({
        ...base,
        action: 'ticket.write_back_retry_failed',
        at: ctx.clock.now().toISOString(),
        details: { write },
      });
      throw new UpstreamRefused(
        'ITSM_WRITE_FAILED',
        `The ticket system refused the ${write} write: ${lastError}`,
      );
    }
  }
  // Every due write had been made (by a concurrent retry): this click wrote nothing. A failure
  // recorded in between must not keep saying "failed" for writes that are all on the ticket.
  if (wrote === 0) {
    if ((await loadVerification(ctx, verificationId)).writeBack.state === 'failed')
      await ctx.verifications.setWriteBack(verificationId, 'done');
    throw new StateConflict('WRITE_BACK_ALREADY_DONE', 'The write-back was already made');
  }
  await ctx.audit.appendAudit({
    ...base,
    action: 'ticket.write_back_retried',
    at: ctx.clock.now().toISOString(),
  });
  return loadVerification(ctx, verificationId);
}
