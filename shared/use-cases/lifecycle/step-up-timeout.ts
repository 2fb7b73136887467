/**
 * The manager did not answer in time (task StepUpTimedOut, AwaitStepUp's timeout).
 *
 * Primary course: a verification still in step_up ends Failed (Medium, strong proof missing,
 * "the manager did not answer"), audited; a decision that won the race stands. Either way the
 * outcome as stored goes on to the write-back.
 */
import { AlreadyCompleted } from '../../domain/errors.js';
import type { LifecycleOutcome } from '../../domain/model/verification.js';
import type { Ctx } from '../../ports/context.js';
import { lifecycleOutcome } from '../lifecycle-outcome.js';
import { loadConnection, loadVerification } from '../load.js';
import { endStepUp } from './step-up-outcome.js';

export async function stepUpTimedOut(
  ctx: Ctx<'directory' | 'people' | 'connections' | 'verifications'>,
  verificationId: string,
): Promise<LifecycleOutcome> {
  const v = await loadVerification(ctx, verificationId);
  if (v.status === 'step_up') {
    try {
      await endStepUp(ctx, v, { decision: 'no_answer', actor: 'system' });
    } catch (error) {
      if (!(error instanceof AlreadyCompleted)) throw error;
    }
  }
  const connection = await loadConnection(ctx, v.ticket.connectionId);
  return lifecycleOutcome(await loadVerification(ctx, verificationId), connection);
}
