/**
 * How the console reads verifications: the row of the table and the export, and the view of one
 * verification (never the destination in clear, callback tokens, questions or answers).
 */
import type { VerificationRow, VerificationView } from '../../console-api/verifications.js';
import type { Connection } from '../../domain/model/connection.js';
import type { Principal } from '../../domain/model/principal.js';
import type { ConsoleVerification, VerificationStatus } from '../../domain/model/verification.js';
import { verdictOf } from '../../domain/verdict.js';

/** The requester finished answering (there is a transcript): passed, failed or not enough questions. */
export const COMPLETED: ReadonlySet<VerificationStatus> = new Set([
  'passed',
  'failed',
  'not_enough_questions',
]);

/** The attributes a row needs: what list and export queries project. */
export const ROW_ATTRIBUTES = [
  'verificationId',
  'ticket',
  'ticketNumber',
  'requesterName',
  'requesterEmail',
  'category',
  'status',
  'assessment',
  'channel',
  'agent',
  'createdAt',
  'completedAt',
  'writeBack',
  'action',
  'requesterReport',
  'feedback',
] as const;

/** Reasons an export and the table name per row. */
const MAIN_REASONS = 3;

/**
 * The connection shows this caller only the outcome and the recommendation: agents (and nobody
 * else: a caller who is also an auditor or admin sees everything) on a connection whose
 * `agentView` is `outcome_only`.
 */
export function analysisHiddenFor(
  principal: Principal,
  connection: Pick<Connection, 'agentView'> | undefined,
) {
  return (
    connection?.agentView === 'outcome_only' && !principal.roles.some((r) => r === 'auditor' || r === 'admin')
  );
}

/** A row as an agent of an outcome-only connection sees it: no score, level or reasons. */
export function withoutAnalysis(row: VerificationRow): VerificationRow {
  const { riskLevel: _level, riskScore: _score, mainReasons: _reasons, ...rest } = row;
  return { ...rest, level: '', analysisHidden: true };
}

export function toRow(v: ConsoleVerification, hideAnalysis = false): VerificationRow {
  const verdict = verdictOf(v.status, v.assessment);
  const reasons = [...(v.assessment?.reasons ?? [])]
    .sort((a, b) => b.points - a.points)
    .slice(0, MAIN_REASONS)
    .map((r) => r.message);
  const finished = v.completedAt;
  return {
    verificationId: v.verificationId,
    connectionId: v.ticket.connectionId,
    ticketId: v.ticket.ticketId,
    ticketNumber: v.ticketNumber,
    requesterName: v.requesterName,
    ...(v.requesterEmail ? { requesterEmail: v.requesterEmail } : {}),
    category: v.category,
    status: v.status,
    ...(v.assessment && !hideAnalysis
      ? { riskLevel: v.assessment.riskLevel, riskScore: v.assessment.riskScore }
      : {}),
    channel: v.channel,
    agent: v.agent,
    createdAt: v.createdAt,
    ...(v.completedAt ? { completedAt: v.completedAt } : {}),
    writeBackState: v.writeBack.state,
    outcome: verdict.outcome,
    level: hideAnalysis ? '' : verdict.level,
    recommendation: verdict.recommendation,
    urgent: verdict.urgent || v.requesterReport?.kind === 'not_me',
    ...(v.requesterReport ? { requesterReport: v.requesterReport } : {}),
    ...(v.feedback ? { feedback: v.feedback } : {}),
    ...(reasons.length > 0 && !hideAnalysis ? { mainReasons: reasons } : {}),
    actionState: v.action?.state ?? 'none',
    ...(finished
      ? { durationSeconds: Math.max(0, Math.round((Date.parse(finished) - Date.parse(v.createdAt)) / 1000)) }
      : {}),
    ...(hideAnalysis ? { analysisHidden: true } : {}),
  };
}

export function toConsoleView(v: ConsoleVerification, hideAnalysis = false): VerificationView {
  const {
    destination: _destination,
    taskTokens: _tokens,
    questions,
    answers: _answers,
    writeBack,
    secondDeviceNetworkReasons: _secondDeviceReasons,
    client,
    assessment,
    ...rest
  } = v as ConsoleVerification & { answers?: unknown };
  const verdict = verdictOf(v.status, v.assessment);
  if (v.requesterReport?.kind === 'not_me') verdict.urgent = true;
  return {
    ...rest,
    ...(assessment && !hideAnalysis
      ? {
          assessment: {
            riskScore: assessment.riskScore,
            riskLevel: assessment.riskLevel,
            reasons: assessment.reasons,
            // The one recommendation (verdict.ts): a stored older text never contradicts the outcome.
            recommendation: verdict.recommendation,
            answered: assessment.answered,
            correct: assessment.correct,
          },
        }
      : {}),
    ...(client && !hideAnalysis ? { client } : {}),
    writeBack: { state: writeBack.state, lastError: writeBack.lastError, updatedAt: writeBack.updatedAt },
    questionCount: questions?.length ?? 0,
    verdict,
    ...(hideAnalysis ? { analysisHidden: true, secondDevice: undefined } : {}),
  };
}
