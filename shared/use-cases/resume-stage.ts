/**
 * The one way a waiting lifecycle stage (AwaitOpen, AwaitCompletion, AwaitStepUp, AwaitAction) is resumed.
 *
 * A stage stores its callback token only while the verification still waits for it (the store's
 * storeTaskToken condition), and whoever moves the verification on resumes it afterwards. So the
 * token must be read AFTER the transition: a token read from the record loaded before it can miss
 * one stored in between, and the execution then idles until its timeout. Either the token was
 * stored before the transition (we see it here and send the callback) or storing it failed (the
 * stage's own task, awaitStage, sends the callback): exactly one of the two happens.
 */

import {
  type ActionState,
  type LifecycleOutcome,
  type OpenedOutput,
  remainingSeconds,
  type Verification,
  type WaitStage,
} from '../domain/model/verification.js';
import type { Ctx } from '../ports/context.js';
import { lifecycleOutcome } from './lifecycle-outcome.js';
import { loadConnection, loadVerification } from './load.js';

/** The cancel reason a resend records; the ticket note then says a new link was sent. */
export const SUPERSEDED_BY_RESEND = 'superseded by a resend';

/** What a stage's task returns to the state machine, from the verification as stored now. */
async function stageOutput(
  ctx: Ctx<'connections'>,
  v: Verification,
  stage: WaitStage,
): Promise<OpenedOutput | LifecycleOutcome | { actionState: ActionState }> {
  if (stage === 'open') {
    // The status lets the state machine tell an open from a cancel (no "opened" note for a cancel).
    return { remainingSeconds: remainingSeconds(v, ctx.clock.now()), status: v.status };
  }
  if (stage === 'completion' || stage === 'step_up') {
    const connection = await loadConnection(ctx, v.ticket.connectionId);
    return lifecycleOutcome(v, connection);
  }
  return { actionState: v.action.state };
}

/**
 * Resumes a stage with the token stored on the verification, read now (after the caller's
 * transition): `stages` in order of preference, the first with a stored token is resumed (a
 * cancel asks for completion, then open: a later stage's token means the earlier one was used).
 * `token` is given by the stage's own task when it could not store it. Returns the stage resumed.
 */
export async function resumeStage(
  ctx: Ctx<'workflow' | 'verifications' | 'connections'>,
  verificationId: string,
  stages: WaitStage | readonly WaitStage[],
  token?: string,
): Promise<WaitStage | undefined> {
  const v = await loadVerification(ctx, verificationId);
  for (const stage of typeof stages === 'string' ? [stages] : stages) {
    const callback = token ?? v.taskTokens?.[stage];
    if (!callback) continue;
    await ctx.workflow.sendTaskSuccess(callback, await stageOutput(ctx, v, stage));
    return stage;
  }
  return undefined;
}
