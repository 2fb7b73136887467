/**
 * "I did not ask for this": the person the link reached says someone else asked.
 *
 * Primary course: the verification ends Failed at once with REQUESTER_DENIED, scored with what was seen so
 * far; a device credential presented in it is revoked; the lifecycle carries on as after any completion.
 */
import { assess } from '../../domain/assessment.js';
import { AlreadyCompleted, CannotProceed } from '../../domain/errors.js';
import { requesterAudit } from '../../domain/model/audit-event.js';
import { isFinal, type Reason } from '../../domain/model/verification.js';
import { buildTranscript, gradesOf, guessOddsOf, weightsOf } from '../../domain/questions/tally.js';
import { REQUESTER_DENIED } from '../../domain/verdict.js';
import type { NotMeOutcome } from '../../portal-api.js';
import type { Ctx } from '../../ports/context.js';
import { loadConnection } from '../load.js';
import { resumeStage } from '../resume-stage.js';
import { scoredSignals, scoringPolicy, withProvenance } from './scoring.js';
import { sessionVerification } from './session.js';

/**
 * "I did not ask for this": the person the link reached says someone else asked. The verification
 * ends Failed at once with REQUESTER_DENIED, a hard rule that outranks every other signal (10, High,
 * the URGENT recommendation and ticket note), scored with everything seen so far so the agent also
 * sees where the link was opened. The lifecycle carries on as after any completion. A device
 * credential presented in this verification is revoked: whoever holds it is not to be trusted.
 * Never cut off by a rate limit; once completed, 409.
 */
export async function reportNotMe(
  ctx: Ctx<
    'directory' | 'secrets' | 'workflow' | 'verifications' | 'people' | 'audit' | 'connections' | 'counters'
  >,
  sessionToken: string | undefined,
): Promise<NotMeOutcome> {
  let v = await sessionVerification(ctx, sessionToken, 'none');
  if (isFinal(v.status)) throw new AlreadyCompleted(v.status);
  const requester = await ctx.directory.getUser(v.requesterId, { history: true });
  if (!requester)
    throw new CannotProceed('REQUESTER_NOT_IN_DIRECTORY', 'The requester is not in the directory');
  const connection = await loadConnection(ctx, v.ticket.connectionId);
  const answers = v.answers ?? [];
  // Only what was answered is graded: the questions not reached are not "skipped" by this person.
  const reached = (v.questions ?? []).slice(0, answers.length);
  const denied: Reason = {
    code: REQUESTER_DENIED,
    category: 'persona',
    points: 10,
    evidence: `"I did not ask for this" chosen on the portal after ${answers.length} answer${answers.length === 1 ? '' : 's'}`,
    message: 'The person the link reached says they did not ask for this verification',
    verifiedBy: 'server',
  };
  const scored = assess({
    signals: [denied, ...(await scoredSignals(ctx, v, requester))],
    channel: v.channel,
    grades: gradesOf(reached, answers),
    weights: weightsOf(reached),
    guessOdds: guessOddsOf(reached),
    policy: scoringPolicy(connection),
  });
  const assessment = withProvenance(scored.assessment);
  const now = ctx.clock.now();
  v = await ctx.verifications.transition(
    v.verificationId,
    scored.status,
    {
      assessment,
      completedAt: now.toISOString(),
      action: { state: 'none' },
      transcript: buildTranscript(reached, answers),
      requesterReport: { kind: 'not_me', at: now.toISOString() },
    },
    requesterAudit(v, 'verification.requester_denied', now, {
      outcome: scored.status,
      riskScore: assessment.riskScore,
      riskLevel: assessment.riskLevel,
      answered: answers.length,
    }),
  );
  const credential = v.client?.deviceCredential;
  if (credential?.state === 'verified') {
    await ctx.people.forgetDevice(v.requesterId, credential.key);
    await ctx.audit.appendAudit(requesterAudit(v, 'device.credential_revoked', ctx.clock.now()));
  }
  // During a step-up the state machine waits for the manager: that stage is the one to resume.
  await resumeStage(ctx, v.verificationId, ['step_up', 'completion']);
  return { verificationId: v.verificationId, outcome: scored.status, reported: 'not_me' as const };
}
