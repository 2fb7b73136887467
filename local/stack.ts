/**
 * The whole product on one machine: DynamoDB Local, the table from the shared definition, seeded
 * demo data, the local Step Functions endpoint running the real ASL, the local gateway serving the
 * route manifest, and the local ticket desk. Used by `npm start`, the demo's tests and the benchmarks.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DynamoDbConsoleUsers } from '../shared/adapters/dynamodb/console-users.js';
import { DynamoDbDirectory } from '../shared/adapters/dynamodb/directory.js';
import { dynamoDbRepositories } from '../shared/adapters/dynamodb/repositories.js';
import { isFinal } from '../shared/domain/model/verification.js';
import type { Repositories } from '../shared/ports/context.js';
import { secretNames } from '../shared/ports/secrets.js';
import type { Verifications } from '../shared/ports/verifications.js';
import { auditedSignIns } from '../shared/use-cases/console/users.js';
import { CONSOLE_DIST, consoleCsp, ensureConsoleBuilt, LOCAL_CONSOLE_CONFIG } from '../web/console/build.js';
import { ensurePortalBuilt, LOCAL_PORTAL_CONFIG, PORTAL_CSP, PORTAL_DIST } from '../web/portal/build.js';
import { checkJava, ensureTable, localDynamoClient, startDynamoDbLocal } from './dynamodb-local.js';
import { LocalGateway } from './gateway.js';
import { organisationAsOf } from './organisation.js';
import { freePort, reserve, urlOf } from './ports.js';
import { PushPage } from './push-page.js';
import {
  CONSOLE_USERS,
  DEMO_REQUESTER_EMAIL,
  DEMO_REQUESTER_PASSWORD,
  ensureSecretsFile,
  seedConnections,
  seedDirectory,
} from './seed.js';
import { ChangeGearSimulator } from './simulators/changegear.js';
import { DuoSimulator } from './simulators/duo.js';
import { OktaVerifySimulator } from './simulators/okta-verify.js';
import { ServiceNowSimulator } from './simulators/servicenow.js';
import { StaticSite } from './static-site.js';
import { LOCAL_STATE_MACHINE_ARN, LocalStepFunctions } from './stepfunctions.js';
import { LocalStreams } from './streams.js';
import { TicketDesk } from './ticket-desk.js';

export interface LocalStackOptions {
  /** Where data persists (DynamoDB files, outbox, secrets, desk tickets). */
  dataDir: string;
  /** Wipe dataDir first. */
  fresh?: boolean;
  /** 0 picks a free port. */
  ports?: Partial<Record<keyof typeof DEFAULT_PORTS, number>>;
  /** Use an already running DynamoDB (tests share one); otherwise DynamoDB Local is started. */
  dynamodbEndpoint?: string;
  tableName?: string;
  /** Milliseconds between state-machine retries (tests); AWS timings when omitted. */
  retryIntervalOverrides?: Record<string, number | number[]>;
  deskRetryDelaysMs?: number[];
  /** Tests only: let requests name their source IP (see LocalGateway). */
  simulateSourceIp?: boolean;
  /** Run the table-stream consumers (dashboard aggregates, exports); default true. */
  streamConsumers?: boolean;
}

export interface LocalStack {
  urls: {
    api: string;
    desk: string;
    servicenow: string;
    changegear: string;
    inbox: string;
    /** Pending pushes of the two simulators below, with Approve / Deny. */
    push: string;
    oktaVerify: string;
    duo: string;
    stepFunctions: string;
    dynamodb: string;
  };
  tableName: string;
  /** Verifications whose lifecycle was still running when the stack last stopped, now resumed. */
  resumed: number;
  desk: TicketDesk;
  servicenow: ServiceNowSimulator;
  changegear: ChangeGearSimulator;
  /** Push to the enrolled authenticator: every seeded person enrolled (Okta by user id, Duo by email). */
  oktaVerify: OktaVerifySimulator;
  duo: DuoSimulator;
  gateway: LocalGateway;
  stepFunctions: LocalStepFunctions;
  /** The table's repositories, one per port. */
  repositories: Repositories;
  stop(): Promise<void>;
}

/** Where the gateway serves the built portal (PORTAL_BASE_URL); `/portal/*` is its API. */
export const PORTAL_APP_PATH = '/portal-app';
/** Where the gateway serves the built console (CONSOLE_BASE_URL); `/api/*` is its API. */
export const CONSOLE_APP_PATH = '/console';

export const DEFAULT_PORTS = {
  gateway: 8787,
  desk: 8788,
  stepFunctions: 8789,
  dynamodb: 8790,
  servicenow: 8791,
  changegear: 8792,
};

const STOP_PART_MS = 10_000;

function withinMs<T>(ms: number, work: Promise<T>): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
    timer.unref();
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const dataDir = resolve(options.dataDir);
  if (options.fresh) rmSync(dataDir, { recursive: true, force: true });
  const wanted = { ...DEFAULT_PORTS, ...options.ports };
  const tableName = options.tableName ?? 'helpdesk-verify';
  const outboxDir = join(dataDir, 'outbox');
  const secretsFile = join(dataDir, 'secrets.json');
  const stoppers: (() => Promise<void>)[] = [];
  // Each part gets a bounded time to stop, so one that hangs cannot keep the rest (DynamoDB Local's
  // java process, last) running.
  const stop = async () => {
    for (const s of stoppers.reverse()) await withinMs(STOP_PART_MS, s()).catch(() => undefined);
  };

  try {
    // Every HTTP port is bound before anything is wired to it: the services know one another's
    // URLs up front, and a port chosen by the OS cannot be taken by another process meanwhile.
    const bound = async (p: number, what: string) => {
      const server = await reserve(p, what);
      stoppers.push(() => new Promise<void>((r) => server.close(() => r())));
      return server;
    };
    const servers = {
      gateway: await bound(wanted.gateway, 'API gateway'),
      desk: await bound(wanted.desk, 'ticket desk'),
      servicenow: await bound(wanted.servicenow, 'ServiceNow simulator'),
      changegear: await bound(wanted.changegear, 'ChangeGear simulator'),
      stepFunctions: await bound(wanted.stepFunctions, 'Step Functions endpoint'),
    };
    const apiUrl = urlOf(servers.gateway);
    const itsmUrls = {
      desk: urlOf(servers.desk),
      servicenow: urlOf(servers.servicenow),
      changegear: urlOf(servers.changegear),
    };
    const stepFunctionsUrl = urlOf(servers.stepFunctions);
    // Not wired into the lifecycle yet: on free ports, so parallel stacks (tests) never collide.
    const oktaVerify = new OktaVerifySimulator();
    const duo = new DuoSimulator();
    const pushUrls = { oktaVerify: await oktaVerify.listen(0), duo: await duo.listen(0) };
    stoppers.push(
      () => oktaVerify.stop(),
      () => duo.stop(),
    );

    let dynamodbEndpoint = options.dynamodbEndpoint;
    if (!dynamodbEndpoint) {
      checkJava();
      const ddb = await startDynamoDbLocal(
        wanted.dynamodb === 0 ? await freePort() : wanted.dynamodb,
        join(dataDir, 'dynamodb'),
      );
      stoppers.push(ddb.stop);
      dynamodbEndpoint = ddb.endpoint;
    }
    const connections = seedConnections(itsmUrls);
    const secrets = ensureSecretsFile(secretsFile, connections);

    Object.assign(process.env, {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      TABLE_NAME: tableName,
      DYNAMODB_ENDPOINT: dynamodbEndpoint,
      STATE_MACHINE_ARN: LOCAL_STATE_MACHINE_ARN,
      SFN_ENDPOINT: stepFunctionsUrl,
      MESSENGER: 'outbox',
      OUTBOX_DIR: outboxDir,
      SECRETS: 'file',
      SECRETS_FILE: secretsFile,
      PORTAL_BASE_URL: `${apiUrl}${PORTAL_APP_PATH}`,
      CONSOLE_BASE_URL: `${apiUrl}${CONSOLE_APP_PATH}`,
      SELF_SERVICE_CONNECTION_ID: 'local-desk',
      // Console: users in the table (the local issuer reads them), exports served by the gateway.
      CONSOLE_USERS: 'table',
      EXPORT_FILES: 'local',
      EXPORT_DIR: join(dataDir, 'exports'),
      EXPORT_URL_BASE: apiUrl,
      // Random per process: download links die with it. Kept across restarts in one process.
      EXPORT_SIGNING_KEY: process.env.EXPORT_SIGNING_KEY ?? randomBytes(32).toString('hex'),
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    });

    const client = localDynamoClient(dynamodbEndpoint);
    await ensureTable(client, tableName);
    const repositories = dynamoDbRepositories({ tableName, client });
    const directory = new DynamoDbDirectory({ tableName, client });
    const people = organisationAsOf(new Date(), seedDirectory());
    await directory.putUsers(people);
    for (const p of people) {
      oktaVerify.enroll(p.userId);
      duo.enroll(p.email);
    }
    const demo = people.find((p) => p.email === DEMO_REQUESTER_EMAIL);
    if (demo && !(await directory.hasPassword(demo.userId)))
      await directory.resetPassword(demo.userId, DEMO_REQUESTER_PASSWORD);
    for (const c of connections) await repositories.connections.putConnection(c);
    const consoleUsers = new DynamoDbConsoleUsers({ tableName, client });
    for (const u of CONSOLE_USERS)
      await consoleUsers.seed({ username: u.username, password: u.password, roles: u.groups });

    const stepFunctions = new LocalStepFunctions({ retryIntervalOverrides: options.retryIntervalOverrides });
    await stepFunctions.listen(servers.stepFunctions);
    stoppers.push(() => stepFunctions.stop());
    const resumed = await resumeLifecycles(repositories.verifications, stepFunctions);

    // The portal as CloudFront serves it (same headers); built first if missing or stale.
    await ensurePortalBuilt();
    const portal = new StaticSite({
      prefix: PORTAL_APP_PATH,
      root: PORTAL_DIST,
      contentSecurityPolicy: PORTAL_CSP,
      runtimeFiles: { 'config.json': LOCAL_PORTAL_CONFIG },
    });
    // The console likewise, signing in against the local issuer.
    await ensureConsoleBuilt();
    const consoleSite = new StaticSite({
      prefix: CONSOLE_APP_PATH,
      root: CONSOLE_DIST,
      contentSecurityPolicy: consoleCsp(),
      runtimeFiles: { 'config.json': LOCAL_CONSOLE_CONFIG },
      rebase: true,
    });
    const gateway = new LocalGateway({
      outboxDir,
      simulateSourceIp: options.simulateSourceIp,
      sites: [portal, consoleSite],
      // Every sign-in at the local issuer, and every failed one, is an audit event.
      userStore: auditedSignIns(consoleUsers, repositories.audit),
      exports: { dir: join(dataDir, 'exports'), signingKey: process.env.EXPORT_SIGNING_KEY as string },
      pushPage: new PushPage([oktaVerify, duo]),
    });
    await gateway.listen(servers.gateway);
    stoppers.push(() => gateway.stop());
    if (options.streamConsumers !== false) {
      const streams = new LocalStreams(client, dynamodbEndpoint, tableName);
      streams.start();
      stoppers.push(() => streams.stop());
    }

    // The ITSMs read their webhook settings on every delivery, as a real instance reads its own
    // configuration: connections and secrets can change while the stack runs.
    const currentSecret = (name: string) => {
      const current = JSON.parse(readFileSync(secretsFile, 'utf8')) as Record<string, string>;
      return (JSON.parse(current[name] ?? '[""]') as string[])[0] ?? '';
    };
    const webhookBaseUrl = `${apiUrl}/webhooks`;
    const retryDelaysMs = options.deskRetryDelaysMs;
    const desk = new TicketDesk({
      credentials: secrets[secretNames.outboundCredentials('local-desk')] as string,
      webhookBaseUrl,
      webhookSecret: (id) => currentSecret(secretNames.webhookSecrets(id)),
      defaultConnectionId: 'local-desk',
      dataFile: join(dataDir, 'ticket-desk.json'),
      retryDelaysMs,
    });
    await desk.listen(servers.desk);
    stoppers.push(() => desk.stop());
    const servicenow = new ServiceNowSimulator({
      credentials: secrets[secretNames.outboundCredentials('servicenow-dev')] as string,
      webhookBaseUrl,
      webhookSecret: (id) => currentSecret(secretNames.webhookSecrets(id)),
      defaultConnectionId: 'servicenow-dev',
      dataFile: join(dataDir, 'servicenow.json'),
      retryDelaysMs,
    });
    await servicenow.listen(servers.servicenow);
    stoppers.push(() => servicenow.stop());
    const changegear = new ChangeGearSimulator({
      credentials: secrets[secretNames.outboundCredentials('changegear-dev')] as string,
      webhookBaseUrl,
      webhookCredentials: (id) => currentSecret(secretNames.webhookSecrets(id)),
      defaultConnectionId: 'changegear-dev',
      dataFile: join(dataDir, 'changegear.json'),
      retryDelaysMs,
    });
    await changegear.listen(servers.changegear);
    stoppers.push(() => changegear.stop());

    return {
      urls: {
        api: apiUrl,
        ...itsmUrls,
        inbox: `${apiUrl}/_dev/inbox`,
        push: `${apiUrl}/_dev/push`,
        ...pushUrls,
        stepFunctions: stepFunctionsUrl,
        dynamodb: dynamodbEndpoint,
      },
      tableName,
      resumed,
      desk,
      servicenow,
      changegear,
      oktaVerify,
      duo,
      gateway,
      stepFunctions,
      repositories,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The local Step Functions endpoint keeps executions in memory, so stopping the stack ends them.
 * On start, every verification of the last month whose lifecycle had not finished gets a new
 * execution: SendLink and ticket writes already made are skipped, a finished verification is
 * picked up by AwaitCompletion at once, an open one waits out the rest of its link lifetime.
 */
async function resumeLifecycles(verifications: Verifications, stepFunctions: LocalStepFunctions) {
  const monthAgo = new Date(Date.now() - 31 * 86_400_000);
  const unfinished = (await verifications.listVerificationsSince(monthAgo)).filter(
    (v) =>
      v.status !== 'cancelled' &&
      (!isFinal(v.status) ||
        v.writeBack.state === 'pending' ||
        ['pending', 'running'].includes(v.action.state)),
  );
  for (const v of unfinished) {
    const remaining = Math.ceil((Date.parse(v.linkExpiresAt) - Date.now()) / 1000);
    const input = { verificationId: v.verificationId, linkLifetimeSeconds: Math.max(1, remaining) };
    stepFunctions.startExecution(v.verificationId, JSON.stringify(input));
  }
  return unfinished.length;
}
