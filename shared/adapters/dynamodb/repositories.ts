/** The table's eight repositories over one client and clock: what composition and the local stack use. */
import type { Repositories } from '../../ports/context.js';
import { DynamoDbAbuseCounters } from './abuse-counters.js';
import { DynamoDbAuditLog } from './audit-log.js';
import { DynamoDbConnections } from './connections.js';
import { DynamoDbLinkTokens } from './link-tokens.js';
import { DynamoDbPeople } from './people.js';
import { DynamoDbTicketRecords } from './tickets.js';
import { DynamoDbTorExits } from './tor-exits.js';
import { DynamoDbVerifications } from './verifications.js';
import { type DynamoDbRepositoryOptions, TableAccess } from './writes.js';

export function dynamoDbRepositories(options: DynamoDbRepositoryOptions): Repositories {
  const table = new TableAccess(options);
  return {
    verifications: new DynamoDbVerifications(table),
    tickets: new DynamoDbTicketRecords(table),
    connections: new DynamoDbConnections(table),
    linkTokens: new DynamoDbLinkTokens(table),
    counters: new DynamoDbAbuseCounters(table),
    people: new DynamoDbPeople(table),
    torExits: new DynamoDbTorExits(table),
    audit: new DynamoDbAuditLog(table),
  };
}
