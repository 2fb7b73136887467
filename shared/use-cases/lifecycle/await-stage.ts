/**
 * Wait for a stage (tasks AwaitOpen, AwaitCompletion, AwaitAction, with a task token).
 *
 * Primary course: the token is stored while the verification still waits for that stage; if it has
 * moved on already, the stage is resumed at once with what the verification says now.
 */
import type { Ctx } from '../../ports/context.js';
import type * as z from '../../zod.js';
import { resumeStage } from '../resume-stage.js';
import type { awaitInputSchema } from './inputs.js';

/**
 * AwaitOpen / AwaitCompletion / AwaitAction: store the callback token. If the stage is already
 * over (opened, finished, cancelled), the portal or console could not see the token, so we resume
 * it ourselves, with what the verification says now.
 */
export async function awaitStage(
  ctx: Ctx<'workflow' | 'verifications' | 'connections'>,
  input: z.infer<typeof awaitInputSchema>,
): Promise<void> {
  if (await ctx.verifications.storeTaskToken(input.verificationId, input.stage, input.taskToken)) return;
  await resumeStage(ctx, input.verificationId, input.stage, input.taskToken);
}
