/**
 * What the state machine (statemachines/verification-lifecycle.asl.json) hands each lifecycle task:
 * the task inputs, validated on arrival.
 */
import * as z from '../../zod.js';

const id = z.string().check(z.minLength(1));

export const taskInputSchema = z.object({ verificationId: id });

export const awaitInputSchema = z.extend(taskInputSchema, {
  stage: z.enum(['open', 'completion', 'step_up', 'action']),
  taskToken: id,
});

export const recordInputSchema = z.extend(taskInputSchema, {
  event: z.enum(['timed_out', 'delivery_failed', 'action_expired', 'write_back_failed']),
  error: z.optional(z.object({ Error: z.optional(z.string()), Cause: z.optional(z.string()) })),
});

export const ticketInputSchema = z.extend(taskInputSchema, {
  write: z.enum(['sent', 'opened', 'step_up', 'cancelled', 'outcome', 'action', 'resolve']),
});

/** StartStepUp (step `start`) and StepUpTimedOut (step `no_answer`). */
export const stepUpInputSchema = z.extend(taskInputSchema, {
  step: z.enum(['start', 'no_answer']),
});
