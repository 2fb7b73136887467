/**
 * The self-service action after a pass (password reset).
 *
 * Primary course: only a passed, non-privileged requester whose verification asked for this action; the
 * new password is checked against the policy; the action is claimed (pending -> running) so it happens
 * once, the directory resets the password, the action is recorded done, the person is signed out
 * everywhere (whoever holds a session or a refresh token from before loses it), the waiting
 * AwaitAction stage is resumed, and the person is told on the contact on record.
 */
import { InvalidInput, NotPermitted, StateConflict } from '../../domain/errors.js';
import { requesterAudit } from '../../domain/model/audit-event.js';
import type { DirectoryUser } from '../../domain/model/person.js';
import type { Verification } from '../../domain/model/verification.js';
import { checkPassword } from '../../domain/password-policy.js';
import { logger } from '../../logger.js';
import type { ActionDone, actionSchema } from '../../portal-api.js';
import type { Ctx } from '../../ports/context.js';
import { isPasswordRejection } from '../../ports/directory.js';
import type * as z from '../../zod.js';
import { resumeStage } from '../resume-stage.js';
import { sessionVerification } from './session.js';

export async function performAction(
  ctx: Ctx<
    | 'directory'
    | 'secrets'
    | 'workflow'
    | 'messenger'
    | 'verifications'
    | 'audit'
    | 'counters'
    | 'connections'
  >,
  sessionToken: string | undefined,
  input: z.infer<typeof actionSchema>,
): Promise<ActionDone> {
  // A person who passed can always finish: the action is bounded by its own state, not a budget.
  const v = await sessionVerification(ctx, sessionToken, 'none');
  if (v.status !== 'passed' || v.requestedAction !== input.action) {
    throw new NotPermitted('ACTION_NOT_ALLOWED', 'This action is not available for this verification');
  }
  const requester = await ctx.directory.getUser(v.requesterId);
  if (!requester || requester.privileged)
    throw new NotPermitted('ACTION_NOT_ALLOWED', 'This action is not available');
  const policy = checkPassword(input.newPassword, personalWords(requester));
  if (!policy.ok) {
    throw new InvalidInput('PASSWORD_POLICY', policy.message, {
      reason: policy.reason,
      suggestions: policy.suggestions,
    });
  }
  const now = ctx.clock.now();
  const claimed = await ctx.verifications.setAction(
    v.verificationId,
    ['pending'],
    'running',
    requesterAudit(v, 'action.started', now),
  );
  if (!claimed)
    throw new StateConflict('ACTION_ALREADY_DONE', 'This action has already been performed or has expired');
  try {
    await ctx.directory.resetPassword(requester.userId, input.newPassword);
  } catch (error) {
    if (isPasswordRejection(error)) {
      // The directory's own policy refused it: the requester may choose another.
      await ctx.verifications.setAction(
        v.verificationId,
        ['running'],
        'pending',
        requesterAudit(v, 'action.password_rejected', ctx.clock.now()),
      );
      throw new InvalidInput(
        'PASSWORD_POLICY',
        error.idpMessage || 'The directory refused this password; choose another',
        {
          reason: 'directory_policy',
          suggestions: [],
        },
      );
    }
    await ctx.verifications.setAction(
      v.verificationId,
      ['running'],
      'failed',
      requesterAudit(v, 'action.failed', ctx.clock.now()),
    );
    await resumeStage(ctx, v.verificationId, 'action');
    throw error;
  }
  await ctx.verifications.setAction(
    v.verificationId,
    ['running'],
    'done',
    requesterAudit(v, 'action.password_reset', ctx.clock.now()),
  );
  const signedOut = await signOutEverywhere(ctx, v, requester);
  await resumeStage(ctx, v.verificationId, 'action');
  await noticePasswordChanged(ctx, v, requester, signedOut);
  return { verificationId: v.verificationId, action: input.action, state: 'done' as const };
}

/**
 * After a reset, every session and refresh token from before is revoked where the directory can
 * (Entra `revokeSignInSessions`, Okta's sessions and OAuth tokens): an attacker already signed in
 * does not stay signed in. A failure is audited and does not undo the reset.
 */
async function signOutEverywhere(
  ctx: Ctx<'directory' | 'audit'>,
  v: Verification,
  requester: DirectoryUser,
): Promise<boolean> {
  if (!ctx.directory.capabilities().signOutEverywhere.supported) return false;
  try {
    await ctx.directory.revokeSessions(requester.userId);
  } catch (error) {
    logger.warn('sign-out everywhere failed after a password reset', {
      verificationId: v.verificationId,
      errorName: error instanceof Error ? error.name : 'unknown',
    });
    await ctx.audit.appendAudit(requesterAudit(v, 'action.sessions_not_revoked', ctx.clock.now()));
    return false;
  }
  await ctx.audit.appendAudit(requesterAudit(v, 'action.sessions_revoked', ctx.clock.now()));
  return true;
}

export const personalWords = (u: DirectoryUser) => [u.displayName, u.givenName, u.email.split('@')[0] ?? ''];

/**
 * Tells the requester, on the contact on record (never an agent-typed destination), that their
 * password changed: if it was not them, they know at once. A failed notice does not undo the reset.
 */
async function noticePasswordChanged(
  ctx: Ctx<'messenger' | 'audit'>,
  v: Verification,
  requester: DirectoryUser,
  signedOut: boolean,
) {
  const channel = requester.email ? 'email' : 'sms';
  const to = requester.email || requester.mobilePhone;
  if (!to) return;
  try {
    await ctx.messenger.send({
      channel,
      to,
      verificationId: v.verificationId,
      subject: 'Your password was changed',
      text: `Your password was changed through the IT help desk's self-service portal (ticket ${v.ticketNumber}).${signedOut ? ' You were signed out on every device: sign in again with the new password.' : ''} If this was not you, call the help desk now on the number you know.`,
    });
    await ctx.audit.appendAudit(requesterAudit(v, 'action.notice_sent', ctx.clock.now(), { channel }));
  } catch (error) {
    await ctx.audit.appendAudit(
      requesterAudit(v, 'action.notice_failed', ctx.clock.now(), { channel, error: (error as Error).name }),
    );
  }
}
