/**
 * Demo data for the local stack: an organisation in the local directory, the local ticket desk
 * connections, console users for the local issuer, and the secrets file (generated once).
 */

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DEFAULT_ASSURANCE } from '../shared/domain/assurance.js';
import { parseConnection } from '../shared/domain/connections.js';
import type { Connection } from '../shared/domain/model/connection.js';
import type { DirectoryUser } from '../shared/domain/model/person.js';
import type { QuestionSource } from '../shared/domain/model/question.js';
import { secretNames } from '../shared/ports/secrets.js';
import { seedOrganisation } from './organisation.js';

/** The local directory's people (local/organisation.ts): u001 is the demo requester, u032 an administrator. */
export function seedDirectory(): DirectoryUser[] {
  return seedOrganisation();
}

export const DEMO_REQUESTER_EMAIL = 'zoe.martin@example.com';
/** The demo requester's password before any reset (local directory only). */
export const DEMO_REQUESTER_PASSWORD = 'lisbon tram window seat 2014';

/**
 * What a seeded person knows about themselves, by question source (shared/domain/questions/):
 * the demo and the tests answer as the real requester would.
 */
export function knownAnswers(email: string): Record<QuestionSource, string[]> {
  const people = seedDirectory();
  const me = people.find((p) => p.email === email);
  const manager = people.find((p) => p.userId === me?.managerId);
  const one = (value: string | undefined) => (value ? [value] : []);
  return {
    recent_ticket: (me?.recentTickets ?? []).map((t) => t.subject),
    manager: one(manager?.displayName),
    teammate: people
      .filter((p) => me?.managerId && p.managerId === me.managerId && p.userId !== me.userId)
      .map((p) => p.displayName),
    group: me?.groups ?? [],
    app: me?.apps ?? [],
    start_year: one(me?.startDate.slice(0, 4)),
    department: one(me?.department),
    office: one(me?.office),
  };
}

const GATED_CATEGORIES = ['password_reset', 'mfa_reset', 'account_unlock'];

export interface LocalItsmUrls {
  desk: string;
  servicenow: string;
  changegear: string;
}

/** One connection per local ITSM, validated like any other (defaults filled by the schema). */
export function seedConnections(urls: LocalItsmUrls): Connection[] {
  const policy = {
    gatedCategories: GATED_CATEGORIES,
    autoClose: true,
    closeCode: 'Solved (Permanently)',
    actionWindowSeconds: 900,
    minAnswered: 3,
    linkLifetimeSeconds: 900,
  };
  const settings = [
    { ...policy, type: 'local', connectionId: 'local-desk', name: 'Local ticket desk', baseUrl: urls.desk },
    // Same desk, short links: the timed-out path in seconds. (Below the 60 s a real connection may use.)
    {
      ...policy,
      type: 'local',
      connectionId: 'local-desk-short',
      name: 'Local ticket desk (20 s links)',
      baseUrl: urls.desk,
    },
    // Same desk, finance managers privileged: the step-up path (`npm run demo -- --only step-up`).
    {
      ...policy,
      type: 'local',
      connectionId: 'local-desk-step-up',
      name: 'Local ticket desk (finance managers privileged)',
      baseUrl: urls.desk,
      assurance: { ...DEFAULT_ASSURANCE, privilegedGroups: ['FIN-Managers'] },
    },
    {
      ...policy,
      type: 'servicenow',
      connectionId: 'servicenow-dev',
      name: 'ServiceNow (local simulator)',
      baseUrl: urls.servicenow,
      workNotesFormat: 'code',
      // Recent releases' incident close codes (older ones used "Solved (Permanently)").
      closeCode: 'Solution provided',
    },
    {
      ...policy,
      type: 'changegear',
      connectionId: 'changegear-dev',
      name: 'ChangeGear (local simulator)',
      baseUrl: urls.changegear,
    },
  ];
  return settings.map((input) => {
    const short = input.connectionId === 'local-desk-short';
    const parsed = parseConnection(short ? { ...input, linkLifetimeSeconds: 60 } : input);
    if (!parsed.ok) throw new Error(`Seed connection ${input.connectionId}: ${parsed.issues.join('; ')}`);
    return short ? { ...parsed.connection, linkLifetimeSeconds: 20 } : parsed.connection;
  });
}

/** Console users of the local issuer. Local development only; Cognito holds the real ones. */
export const CONSOLE_USERS = [
  { username: 'alice', password: 'local-agent-password', groups: ['agent'] },
  { username: 'adam', password: 'local-admin-password', groups: ['admin'] },
  { username: 'audrey', password: 'local-auditor-password', groups: ['auditor'] },
] as const;

export interface LocalSecrets {
  [name: string]: string;
}

/** The local secrets file: created with random values on first start, kept afterwards. */
export function ensureSecretsFile(path: string, connections: Connection[]): LocalSecrets {
  const existing: LocalSecrets = existsSync(path)
    ? (JSON.parse(readFileSync(path, 'utf8')) as LocalSecrets)
    : {};
  const random = () => randomBytes(32).toString('base64url');
  const secrets: LocalSecrets = { ...existing };
  secrets[secretNames.portalSessionKey] ??= random();
  // Every local-desk connection talks to the same desk, so they share its integration user.
  const deskCredentials = `hv-integration:${random()}`;
  for (const c of connections) {
    const inbound = c.type === 'changegear' ? `cg-webhook:${random()}` : random();
    secrets[secretNames.webhookSecrets(c.connectionId)] ??= JSON.stringify([inbound]);
    secrets[secretNames.outboundCredentials(c.connectionId)] ??=
      c.type === 'local'
        ? deskCredentials
        : `${c.type === 'servicenow' ? 'sn' : 'cg'}-integration:${random()}`;
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}
