/**
 * DynamoDB Local: the official jar shipped inside the amplify-dynamodb-simulator npm package,
 * run with the machine's Java (17+). Tables are created from the shared table definition.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { createTableInput, TABLE } from '../shared/adapters/dynamodb/table.js';
import { assertPortFree, StartupError, waitForPort } from './ports.js';

const require = createRequire(import.meta.url);
const emulatorDir = join(dirname(require.resolve('amplify-dynamodb-simulator/package.json')), 'emulator');

export function checkJava(): void {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new StartupError(
      'Java was not found. DynamoDB Local needs Java 17 or newer: install it (Debian: apt-get install openjdk-17-jre-headless) and try again.',
    );
  }
}

export interface DynamoDbLocal {
  endpoint: string;
  /** The java process. */
  pid: number | undefined;
  stop(): Promise<void>;
}

/** How long DynamoDB Local gets to stop on SIGTERM before it is killed. */
const STOP_GRACE_MS = 5_000;

const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

/** Starts DynamoDB Local on `port`, persisting under `dataDir` (or in memory when omitted). */
export async function startDynamoDbLocal(port: number, dataDir?: string): Promise<DynamoDbLocal> {
  checkJava();
  await assertPortFree(port, 'DynamoDB Local');
  const storage = dataDir ? ['-dbPath', dataDir] : ['-inMemory'];
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const child: ChildProcess = spawn(
    'java',
    [
      `-Djava.library.path=${join(emulatorDir, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(emulatorDir, 'DynamoDBLocal.jar'),
      '-sharedDb',
      // It would otherwise report usage to AWS.
      '-disableTelemetry',
      '-port',
      String(port),
      ...storage,
    ],
    // With the variable it does not even write its telemetry metadata file into the working directory.
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, DDB_LOCAL_TELEMETRY: '0' } },
  );
  // Whatever ends this process (a crash, process.exit, an unhandled error) ends the java process
  // too: 'exit' handlers run synchronously, and a kill is synchronous.
  const killOnExit = () => {
    if (!exited(child)) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  child.once('exit', () => process.removeListener('exit', killOnExit));
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-2000);
  });
  const failedToStart = new Promise<never>((_, reject) =>
    child.once('exit', (code, signal) =>
      reject(new StartupError(`DynamoDB Local exited (${code ?? signal}): ${stderr.trim()}`)),
    ),
  );
  failedToStart.catch(() => undefined);
  try {
    await Promise.race([waitForPort(port, 30_000), failedToStart]);
  } catch (error) {
    killOnExit();
    throw error;
  }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    pid: child.pid,
    // A child killed by a signal has a signalCode and no exitCode: it has exited all the same.
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited(child)) return resolve();
        const force = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
        child.once('exit', () => {
          clearTimeout(force);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

export function localDynamoClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

/**
 * Creates the table from the shared definition unless it exists; a table kept from an older
 * definition gets the indexes and the stream it lacks (one index per update, as DynamoDB requires).
 */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<'created' | 'exists'> {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const wanted = createTableInput(tableName);
    const present = new Set((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
    for (const index of wanted.GlobalSecondaryIndexes.filter((i) => !present.has(i.IndexName))) {
      await client.send(
        new UpdateTableCommand({
          TableName: tableName,
          AttributeDefinitions: wanted.AttributeDefinitions,
          GlobalSecondaryIndexUpdates: [{ Create: index }],
        }),
      );
    }
    if (!Table?.StreamSpecification?.StreamEnabled) {
      await client.send(
        new UpdateTableCommand({ TableName: tableName, StreamSpecification: wanted.StreamSpecification }),
      );
    }
    return 'exists';
  } catch (error) {
    if ((error as Error).name !== 'ResourceNotFoundException') throw error;
  }
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true },
    }),
  );
  return 'created';
}
