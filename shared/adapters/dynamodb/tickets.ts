/** The gated tickets' records: created once at intake, their link entry moved under its rule. */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TicketRecord, TicketRef } from '../../domain/model/ticket.js';
import type { TicketRecords } from '../../ports/tickets.js';
import { keys, strip } from './table.js';
import { inList, type TableAccess } from './writes.js';

export class DynamoDbTicketRecords implements TicketRecords {
  constructor(private readonly t: TableAccess) {}

  async createTicket(ticket: TicketRecord): Promise<{ created: boolean; ticket: TicketRecord }> {
    const created = await this.t.conditionally(
      new PutCommand({
        TableName: this.t.table,
        Item: { ...keys.ticket(ticket.connectionId, ticket.ticketId), ...ticket },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    if (created) return { created, ticket };
    const existing = await this.getTicket(ticket);
    if (!existing) throw new Error('Ticket record vanished after a conflicting create');
    return { created, ticket: existing };
  }

  async getTicket(ref: TicketRef): Promise<TicketRecord | undefined> {
    const out = await this.t.doc.send(
      new GetCommand({
        TableName: this.t.table,
        Key: keys.ticket(ref.connectionId, ref.ticketId),
        ConsistentRead: true,
      }),
    );
    return strip<TicketRecord>(out.Item);
  }

  /** Under domain/model/ticket-rules.ts `mayMoveLinkEntry`, as the write's condition. */
  async setLinkEntry(
    ref: TicketRef,
    from: TicketRecord['linkEntry'][],
    to: TicketRecord['linkEntry'],
  ): Promise<boolean> {
    const allowed = inList('f', from);
    return this.t.conditionally(
      new UpdateCommand({
        TableName: this.t.table,
        Key: keys.ticket(ref.connectionId, ref.ticketId),
        UpdateExpression: 'SET linkEntry = :to',
        ConditionExpression: `linkEntry ${allowed.expression}`,
        ExpressionAttributeValues: { ':to': to, ...allowed.values },
      }),
    );
  }
}
