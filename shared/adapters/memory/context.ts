/**
 * A whole AppContext in memory, for use-case tests: `const ctx = memoryContext()` and call a use
 * case. Seeded with one connection (the local desk's policy), a small organisation in the
 * directory (the requester u001, her manager, teammates and others for decoys), recent tickets in
 * the connection's ticket system, the portal's
 * session key and the connection's webhook secret. The clock stands still until a test moves it.
 */
import { type Config, loadConfig } from '../../config.js';
import type { LocalDeskConnection } from '../../domain/model/connection.js';
import type { DirectoryUser } from '../../domain/model/person.js';
import type { RecentTicket } from '../../domain/model/ticket.js';
import type { AppContext } from '../../ports/context.js';
import { secretNames } from '../../ports/secrets.js';
import { MemoryConsoleQueries, MemoryConsoleUsers, MemoryExportFiles } from './console.js';
import { MemoryDirectory } from './directory.js';
import { type MemoryRepositories, memoryRepositories } from './repositories.js';
import {
  MemoryIpIntelligence,
  MemoryMessenger,
  MemorySecrets,
  MemoryTicketSystems,
  MemoryWorkflow,
  SettableClock,
} from './services.js';

/** The environment the tests configure (the integration project's values where it sets them). */
const MEMORY_ENV = {
  TABLE_NAME: 'memory',
  STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:verification-lifecycle',
  PORTAL_BASE_URL: 'https://verify.example.com',
  CONSOLE_BASE_URL: 'https://console.example.com',
  SELF_SERVICE_CONNECTION_ID: 'local-desk',
} as const;

const MEMORY_CONNECTION: LocalDeskConnection = {
  type: 'local',
  connectionId: 'local-desk',
  name: 'Local ticket desk',
  baseUrl: 'https://desk.example.com',
  gatedCategories: ['password_reset', 'mfa_reset', 'account_unlock'],
  autoClose: true,
  closeCode: 'Solved (Permanently)',
  linkLifetimeSeconds: 900,
  actionWindowSeconds: 900,
  minAnswered: 3,
};

const person = (p: Partial<DirectoryUser> & Pick<DirectoryUser, 'userId' | 'displayName'>): DirectoryUser => {
  const [givenName = '', family = ''] = p.displayName.split(' ');
  return {
    givenName,
    email: `${givenName}.${family}@example.com`.toLowerCase(),
    department: 'Finance',
    title: 'Specialist',
    office: 'Lisbon',
    country: 'PT',
    startDate: '2019-03-01',
    privileged: false,
    enabled: true,
    ...p,
  };
};

/** A small organisation: enough people and facts for every kind of question and its decoys. */
const MEMORY_PEOPLE: DirectoryUser[] = [
  person({
    userId: 'u001',
    displayName: 'Zoe Martin',
    mobilePhone: '+351912345678',
    managerId: 'u008',
    groups: ['Finance Close Team', 'Lisbon Office'],
    apps: ['SAP Concur', 'Workday'],
    usualCountries: ['PT'],
  }),
  person({ userId: 'u002', displayName: 'Rui Costa', managerId: 'u008', groups: ['Finance Close Team'] }),
  person({ userId: 'u003', displayName: 'Ines Silva', managerId: 'u008', groups: ['Treasury'] }),
  person({
    userId: 'u004',
    displayName: 'Omar Haddad',
    department: 'Sales',
    office: 'Madrid',
    groups: ['Sales EMEA'],
  }),
  person({
    userId: 'u005',
    displayName: 'Lena Vogel',
    department: 'Engineering',
    office: 'Berlin',
    groups: ['Platform'],
  }),
  person({
    userId: 'u006',
    displayName: 'Priya Nair',
    department: 'Legal',
    office: 'London',
    groups: ['Contracts'],
  }),
  person({
    userId: 'u007',
    displayName: 'Tom Becker',
    department: 'Sales',
    office: 'Berlin',
    groups: ['Sales DACH'],
  }),
  person({ userId: 'u008', displayName: 'Ana Duarte', title: 'Finance Director', startDate: '2012-06-01' }),
  person({
    userId: 'u009',
    displayName: 'Max Admin',
    department: 'IT',
    privileged: true,
    groups: ['Domain Admins'],
  }),
  // Finance people in another team: the teammate question's wrong options.
  person({ userId: 'u010', displayName: 'Carla Mendes', managerId: 'u014', groups: ['Accounts Payable'] }),
  person({
    userId: 'u011',
    displayName: 'Hugo Pereira',
    managerId: 'u014',
    office: 'Porto',
    groups: ['Payroll'],
  }),
  person({ userId: 'u012', displayName: 'Marta Lopes', managerId: 'u014', groups: ['Accounts Payable'] }),
  person({ userId: 'u013', displayName: 'Diogo Ramos', managerId: 'u014', office: 'Porto', groups: ['Tax'] }),
  person({ userId: 'u014', displayName: 'Sofia Almeida', title: 'Controller', startDate: '2015-02-01' }),
];

/** The requester's earlier tickets and other people's (the recent-ticket question and its decoys). */
function memoryRecentTickets(now: Date): RecentTicket[] {
  const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString();
  const ticket = (number: string, subject: string, requester: string, days: number): RecentTicket => ({
    number,
    subject,
    openedAt: daysAgo(days),
    requester,
    selfService: true,
  });
  return [
    ticket('INC0009001', 'Docking station not charging laptop', 'zoe.martin@example.com', 21),
    ticket('INC0009002', 'VPN drops every few minutes', 'rui.costa@example.com', 10),
    ticket('INC0009003', 'Cannot print to the 3rd floor printer', 'lena.vogel@example.com', 15),
    ticket('INC0009004', 'Outlook calendar not syncing to phone', 'omar.haddad@example.com', 30),
    ticket('INC0009005', 'Request a second monitor', 'priya.nair@example.com', 40),
    ticket('INC0009006', 'Teams camera not detected', 'tom.becker@example.com', 50),
  ];
}

const MEMORY_SESSION_KEY = 'memory-portal-session-key-0123456789abcdef';
export const MEMORY_WEBHOOK_SECRET = 'memory-webhook-secret-0123456789';

/** The context with the in-memory classes, so a test can reach their records and failure switches. */
export type MemoryContext = Omit<MemoryRepositories, 'state'> & {
  config: Config;
  clock: SettableClock;
  directory: MemoryDirectory;
  ipIntel: MemoryIpIntelligence;
  ticketSystems: MemoryTicketSystems;
  messenger: MemoryMessenger;
  workflow: MemoryWorkflow;
  secrets: MemorySecrets;
  secretWriter: MemorySecrets;
  consoleQueries: MemoryConsoleQueries;
  exportFiles: MemoryExportFiles;
  consoleUsers: MemoryConsoleUsers;
};

/** Every port is there: a MemoryContext is an AppContext. */
const _isAppContext = (ctx: MemoryContext): AppContext => ctx;

export interface MemoryContextOptions {
  /** Environment variables on top of MEMORY_ENV, validated as a function's are. */
  env?: Record<string, string>;
  /** Fields of the seeded connection. */
  connection?: Partial<LocalDeskConnection>;
  people?: DirectoryUser[];
  now?: Date | string;
}

export function memoryContext(options: MemoryContextOptions = {}): MemoryContext {
  const config: Config = loadConfig({ ...MEMORY_ENV, ...options.env });
  const clock = new SettableClock(options.now ? new Date(options.now) : undefined);
  const { state, ...repositories } = memoryRepositories({ now: () => clock.now() });
  const connection = { ...MEMORY_CONNECTION, ...options.connection };
  state.connections.set(connection.connectionId, connection);
  const secrets = new MemorySecrets({
    [secretNames.portalSessionKey]: MEMORY_SESSION_KEY,
    [secretNames.webhookSecrets(connection.connectionId)]: JSON.stringify([MEMORY_WEBHOOK_SECRET]),
  });
  const ticketSystems = new MemoryTicketSystems();
  ticketSystems.of(connection.connectionId).recent = memoryRecentTickets(clock.now());
  return {
    config,
    clock,
    ...repositories,
    directory: new MemoryDirectory(options.people ?? MEMORY_PEOPLE, () => clock.now()),
    ipIntel: new MemoryIpIntelligence(),
    ticketSystems,
    messenger: new MemoryMessenger(),
    workflow: new MemoryWorkflow(),
    secrets,
    secretWriter: secrets,
    consoleQueries: new MemoryConsoleQueries(state),
    exportFiles: new MemoryExportFiles(),
    consoleUsers: new MemoryConsoleUsers(() => clock.now()),
  };
}
