/**
 * One DynamoDB Local (in memory) for the whole run, shared by the integration projects and the
 * browser tests (their global setups run in the one vitest process); each stack gets its own
 * table. The files of the `integration` project share one in-process stack per worker
 * (harness.ts `sharedHarness`); those of `integration-isolated` start their own.
 */
import type { TestProject } from 'vitest/node';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../local/dynamodb-local.js';
import { freePort } from '../../local/ports.js';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
  }
}

interface Shared {
  ddb: Promise<DynamoDbLocal>;
  users: number;
}

/** On globalThis: each project may load this module on its own, but the process is one. */
const KEY = Symbol.for('helpdesk-verify.test.dynamodb-local');
const holder = globalThis as { [KEY]?: Shared };

export default async function setup(project: TestProject) {
  holder[KEY] ??= { ddb: freePort().then((port) => startDynamoDbLocal(port)), users: 0 };
  const shared = holder[KEY];
  shared.users++;
  const ddb = await shared.ddb;
  project.provide('dynamodbEndpoint', ddb.endpoint);
  return async () => {
    shared.users--;
    if (shared.users > 0) return;
    delete holder[KEY];
    await ddb.stop();
  };
}
