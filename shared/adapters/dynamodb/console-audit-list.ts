/**
 * The audit log's listing: one verification's events (its own partition on the table), one
 * actor's (GSI6), or every event by day (GSI1's daily partitions), the action a FilterExpression.
 */
import type { StoredAuditEvent } from '../../domain/model/audit-event.js';
import type { AuditFilters, ListPageResult, ListPosition } from '../../ports/console-queries.js';
import { type ConsoleTable, type Driver, daysBetween, walk } from './console-walk.js';
import { keys } from './table.js';

export async function listAudit(
  db: ConsoleTable,
  filters: AuditFilters,
  position: ListPosition | undefined,
  limit: number,
  oldest: string,
): Promise<ListPageResult<StoredAuditEvent>> {
  const newest = filters.to ?? db.now().toISOString().slice(0, 10);
  const from = filters.from && filters.from > oldest ? filters.from : oldest;
  const rest: Driver['rest'] = {};
  if (filters.action) rest.action = { attribute: 'action', value: filters.action };
  let driver: Driver;
  if (filters.verificationId) {
    if (filters.actor) rest.actor = { attribute: 'actor', value: filters.actor };
    driver = {
      partitionAttribute: 'pk',
      sortAttribute: 'gsi1sk',
      partitions: [keys.verification(filters.verificationId).pk],
      rest,
    };
  } else if (filters.actor) {
    driver = {
      index: 'gsi6',
      partitionAttribute: 'gsi6pk',
      sortAttribute: 'gsi1sk',
      partitions: [keys.auditByActor(filters.actor)],
      rest,
    };
  } else {
    driver = {
      index: 'gsi1',
      partitionAttribute: 'gsi1pk',
      sortAttribute: 'gsi1sk',
      partitions: daysBetween(from, newest).map((d) => keys.auditDay(d)),
      rest,
    };
  }
  // Each audit item carries its own eventId (the key attributes are stripped by walk()).
  return walk<StoredAuditEvent>(db, driver, from, newest, position, limit, !driver.index);
}
