/**
 * Start the step-up (task StartStepUp): ask the manager for their approval.
 *
 * Primary course: the requester's manager is read from the directory (their managerId, never a
 * name anyone typed); a fresh 256-bit link token is made and only its hash stored, expiring after
 * the connection's managerApprovalSeconds; the manager is sent the link on their own contact on
 * record (email preferred) saying who asks, for what, on which ticket and from where; the request
 * is recorded once and audited. The state machine then waits (AwaitStepUp) for the decision.
 * Alternate course: no manager can be asked (none on record, the requester themselves, disabled,
 * no contact): the verification ends Failed with MANAGER_UNAVAILABLE. A re-run after the request
 * was recorded sends nothing; one after the verification moved on (a cancel) returns its outcome.
 * A push-to-authenticator branch would be chosen here, beside the manager's approval.
 */
import type { LifecycleOutcome, StepUp } from '../../domain/model/verification.js';
import {
  DEFAULT_MANAGER_APPROVAL_SECONDS,
  managerChoice,
  managerMessage,
  managerUnavailableReason,
} from '../../domain/step-up.js';
import { hashLinkToken, newLinkToken } from '../../domain/tokens.js';
import type { Ctx } from '../../ports/context.js';
import { lifecycleOutcome } from '../lifecycle-outcome.js';
import { loadConnection, loadVerification } from '../load.js';
import { lifetime } from './send-link.js';
import { endStepUp } from './step-up-outcome.js';

export async function startStepUp(
  ctx: Ctx<'directory' | 'people' | 'connections' | 'verifications' | 'linkTokens' | 'messenger' | 'audit'>,
  verificationId: string,
): Promise<LifecycleOutcome> {
  let v = await loadVerification(ctx, verificationId);
  const connection = await loadConnection(ctx, v.ticket.connectionId);
  const seconds = connection.managerApprovalSeconds ?? DEFAULT_MANAGER_APPROVAL_SECONDS;
  const now = ctx.clock.now();
  const remaining = (expiresAt: string) =>
    Math.max(1, Math.ceil((Date.parse(expiresAt) - now.getTime()) / 1000));
  // Moved on (cancelled, "I did not ask for this") or asked already: nothing more to send.
  if (v.status !== 'step_up') return lifecycleOutcome(v, connection);
  if (v.stepUp?.expiresAt)
    return { ...lifecycleOutcome(v, connection), stepUpSeconds: remaining(v.stepUp.expiresAt) };

  const requester = await ctx.directory.getUser(v.requesterId);
  const manager = requester?.managerId ? await ctx.directory.getUser(requester.managerId) : undefined;
  const choice = requester
    ? managerChoice(requester, manager)
    : { ok: false as const, why: 'the requester is not in the directory' };
  if (!choice.ok) {
    const ended = await endStepUp(ctx, v, {
      decision: 'unavailable',
      why: choice.why,
      reason: managerUnavailableReason(choice.why),
    });
    return lifecycleOutcome(ended, connection);
  }

  const token = newLinkToken();
  const tokenHash = hashLinkToken(token);
  const expiresAt = new Date(now.getTime() + seconds * 1000).toISOString();
  await ctx.linkTokens.saveLinkToken(tokenHash, v.verificationId, expiresAt);
  // Its own page of the portal; the token in the fragment, never in a Referer or access log.
  const link = `${ctx.config.PORTAL_BASE_URL}/#m=${token}`;
  const message = managerMessage(v, choice.manager, link, lifetime(seconds * 1000), choice.channel);
  await ctx.messenger.send({ ...message, channel: choice.channel, to: choice.to, verificationId });
  const stepUp: StepUp = {
    proof: 'manager_approval',
    requestedAt: now.toISOString(),
    managerId: choice.manager.userId,
    managerName: choice.manager.displayName,
    channel: choice.channel,
    destinationMasked: choice.masked,
    tokenHash,
    expiresAt,
  };
  const recorded = await ctx.verifications.recordStepUp(v.verificationId, stepUp, {
    verificationId,
    ticket: v.ticket,
    actor: 'system',
    action: 'step_up.requested',
    at: now.toISOString(),
    details: { proof: 'manager_approval', channel: choice.channel, destination: choice.masked, expiresAt },
  });
  v = await loadVerification(ctx, verificationId);
  if (!recorded && v.status !== 'step_up') return lifecycleOutcome(v, connection);
  return { ...lifecycleOutcome(v, connection), stepUpSeconds: remaining(v.stepUp?.expiresAt ?? expiresAt) };
}
