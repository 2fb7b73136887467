/**
 * What the state machine (statemachines/verification-lifecycle.asl.json) hands each lifecycle task:
 * the task inputs, validated on arrival.
 */
import * as z from '../../zod.js';

const id = z.string().check(z.minLength(1));

export const taskInputSchema = z.object({ verificationId: id });

export const awaitInputSchema = z.extend(taskInputSchema, {
  stage: z.enum(['open', 'completion', 'action']),
  taskToken: id,
});

export const recordInputSchema = z.extend(taskInputSchema, {
  event: z.enum(['timed_out', 'delivery_failed', 'action_expired', 'write_back_failed']),
  error: z.optional(z.object({ Error: z.optional(z.string()), Cause: z.optional(z.string()) })),
});

export const ticketInputSchema = z.extend(taskInputSchema, {
  write: z.enum(['sent', 'opened', 'cancelled', 'outcome', 'action', 'resolve']),
});
