/**
 * The composition root: one factory per port, each building its adapter from configuration once
 * per cold start. A handler composes only the ports its use case needs, so its bundle carries only
 * those AWS clients. Handlers never construct clients or branch on where they run.
 */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { CognitoConsoleUsers } from './adapters/cognito-users.js';
import { EntraDirectory } from './adapters/directory/entra.js';
import { OktaDirectory } from './adapters/directory/okta.js';
import { DynamoDbConsoleQueries } from './adapters/dynamodb/console-queries.js';
import { DynamoDbConsoleUsers, DynamoDbSessionMarks } from './adapters/dynamodb/console-users.js';
import { DynamoDbDirectory } from './adapters/dynamodb/directory.js';
import { dynamoDbRepositories } from './adapters/dynamodb/repositories.js';
import { reportTableUnavailable } from './adapters/dynamodb/unreachable.js';
import { LocalExportFiles, S3ExportFiles } from './adapters/export-files.js';
import { dataAge as ipDataAge, lookup as lookupIp, preloadIpData } from './adapters/ip-data.js';
import { ChangeGearTicketSystem } from './adapters/itsm/changegear.js';
import { LocalTicketSystem } from './adapters/itsm/local-ticket-system.js';
import { ServiceNowTicketSystem } from './adapters/itsm/servicenow.js';
import { AwsMessenger, OutboxMessenger } from './adapters/messengers.js';
import { FileSecretWriter, SecretsManagerSecretWriter } from './adapters/secret-writer.js';
import { FileSecrets, SecretsManagerSecrets } from './adapters/secrets.js';
import { StepFunctionsWorkflow } from './adapters/sfn-workflow.js';
import { type Config, loadConfig } from './config.js';
import type { Connection } from './domain/model/connection.js';
import { tracer } from './http/observability.js';
import type { Clock } from './ports/clock.js';
import type { ConsoleQueries } from './ports/console-queries.js';
import type { ConsoleUsers } from './ports/console-users.js';
import type { AppContext, Ctx, Repositories } from './ports/context.js';
import type { Directory } from './ports/directory.js';
import type { ExportFiles } from './ports/export-files.js';
import type { IpIntelligence } from './ports/ip-intelligence.js';
import type { Messenger } from './ports/messenger.js';
import { type Secrets, type SecretWriter, secretNames } from './ports/secrets.js';
import type { TicketSystem, TicketSystems } from './ports/ticket-system.js';
import type { Workflow } from './ports/workflow.js';
import { loadConsoleConfig, required } from './use-cases/console/config.js';

/** Every AWS SDK call gets an X-Ray subsegment (a no-op outside Lambda: see http/observability.ts). */
const traced = <C extends object>(client: C): C => tracer.captureAWSv3Client(client);

function once<T>(build: (config: Config) => T): (config: Config) => T {
  let built: T | undefined;
  return (config) => {
    built ??= build(config);
    return built;
  };
}

const dynamo = /* @__PURE__ */ once((config) =>
  reportTableUnavailable(
    traced(new DynamoDBClient({ region: config.AWS_REGION, endpoint: config.DYNAMODB_ENDPOINT })),
  ),
);

/** The table's repositories, sharing one client (one per cold start). */
const repositories = /* @__PURE__ */ once<Repositories>((config) =>
  dynamoDbRepositories({ tableName: config.TABLE_NAME, client: dynamo(config) }),
);
export const verifications = (config: Config) => repositories(config).verifications;
export const tickets = (config: Config) => repositories(config).tickets;
export const connections = (config: Config) => repositories(config).connections;
export const linkTokens = (config: Config) => repositories(config).linkTokens;
export const counters = (config: Config) => repositories(config).counters;
export const people = (config: Config) => repositories(config).people;
export const torExits = (config: Config) => repositories(config).torExits;
export const audit = (config: Config) => repositories(config).audit;

export const directory = /* @__PURE__ */ once<Directory>((config) => {
  const credentials = () => secrets(config).get(secretNames.directoryCredentials);
  switch (config.DIRECTORY) {
    case 'entra':
      return new EntraDirectory({ tenantId: config.ENTRA_TENANT_ID as string, credentials });
    case 'okta':
      return new OktaDirectory({ orgUrl: config.OKTA_ORG_URL as string, credentials });
    default:
      return new DynamoDbDirectory({ tableName: config.TABLE_NAME, client: dynamo(config) });
  }
});

export const secrets = /* @__PURE__ */ once<Secrets>((config) =>
  config.SECRETS === 'file'
    ? new FileSecrets(config.SECRETS_FILE as string)
    : new SecretsManagerSecrets(
        traced(new SecretsManagerClient({ region: config.AWS_REGION })),
        config.SECRETS_PREFIX,
      ),
);

/**
 * One adapter per connection, kept while the connection's settings are unchanged, so OAuth tokens
 * and ChangeGear sessions are reused across invocations of a warm function.
 */
export const ticketSystems = /* @__PURE__ */ once<TicketSystems>((config) => {
  const secretStore = secrets(config);
  const built = new Map<string, { settings: string; system: TicketSystem }>();
  const create = (connection: Connection): TicketSystem => {
    const credentials = () => secretStore.get(secretNames.outboundCredentials(connection.connectionId));
    switch (connection.type) {
      case 'local':
        return new LocalTicketSystem(connection.connectionId, connection.baseUrl, credentials);
      case 'servicenow':
        return new ServiceNowTicketSystem(connection, credentials);
      case 'changegear':
        return new ChangeGearTicketSystem(connection, credentials);
    }
  };
  return {
    forConnection: (connection) => {
      const settings = JSON.stringify(connection);
      const cached = built.get(connection.connectionId);
      if (cached?.settings === settings) return cached.system;
      const system = create(connection);
      built.set(connection.connectionId, { settings, system });
      return system;
    },
  };
});

export const messenger = /* @__PURE__ */ once<Messenger>((config) =>
  config.MESSENGER === 'outbox'
    ? new OutboxMessenger(config.OUTBOX_DIR as string)
    : new AwsMessenger(
        traced(new SESv2Client({ region: config.AWS_REGION })),
        traced(new SNSClient({ region: config.AWS_REGION })),
        config.EMAIL_FROM,
        config.SMS_SENDER_ID,
      ),
);

export const workflow = /* @__PURE__ */ once<Workflow>(
  (config) =>
    new StepFunctionsWorkflow(
      traced(new SFNClient({ region: config.AWS_REGION, endpoint: config.SFN_ENDPOINT })),
      config.STATE_MACHINE_ARN,
    ),
);

/**
 * Offline IP data, loaded when a handler composes it: during the cold start (Lambda's INIT phase),
 * not in the first request.
 */
export const ipIntel = /* @__PURE__ */ once<IpIntelligence>(() => {
  preloadIpData();
  return { lookup: lookupIp, dataAgeDays: (now) => ipDataAge(now).days };
});

// ---- Console (issue 6) -----------------------------------------------------------------------

export const consoleQueries = /* @__PURE__ */ once<ConsoleQueries>(
  (config) => new DynamoDbConsoleQueries({ tableName: config.TABLE_NAME, client: dynamo(config) }),
);

export const exportFiles = /* @__PURE__ */ once<ExportFiles>((config) => {
  const c = loadConsoleConfig();
  const local = 'with EXPORT_FILES=local';
  return c.EXPORT_FILES === 'local'
    ? new LocalExportFiles(
        required(c, 'EXPORT_DIR', local),
        required(c, 'EXPORT_URL_BASE', local),
        required(c, 'EXPORT_SIGNING_KEY', local),
      )
    : new S3ExportFiles(
        traced(new S3Client({ region: config.AWS_REGION })),
        required(c, 'EXPORT_BUCKET', 'with EXPORT_FILES=s3'),
      );
});

export const consoleUsers = /* @__PURE__ */ once<ConsoleUsers>((config) => {
  const c = loadConsoleConfig();
  return c.CONSOLE_USERS === 'table'
    ? new DynamoDbConsoleUsers({ tableName: config.TABLE_NAME, client: dynamo(config) })
    : new CognitoConsoleUsers(
        traced(new CognitoIdentityProviderClient({ region: config.AWS_REGION })),
        required(c, 'USER_POOL_ID', 'with CONSOLE_USERS=cognito'),
        new DynamoDbSessionMarks({ tableName: config.TABLE_NAME, client: dynamo(config) }),
      );
});

export const secretWriter = /* @__PURE__ */ once<SecretWriter>((config) =>
  config.SECRETS === 'file'
    ? new FileSecretWriter(config.SECRETS_FILE as string)
    : new SecretsManagerSecretWriter(
        traced(new SecretsManagerClient({ region: config.AWS_REGION })),
        config.SECRETS_PREFIX,
      ),
);

const systemClock: Clock = { now: () => new Date() };

type Factories = { [K in Exclude<keyof AppContext, 'config' | 'clock'>]?: (config: Config) => AppContext[K] };

/**
 * Builds a handler's context at module load (cold start): configuration validated from
 * `process.env`, then the given factories, e.g. `compose({ store, workflow })`.
 */

export function compose<F extends Factories>(
  factories: F,
  config: Config = loadConfig(),
): Ctx<Extract<keyof F, keyof AppContext>> {
  const built = Object.fromEntries(
    Object.entries(factories).map(([name, factory]) => [name, (factory as (c: Config) => unknown)(config)]),
  );
  return { config, clock: systemClock, ...built } as Ctx<Extract<keyof F, keyof AppContext>>;
}
