/**
 * Drives the real local stack from tests: DynamoDB Local, the real ASL in aws-local-stepfunctions
 * behind the local Step Functions endpoint, the gateway with API Gateway v2 events, and the ticket
 * desk as the ITSM. Retry intervals are shortened; everything else is as in `npm start`.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { inject } from 'vitest';
import { localDynamoClient } from '../../local/dynamodb-local.js';
import { type AnswerOptions, answerAll } from '../../local/requester.js';
import { DEMO_REQUESTER_EMAIL, seedConnections } from '../../local/seed.js';
import { type LocalStack, startLocalStack } from '../../local/stack.js';
import { DynamoDbDirectory } from '../../shared/adapters/dynamodb/directory.js';
import type { ConnectionPolicy, LocalDeskConnection } from '../../shared/domain/model/connection.js';
import type { Verification } from '../../shared/domain/model/verification.js';
import type { Message } from '../../shared/ports/messenger.js';
import { secretNames } from '../../shared/ports/secrets.js';

const FAST = [20, 40, 80];

export interface Harness {
  stack: LocalStack;
  api: string;
  agentToken: string;
  dataDir: string;
  stop(): Promise<void>;
}

let shared: Promise<Harness> | undefined;

/**
 * The stack the files of this worker share: the integration project runs its files without
 * module isolation (a worker runs several, one after another), so this module (and the handlers
 * the stack loaded, with the environment they read at first load) outlives a file. Files using it create
 * their own tickets, connections and users and look only at those, and do not stop it: it ends
 * with the worker. Files that need a stack of their own (their own environment, a restart, a
 * table-wide view) use `startHarness` in the project that isolates files (vitest.config.ts).
 */
export function sharedHarness(): Promise<Harness> {
  shared ??= startHarness().catch((error: unknown) => {
    shared = undefined;
    throw error;
  });
  return shared;
}

/** A stack of the caller's own, on a table of its own; the caller stops it. */
export async function startHarness(): Promise<Harness> {
  return launch(mkdtempSync(join(tmpdir(), 'hv-it-')), `it-${randomUUID().slice(0, 8)}`, {
    gateway: 0,
    desk: 0,
    servicenow: 0,
    changegear: 0,
    stepFunctions: 0,
  });
}

/**
 * Stops the stack and starts it again on the same data, table and ports (the handlers, loaded
 * once per test file, keep the endpoints they read at first start), as `npm start` would.
 */
export async function restartHarness(h: Harness): Promise<Harness> {
  await h.stop();
  const port = (url: string) => Number(new URL(url).port);
  return launch(h.dataDir, h.stack.tableName, {
    gateway: port(h.stack.urls.api),
    desk: port(h.stack.urls.desk),
    servicenow: port(h.stack.urls.servicenow),
    changegear: port(h.stack.urls.changegear),
    stepFunctions: port(h.stack.urls.stepFunctions),
  });
}

async function launch(dataDir: string, tableName: string, ports: Record<string, number>) {
  const stack = await startLocalStack({
    dataDir,
    dynamodbEndpoint: inject('dynamodbEndpoint'),
    tableName,
    ports,
    retryIntervalOverrides: { SendLink: FAST, WriteBack: FAST, RecordAction: FAST, AutoClose: FAST },
    deskRetryDelaysMs: [20, 40],
    simulateSourceIp: true,
  });
  const agentToken = await stack.gateway.issueToken('alice', ['agent']);
  return { stack, api: stack.urls.api, agentToken, dataDir, stop: () => stack.stop() };
}

export async function call(
  h: Harness,
  method: string,
  path: string,
  options: { body?: unknown; raw?: string; token?: string; headers?: Record<string, string> } = {},
) {
  const res = await fetch(`${h.api}${path}`, {
    method,
    headers: {
      ...(options.body !== undefined || options.raw !== undefined
        ? { 'content-type': 'application/json' }
        : {}),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body: options.raw ?? (options.body !== undefined ? JSON.stringify(options.body) : undefined),
  });
  const text = await res.text();
  // biome-ignore lint/suspicious/noExplicitAny: tests read loosely shaped JSON responses
  return { status: res.status, json: (text ? JSON.parse(text) : undefined) as any };
}

export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

/** Adds a connection to the same desk with a different policy, with the same secrets as local-desk. */
export async function putConnection(h: Harness, patch: Partial<ConnectionPolicy> & { connectionId: string }) {
  const [base] = seedConnections(h.stack.urls);
  await h.stack.repositories.connections.putConnection({ ...(base as LocalDeskConnection), ...patch });
  const file = join(h.dataDir, 'secrets.json');
  const secrets = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  secrets[secretNames.webhookSecrets(patch.connectionId)] =
    secrets[secretNames.webhookSecrets('local-desk')] ?? '';
  secrets[secretNames.outboundCredentials(patch.connectionId)] =
    secrets[secretNames.outboundCredentials('local-desk')] ?? '';
  writeFileSync(file, JSON.stringify(secrets));
}

/** Opens a gated ticket in the desk and waits for the link entry. */
export async function openTicket(
  h: Harness,
  connectionId = 'local-desk',
  requesterEmail = DEMO_REQUESTER_EMAIL,
) {
  const ticket = h.stack.desk.open({
    category: 'password_reset',
    subject: 'Locked out',
    description: 'I typed the wrong password too many times this morning.',
    requesterEmail,
    connectionId,
  });
  await until('link entry', () => h.stack.desk.get(ticket.id)?.verificationUrl);
  return ticket;
}

export async function sendLink(
  h: Harness,
  ticketId: string,
  extra: {
    connectionId?: string;
    requestedAction?: 'password_reset';
    destination?: string;
    /** Why the agent typed a destination (required with one). */
    reason?: string;
    channel?: 'email' | 'sms';
  } = {},
) {
  const res = await call(h, 'POST', '/api/verifications', {
    token: h.agentToken,
    body: {
      connectionId: extra.connectionId ?? 'local-desk',
      ticketId,
      channel: extra.channel ?? 'email',
      ...extra,
    },
  });
  if (res.status !== 202) throw new Error(`send failed ${res.status} ${JSON.stringify(res.json)}`);
  const verificationId = res.json.verificationId as string;
  const message = await messageFor(h, verificationId);
  return { verificationId, linkToken: linkTokenIn(message.text), message };
}

/** Every email and SMS the stack sent (the dev inbox), newest first. */
export async function inbox(h: Harness): Promise<Message[]> {
  return (await call(h, 'GET', '/_dev/inbox.json')).json;
}

/** Waits for the message sent for a verification. */
export function messageFor(h: Harness, verificationId: string): Promise<Message> {
  return until('message in the outbox', async () =>
    (await inbox(h)).find((m) => m.verificationId === verificationId),
  );
}

/** The link token in a message's text (`#t=...`), or '' when there is none. */
export const linkTokenIn = (text: string) => /#t=([\w-]+)/.exec(text)?.[1] ?? '';

export interface PortalSession {
  verificationId: string;
  sessionToken: string;
  questionCount: number;
}

/** Opens the link as the requester, and waits for the "opened" progress note so later faults hit only what follows. */
export async function openLink(h: Harness, linkToken: string): Promise<PortalSession> {
  const res = await call(h, 'GET', '/portal/session', { token: linkToken });
  if (res.status !== 200) throw new Error(`open failed ${res.status} ${JSON.stringify(res.json)}`);
  const session = res.json as PortalSession;
  await until('the opened note', async () =>
    (await verification(h, session.verificationId)).writeBack.written?.includes('opened'),
  );
  return session;
}

type Answerer = { email?: string; headers?: Record<string, string>; readMs?: number };

/**
 * Answers every question one at a time as a seeded person would (right, wrong or skipped; the demo
 * requester unless `email` says otherwise), knowing the tickets they opened.
 */
export async function answerQuestions(
  h: Harness,
  session: Pick<PortalSession, 'sessionToken'>,
  how: AnswerOptions['how'],
  options: Answerer = {},
) {
  const email = options.email ?? DEMO_REQUESTER_EMAIL;
  await answerAll(h.api, session.sessionToken, {
    email,
    knows: { recent_ticket: ticketSubjects(h, email) },
    how,
    headers: options.headers,
    readMs: options.readMs,
  });
}

/** Answers every question (see `answerQuestions`), then completes. Returns the completion's response. */
export async function complete(
  h: Harness,
  session: Pick<PortalSession, 'sessionToken'>,
  how: AnswerOptions['how'],
  options: Answerer = {},
) {
  await answerQuestions(h, session, how, options);
  return call(h, 'POST', '/portal/complete', {
    token: session.sessionToken,
    body: {},
    headers: options.headers,
  });
}

/** The subjects of the tickets a person opened in the local ITSMs: they remember what they asked for. */
function ticketSubjects(h: Harness, email: string): string[] {
  const desk = h.stack.desk.recent({ since: new Date(0), limit: 20, requesterEmail: email });
  const servicenow = h.stack.servicenow.incidentsOf(email);
  return [...new Set([...desk, ...servicenow].map((t) => t.subject))];
}

export async function verification(h: Harness, id: string): Promise<Verification> {
  const v = await h.stack.repositories.verifications.getVerification(id);
  if (!v) throw new Error(`no verification ${id}`);
  return v;
}

export async function execution(h: Harness, verificationId: string) {
  const sfn = new SFNClient({
    endpoint: h.stack.urls.stepFunctions,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const arn = `arn:aws:states:us-east-1:000000000000:execution:verification-lifecycle:${verificationId}`;
  return sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
}

export async function finished(h: Harness, verificationId: string, timeoutMs = 20_000) {
  return until(
    'execution to finish',
    async () => {
      const e = await execution(h, verificationId);
      return e.status === 'RUNNING' ? undefined : e;
    },
    timeoutMs,
  );
}

/** The local directory the stack seeded, to check passwords after a reset. */
export function directoryOf(h: Harness): DynamoDbDirectory {
  return new DynamoDbDirectory({
    tableName: h.stack.tableName,
    client: localDynamoClient(h.stack.urls.dynamodb),
  });
}
