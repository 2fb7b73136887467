/**
 * The composition root: builds every adapter from configuration once per cold start. Handlers ask
 * for the context and never construct clients or branch on where they run.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDbDirectory } from './adapters/dynamodb/directory.js';
import { DynamoDbVerificationStore } from './adapters/dynamodb/store.js';
import { LocalTicketSystem } from './adapters/local-ticket-system.js';
import { AwsMessenger, OutboxMessenger } from './adapters/messengers.js';
import { FileSecrets, SecretsManagerSecrets, secretNames } from './adapters/secrets.js';
import { StepFunctionsWorkflow } from './adapters/sfn-workflow.js';
import { type Config, loadConfig } from './config.js';
import type {
  Clock,
  Directory,
  Messenger,
  Secrets,
  TicketSystems,
  VerificationStore,
  Workflow,
} from './ports.js';

export interface AppContext {
  config: Config;
  store: VerificationStore;
  directory: Directory;
  ticketSystems: TicketSystems;
  messenger: Messenger;
  workflow: Workflow;
  secrets: Secrets;
  clock: Clock;
}

export function buildContext(config: Config): AppContext {
  const region = config.AWS_REGION;
  const dynamo = new DynamoDBClient({ region, endpoint: config.DYNAMODB_ENDPOINT });
  const secrets: Secrets =
    config.SECRETS === 'file'
      ? new FileSecrets(config.SECRETS_FILE as string)
      : new SecretsManagerSecrets(new SecretsManagerClient({ region }), config.SECRETS_PREFIX);
  const messenger: Messenger =
    config.MESSENGER === 'outbox'
      ? new OutboxMessenger(config.OUTBOX_DIR as string)
      : new AwsMessenger(
          new SESv2Client({ region }),
          new SNSClient({ region }),
          config.EMAIL_FROM,
          config.SMS_SENDER_ID,
        );
  return {
    config,
    store: new DynamoDbVerificationStore({ tableName: config.TABLE_NAME, client: dynamo }),
    directory: new DynamoDbDirectory({ tableName: config.TABLE_NAME, client: dynamo }),
    ticketSystems: {
      forConnection: (connection) =>
        new LocalTicketSystem(connection.connectionId, connection.baseUrl, () =>
          secrets.get(secretNames.outboundCredentials(connection.connectionId)),
        ),
    },
    messenger,
    workflow: new StepFunctionsWorkflow(
      new SFNClient({ region, endpoint: config.SFN_ENDPOINT }),
      config.STATE_MACHINE_ARN,
    ),
    secrets,
    clock: { now: () => new Date() },
  };
}

let context: AppContext | undefined;

/** The process-wide context, built on first use from `process.env`. */
export function appContext(): AppContext {
  context ??= buildContext(loadConfig());
  return context;
}
