/**
 * How the console reads verifications: the row of the table and the export, and the view of one
 * verification (never the destination in clear, callback tokens, questions or answers).
 */
import type { VerificationRow, VerificationView } from '../../console-api.js';
import type { Verification, VerificationStatus } from '../../domain/verification.js';

/** What the console stores beside the domain's verification (recorded at send time). */
export type ConsoleVerification = Verification & {
  requesterEmail?: string;
  /** Why the agent typed a destination instead of the contact on record. */
  destinationReason?: string;
};

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
] as const;

/** Lower case, accents and surrounding spaces removed, inner spaces collapsed: how search terms compare. */
export function normalizeTerm(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

export function toRow(v: ConsoleVerification): VerificationRow {
  return {
    verificationId: v.verificationId,
    connectionId: v.ticket.connectionId,
    ticketId: v.ticket.ticketId,
    ticketNumber: v.ticketNumber,
    requesterName: v.requesterName,
    ...(v.requesterEmail ? { requesterEmail: v.requesterEmail } : {}),
    category: v.category,
    status: v.status,
    ...(v.assessment ? { riskLevel: v.assessment.riskLevel, riskScore: v.assessment.riskScore } : {}),
    channel: v.channel,
    agent: v.agent,
    createdAt: v.createdAt,
    ...(v.completedAt ? { completedAt: v.completedAt } : {}),
    writeBackState: v.writeBack.state,
  };
}

export function toConsoleView(v: ConsoleVerification): VerificationView {
  const {
    destination: _destination,
    taskTokens: _tokens,
    questions,
    answers: _answers,
    writeBack,
    ...rest
  } = v as ConsoleVerification & { answers?: unknown };
  return {
    ...rest,
    writeBack: { state: writeBack.state, lastError: writeBack.lastError, updatedAt: writeBack.updatedAt },
    questionCount: questions?.length ?? 0,
  };
}
