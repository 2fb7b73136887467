/**
 * The verification's sub-state writes (client report, answers, callback tokens, action, feedback),
 * each the DynamoDB condition of its rule in domain/model/lifecycle-rules.ts.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent } from '../../domain/model/audit-event.js';
import {
  ANSWERING_STATUS,
  clientReportOutcome,
  FEEDBACK_STATUSES,
  STEP_UP_STATUS,
  WAITING_FOR,
} from '../../domain/model/lifecycle-rules.js';
import type { AnswerRecord } from '../../domain/model/question.js';
import type {
  ActionState,
  ClientContext,
  RequesterFeedback,
  StepUp,
  WaitStage,
} from '../../domain/model/verification.js';
import { keys } from './table.js';
import { inList, readVerificationItem as read, type TableAccess } from './writes.js';

/** `clientReportOutcome`: the first report is written only where none is; a later one may flag. */
export async function writeClientReport(
  t: TableAccess,
  verificationId: string,
  client: ClientContext,
): Promise<{ secondDevice: boolean }> {
  const first = await t.conditionally(
    new UpdateCommand({
      TableName: t.table,
      Key: keys.verification(verificationId),
      UpdateExpression: 'SET #client = :client',
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#client)',
      ExpressionAttributeNames: { '#client': 'client' },
      ExpressionAttributeValues: { ':client': client },
    }),
  );
  if (first) return { secondDevice: false };
  const current = await read(t, verificationId);
  // No verification: nothing to flag, and no stray item written under its key.
  if (!current) return { secondDevice: false };
  const secondDevice = clientReportOutcome(current.client, client) === 'second_device';
  if (!secondDevice) return { secondDevice };
  // The second device's own network is scored too (a link forwarded to a VPS shows here).
  const written = await t.conditionally(
    new UpdateCommand({
      TableName: t.table,
      Key: keys.verification(verificationId),
      UpdateExpression: 'SET secondDevice = :yes, secondDeviceNetworkReasons = :reasons',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':yes': true, ':reasons': client.networkReasons ?? [] },
    }),
  );
  return { secondDevice: written };
}

/** `mayRecordAnswer` as the condition: in progress, and the list still as long as the caller saw. */
export function appendAnswer(
  t: TableAccess,
  verificationId: string,
  position: number,
  answer: AnswerRecord,
): Promise<boolean> {
  return t.conditionally(
    new UpdateCommand({
      TableName: t.table,
      Key: keys.verification(verificationId),
      UpdateExpression: 'SET answers = list_append(answers, :answer), updatedAt = :now',
      ConditionExpression: '#status = :answering AND size(answers) = :position',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':answer': [answer],
        ':now': t.now().toISOString(),
        ':answering': ANSWERING_STATUS,
        ':position': position,
      },
    }),
  );
}

/** `WAITING_FOR[stage]` as the condition: the token is stored only while the stage is still open. */
export function writeTaskToken(
  t: TableAccess,
  verificationId: string,
  stage: WaitStage,
  token: string,
): Promise<boolean> {
  const rule = WAITING_FOR[stage];
  const allowed = inList('w', rule.in);
  const [path, names] =
    rule.on === 'status'
      ? ['#status', { '#status': 'status' }]
      : ['#action.#state', { '#action': 'action', '#state': 'state' }];
  return t.conditionally(
    new UpdateCommand({
      TableName: t.table,
      Key: keys.verification(verificationId),
      UpdateExpression: 'SET taskTokens.#stage = :token',
      ConditionExpression: `attribute_exists(pk) AND ${path} ${allowed.expression}`,
      ExpressionAttributeNames: { '#stage': stage, ...names },
      ExpressionAttributeValues: { ':token': token, ...allowed.values },
    }),
  );
}

/** `mayMoveAction` as the condition, with its audit event in the same transaction. */
export async function writeActionMove(
  t: TableAccess,
  verificationId: string,
  from: ActionState[],
  to: ActionState,
  audit: AuditEvent,
): Promise<boolean> {
  const current = await read(t, verificationId);
  if (!current) return false;
  const at = t.now().toISOString();
  const allowed = inList('f', from);
  return t.withAudit(
    [
      {
        Update: {
          TableName: t.table,
          Key: keys.verification(verificationId),
          UpdateExpression: 'SET #action.#state = :to, #action.completedAt = :at, updatedAt = :at',
          ConditionExpression: `#action.#state ${allowed.expression}`,
          ExpressionAttributeNames: { '#action': 'action', '#state': 'state' },
          ExpressionAttributeValues: { ':to': to, ':at': at, ...allowed.values },
        },
      },
    ],
    audit,
    current.expiresAtEpoch,
  );
}

/** `mayLeaveFeedback` as the condition (once, after an outcome), with its audit event. */
export async function writeFeedback(
  t: TableAccess,
  verificationId: string,
  feedback: RequesterFeedback,
  audit: AuditEvent,
): Promise<boolean> {
  const current = await read(t, verificationId);
  if (!current) return false;
  const completed = inList('c', FEEDBACK_STATUSES);
  return t.withAudit(
    [
      {
        Update: {
          TableName: t.table,
          Key: keys.verification(verificationId),
          UpdateExpression: 'SET feedback = :feedback',
          ConditionExpression: `attribute_not_exists(feedback) AND #status ${completed.expression}`,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':feedback': feedback, ...completed.values },
        },
      },
    ],
    audit,
    current.expiresAtEpoch,
  );
}

/** `mayRecordStepUp` as the condition: in step_up, and no step-up request recorded yet. */
export async function writeStepUp(
  t: TableAccess,
  verificationId: string,
  stepUp: StepUp,
  audit: AuditEvent,
): Promise<boolean> {
  const current = await read(t, verificationId);
  if (!current) return false;
  return t.withAudit(
    [
      {
        Update: {
          TableName: t.table,
          Key: keys.verification(verificationId),
          UpdateExpression: 'SET stepUp = :stepUp',
          ConditionExpression: '#status = :stepUpStatus AND attribute_not_exists(stepUp.tokenHash)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':stepUp': stepUp, ':stepUpStatus': STEP_UP_STATUS },
        },
      },
    ],
    audit,
    current.expiresAtEpoch,
  );
}
