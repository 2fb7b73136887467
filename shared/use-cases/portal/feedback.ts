/**
 * Feedback after a result.
 *
 * Primary course: once a verification has a result, the requester may leave one difficulty rating and an
 * optional comment; a second one gets a StateConflict.
 */
import { StateConflict } from '../../domain/errors.js';
import { requesterAudit } from '../../domain/model/audit-event.js';
import { isFinal } from '../../domain/model/verification.js';
import type { feedbackSchema } from '../../portal-api.js';
import type { Ctx } from '../../ports/context.js';
import type * as z from '../../zod.js';
import { sessionVerification } from './session.js';

/**
 * Optional feedback after any outcome, once per verification (a second one gets 409). The comment
 * is stored for the console and never logged or audited: the audit says only that there is one.
 */
export async function leaveFeedback(
  ctx: Ctx<'secrets' | 'verifications' | 'counters' | 'audit'>,
  sessionToken: string | undefined,
  input: z.infer<typeof feedbackSchema>,
) {
  const v = await sessionVerification(ctx, sessionToken);
  if (!isFinal(v.status) || v.status === 'cancelled')
    throw new StateConflict(
      'VERIFICATION_NOT_COMPLETED',
      'Feedback can be left once the verification has a result',
    );
  if (v.feedback)
    throw new StateConflict('FEEDBACK_ALREADY_LEFT', 'Feedback was already left for this verification');
  const now = ctx.clock.now();
  const comment = input.comment?.trim();
  const feedback = { difficulty: input.difficulty, ...(comment ? { comment } : {}), at: now.toISOString() };
  const stored = await ctx.verifications.setFeedback(
    v.verificationId,
    feedback,
    requesterAudit(v, 'verification.feedback', now, {
      difficulty: input.difficulty,
      comment: Boolean(comment),
    }),
  );
  if (!stored)
    throw new StateConflict('FEEDBACK_ALREADY_LEFT', 'Feedback was already left for this verification');
  return { verificationId: v.verificationId, received: true as const };
}
