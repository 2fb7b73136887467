/**
 * Live password-strength feedback while the requester types (the policy library is too big to ship
 * to a phone).
 *
 * Primary course: only while the action is pending for a passed, non-privileged requester; counted
 * against its own budget.
 */
import { NotPermitted } from '../../domain/errors.js';
import { checkPassword } from '../../domain/password-policy.js';
import type { PasswordFeedback, passwordCheckSchema } from '../../portal-api.js';
import type { Ctx } from '../../ports/context.js';
import type * as z from '../../zod.js';
import { personalWords } from './action.js';
import { sessionVerification } from './session.js';

/** Strength feedback while the requester types (the policy library is too big to ship to a phone). */
export async function checkNewPassword(
  ctx: Ctx<'directory' | 'secrets' | 'counters' | 'audit' | 'verifications'>,
  sessionToken: string | undefined,
  input: z.infer<typeof passwordCheckSchema>,
): Promise<PasswordFeedback> {
  const v = await sessionVerification(ctx, sessionToken, 'password_checks');
  if (v.status !== 'passed' || v.action.state !== 'pending')
    throw new NotPermitted('ACTION_NOT_ALLOWED', 'This action is not available for this verification');
  const requester = await ctx.directory.getUser(v.requesterId);
  if (!requester || requester.privileged)
    throw new NotPermitted('ACTION_NOT_ALLOWED', 'This action is not available');
  const result = checkPassword(input.newPassword, personalWords(requester));
  return result.ok
    ? { ok: true, message: 'This password meets the policy', suggestions: [] }
    : { ok: false, reason: result.reason, message: result.message, suggestions: result.suggestions };
}
