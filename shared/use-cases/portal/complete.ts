/**
 * Complete the verification.
 *
 * Primary course: the answers are graded (unanswered questions count as skipped), scored with every
 * signal under the connection's policy, and the outcome recorded with a conditional transition (a second
 * completion gets AlreadyCompleted); a pass issues a device credential for this browser; the waiting
 * AwaitCompletion stage is resumed (whichever of the two runs second sends the one callback).
 * Alternate course: the answers would pass but a strong proof is missing that the manager's
 * approval gives: the verification goes to step_up, and the state machine's step-up stage asks
 * the manager (lifecycle/start-step-up.ts).
 */
import { issueDeviceCredential } from '../../domain/device-credential.js';
import { AlreadyCompleted, CannotProceed, StateConflict } from '../../domain/errors.js';
import { requesterAudit } from '../../domain/model/audit-event.js';
import type { DirectoryUser } from '../../domain/model/person.js';
import { isFinal, type Verification } from '../../domain/model/verification.js';
import { buildTranscript } from '../../domain/questions/tally.js';
import type { PortalOutcome } from '../../portal-api.js';
import type { Ctx } from '../../ports/context.js';
import { loadConnection } from '../load.js';
import { resumeStage } from '../resume-stage.js';
import { scoreAnswers } from './scoring.js';
import { sessionKey, sessionVerification } from './session.js';

/** Grades what was answered (unanswered questions count as skipped), scores, records the outcome. */
export async function completeVerification(
  ctx: Ctx<
    'directory' | 'secrets' | 'workflow' | 'verifications' | 'connections' | 'counters' | 'audit' | 'people'
  >,
  sessionToken: string | undefined,
): Promise<PortalOutcome> {
  const v = await sessionVerification(ctx, sessionToken);
  if (isFinal(v.status)) throw new AlreadyCompleted(v.status);
  if (v.status === 'step_up')
    throw new StateConflict(
      'VERIFICATION_AWAITING_PROOF',
      'The answers are in; the help desk is waiting for an approval',
    );
  const questions = v.questions ?? [];
  const answers = v.answers ?? [];
  // Scoring is the one place that needs the person's recent history from the IdP's logs.
  const requester = await ctx.directory.getUser(v.requesterId, { history: true });
  if (!requester)
    throw new CannotProceed('REQUESTER_NOT_IN_DIRECTORY', 'The requester is not in the directory');
  const connection = await loadConnection(ctx, v.ticket.connectionId);
  // No strong proof is given on this path: one the manager can give sends it to the step-up.
  const scored = await scoreAnswers(ctx, v, requester, connection);
  const status = scored.wouldPassWithManager ? 'step_up' : scored.status;
  const { assessment } = scored;
  const eligibleForAction =
    status === 'passed' &&
    v.requestedAction !== undefined &&
    assessment.assurance?.selfService === true &&
    !requester.privileged;
  const now = ctx.clock.now();
  await ctx.verifications.transition(
    v.verificationId,
    status,
    {
      assessment,
      completedAt: now.toISOString(),
      action: { state: eligibleForAction ? 'pending' : 'none' },
      transcript: buildTranscript(questions, answers),
    },
    requesterAudit(v, `verification.${status}`, now, {
      riskScore: assessment.riskScore,
      riskLevel: assessment.riskLevel,
    }),
  );
  const deviceCredential = status === 'passed' ? await rememberThisDevice(ctx, v, requester) : undefined;
  await resumeStage(ctx, v.verificationId, 'completion');
  return {
    verificationId: v.verificationId,
    outcome: status,
    // The requester learns the outcome, never which check failed or the score.
    nextAction: eligibleForAction ? v.requestedAction : undefined,
    /** Kept by the page (this browser only) and presented with the next verification's checks. */
    deviceCredential,
  };
}

/**
 * After a pass: a new device credential for this browser (the credit next time; the server keeps
 * its key, so it can expire and be revoked) and the page's fingerprint noted (zero points later).
 */
async function rememberThisDevice(
  ctx: Ctx<'secrets' | 'people' | 'audit'>,
  v: Verification,
  requester: DirectoryUser,
): Promise<string> {
  const issued = issueDeviceCredential(
    await sessionKey(ctx),
    { userId: requester.userId, connectionId: v.ticket.connectionId },
    ctx.clock.now(),
  );
  await ctx.people.rememberDevice(requester.userId, issued.storeKey);
  if (v.client?.deviceHmac) await ctx.people.rememberDevice(requester.userId, v.client.deviceHmac);
  await ctx.audit.appendAudit(
    requesterAudit(v, 'device.credential_issued', ctx.clock.now(), { expiresAt: issued.expiresAt }),
  );
  return issued.credential;
}
