/**
 * Every repository's methods on one object: how the integration tests written before the store
 * was split reach the table (`h.stack.store.getTicket(...)`). New code names the port instead
 * (`h.stack.repositories.tickets.getTicket(...)`); this goes once no test uses it.
 */
import type { AbuseCounters } from '../shared/ports/abuse-counters.js';
import type { AuditLog } from '../shared/ports/audit-log.js';
import type { Connections } from '../shared/ports/connections.js';
import type { Repositories } from '../shared/ports/context.js';
import type { LinkTokens } from '../shared/ports/link-tokens.js';
import type { People } from '../shared/ports/people.js';
import type { TicketRecords } from '../shared/ports/tickets.js';
import type { TorExits } from '../shared/ports/tor-exits.js';
import type { Verifications } from '../shared/ports/verifications.js';

export type StoreView = Verifications &
  TicketRecords &
  Connections &
  LinkTokens &
  AbuseCounters &
  People &
  TorExits &
  AuditLog;

export function storeView(repositories: Repositories): StoreView {
  const view: Record<string, unknown> = {};
  for (const repository of Object.values(repositories) as object[]) {
    for (const name of Object.getOwnPropertyNames(Object.getPrototypeOf(repository))) {
      const method = (repository as Record<string, unknown>)[name];
      if (name === 'constructor' || typeof method !== 'function') continue;
      if (name in view) throw new Error(`Two repositories both answer ${name}`);
      view[name] = method.bind(repository);
    }
  }
  return view as unknown as StoreView;
}
