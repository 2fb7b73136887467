/**
 * The manager decides: Approve, Deny, or "This is not right".
 *
 * Primary course: the manager's link token is checked (manager-link.ts: theirs, unexpired,
 * unused); the answers are scored again with the decision (an approval is the strong proof given;
 * a denial fails; "This is not right" is a hard rule like "I did not ask for this": Failed, High,
 * URGENT); the outcome is recorded out of step_up once (a second use of the link is
 * MANAGER_LINK_USED) and audited as the manager's; the waiting AwaitStepUp stage is resumed.
 */
import { AlreadyCompleted, Expired } from '../../domain/errors.js';
import type { ManagerDecision } from '../../domain/model/verification.js';
import type { ManagerDecisionDone } from '../../portal-api.js';
import type { Ctx } from '../../ports/context.js';
import { endStepUp } from '../lifecycle/step-up-outcome.js';
import { resumeStage } from '../resume-stage.js';
import { managerVerification } from './manager-link.js';

export async function decideAsManager(
  ctx: Ctx<'linkTokens' | 'verifications' | 'counters' | 'directory' | 'people' | 'connections' | 'workflow'>,
  body: { token: string; decision: ManagerDecision },
  sourceIp: string,
): Promise<ManagerDecisionDone> {
  const v = await managerVerification(ctx, body.token, sourceIp);
  try {
    await endStepUp(ctx, v, {
      decision: body.decision,
      actor: `manager:${v.stepUp?.managerId ?? 'unknown'}`,
    });
  } catch (error) {
    // Another tab, a cancel or the timeout won the race: the link has been used.
    if (error instanceof AlreadyCompleted)
      throw new Expired('MANAGER_LINK_USED', 'This request was already answered or closed');
    throw error;
  }
  await resumeStage(ctx, v.verificationId, 'step_up');
  return { verificationId: v.verificationId, decision: body.decision, recorded: true };
}
