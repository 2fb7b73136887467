/**
 * What a use case is given: every port it may need, plus configuration and the clock. A use case
 * names the ports it uses (`Ctx<'verifications' | 'audit'>`), so its tests build only those and a
 * handler composes only those (shared/composition.ts).
 */
import type { Config } from '../config.js';
import type { AbuseCounters } from './abuse-counters.js';
import type { AuditLog } from './audit-log.js';
import type { Clock } from './clock.js';
import type { Connections } from './connections.js';
import type { ConsoleQueries } from './console-queries.js';
import type { ConsoleUsers } from './console-users.js';
import type { Directory } from './directory.js';
import type { ExportFiles } from './export-files.js';
import type { IpIntelligence } from './ip-intelligence.js';
import type { LinkTokens } from './link-tokens.js';
import type { Messenger } from './messenger.js';
import type { People } from './people.js';
import type { Secrets, SecretWriter } from './secrets.js';
import type { TicketSystems } from './ticket-system.js';
import type { TicketRecords } from './tickets.js';
import type { TorExits } from './tor-exits.js';
import type { Verifications } from './verifications.js';
import type { Workflow } from './workflow.js';

export interface AppContext {
  config: Config;
  clock: Clock;
  verifications: Verifications;
  tickets: TicketRecords;
  connections: Connections;
  linkTokens: LinkTokens;
  counters: AbuseCounters;
  people: People;
  torExits: TorExits;
  audit: AuditLog;
  directory: Directory;
  ipIntel: IpIntelligence;
  ticketSystems: TicketSystems;
  messenger: Messenger;
  workflow: Workflow;
  secrets: Secrets;
  consoleQueries: ConsoleQueries;
  exportFiles: ExportFiles;
  consoleUsers: ConsoleUsers;
  secretWriter: SecretWriter;
}

/** What a use case needs: the named ports, plus configuration and the clock. */
export type Ctx<K extends keyof AppContext = never> = Pick<AppContext, K | 'config' | 'clock'>;

/** The ports the table holds (one repository each over the one table definition). */
export type Repositories = Pick<
  AppContext,
  'verifications' | 'tickets' | 'connections' | 'linkTokens' | 'counters' | 'people' | 'torExits' | 'audit'
>;
