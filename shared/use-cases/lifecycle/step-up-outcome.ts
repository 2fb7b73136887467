/**
 * End a step-up: the manager approved, denied or said "This is not right", nobody answered in
 * time, or no manager could be asked.
 *
 * Primary course: the answers are scored again with what the step-up brought (the manager's
 * approval as a strong proof given, or the reason it adds) and the outcome is recorded with a
 * conditional transition out of step_up (a second decision, a cancel or a timeout that won the
 * race gets AlreadyCompleted), audited with who decided. The caller resumes the lifecycle. No
 * self-service action follows a step-up: the requester's page has moved on, the agent acts.
 */
import { InvalidTransition } from '../../domain/errors.js';
import type { AuditEvent } from '../../domain/model/audit-event.js';
import type { ManagerDecision, Reason, StepUp, Verification } from '../../domain/model/verification.js';
import { decisionReason } from '../../domain/step-up.js';
import { verdictOf } from '../../domain/verdict.js';
import type { Ctx } from '../../ports/context.js';
import { loadConnection } from '../load.js';
import { scoreAnswers } from '../portal/scoring.js';

export type StepUpEnd =
  | { decision: ManagerDecision | 'no_answer'; actor: string }
  | { decision: 'unavailable'; why: string; reason: Reason };

/** Records how the step-up ended, scored again; returns the verification as written. */
export async function endStepUp(
  ctx: Ctx<'directory' | 'people' | 'connections' | 'verifications'>,
  v: Verification,
  end: StepUpEnd,
  stepUp: Partial<StepUp> = {},
): Promise<Verification> {
  if (v.status !== 'step_up') throw new InvalidTransition(`Cannot end a step-up from ${v.status}`);
  const now = ctx.clock.now().toISOString();
  const managerName = v.stepUp?.managerName ?? stepUp.managerName ?? 'the manager';
  const extra = end.decision === 'unavailable' ? end.reason : decisionReason(end.decision, managerName);
  const requester = await ctx.directory.getUser(v.requesterId, { history: true });
  const connection = await loadConnection(ctx, v.ticket.connectionId);
  const scored = requester
    ? await scoreAnswers(ctx, v, requester, connection, {
        given: end.decision === 'approve' ? ['manager_approval'] : [],
        extra: extra ? [extra] : [],
      })
    : { status: 'failed' as const, assessment: withReason(v, extra) };
  const record: StepUp = {
    proof: 'manager_approval',
    requestedAt: now,
    ...v.stepUp,
    ...stepUp,
    ...(end.decision === 'unavailable'
      ? { unavailable: end.why }
      : { decision: end.decision, decidedAt: now }),
  };
  const audit: AuditEvent = {
    verificationId: v.verificationId,
    ticket: v.ticket,
    actor: end.decision === 'unavailable' ? 'system' : end.actor,
    action: `step_up.${end.decision === 'approve' ? 'approved' : end.decision}`,
    at: now,
    details: {
      outcome: scored.status,
      riskLevel: scored.assessment.riskLevel,
      ...(end.decision === 'unavailable' ? { why: end.why } : {}),
    },
  };
  return ctx.verifications.transition(
    v.verificationId,
    scored.status,
    {
      assessment: scored.assessment,
      stepUp: record,
      // The requester left the portal when the manager was asked: the agent acts on a step-up's pass.
      action: { state: 'none' },
    },
    audit,
  );
}

/** The requester is gone from the directory: the stored assessment, with the step-up's reason added. */
function withReason(v: Verification, extra: Reason | undefined) {
  const stored = v.assessment ?? {
    riskScore: 4,
    riskLevel: 'medium' as const,
    reasons: [],
    recommendation: '',
    answered: 0,
    correct: 0,
  };
  const reasons = [...(extra ? [extra] : []), ...stored.reasons].sort((a, b) => b.points - a.points);
  const hard = (extra?.points ?? 0) >= 10;
  const riskLevel = hard ? ('high' as const) : stored.riskLevel === 'verified' ? 'medium' : stored.riskLevel;
  const assessment = { ...stored, reasons, riskLevel, riskScore: hard ? 10 : stored.riskScore };
  return { ...assessment, recommendation: verdictOf('failed', assessment).recommendation };
}
