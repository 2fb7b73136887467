/**
 * The audit trail, read in order under its verification. Events that record a change are written
 * by the repository making the change, in its transaction (TableAccess.withAudit); this one appends
 * the events that stand alone.
 */
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent } from '../../domain/model/audit-event.js';
import type { AuditLog } from '../../ports/audit-log.js';
import { keys, strip } from './table.js';
import { auditItem, type TableAccess } from './writes.js';

export class DynamoDbAuditLog implements AuditLog {
  constructor(private readonly t: TableAccess) {}

  async appendAudit(event: AuditEvent): Promise<void> {
    await this.t.doc.send(new PutCommand({ TableName: this.t.table, Item: auditItem(event) }));
  }

  async listAudit(verificationId: string): Promise<AuditEvent[]> {
    const out = await this.t.doc.send(
      new QueryCommand({
        TableName: this.t.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :audit)',
        ExpressionAttributeValues: { ':pk': keys.verification(verificationId).pk, ':audit': 'AUDIT#' },
      }),
    );
    return (out.Items ?? []).map((i) => strip<AuditEvent>(i) as AuditEvent);
  }
}
