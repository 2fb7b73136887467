/**
 * One DynamoDB Local (in memory) for the whole integration run; each test file gets its own table
 * and its own in-process stack (gateway, Step Functions endpoint, ticket desk).
 */
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../local/dynamodb-local.js';
import { freePort } from '../../local/ports.js';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
  }
}

export default async function setup(project: TestProject) {
  const ddb = await startDynamoDbLocal(await freePort());
  project.provide('dynamodbEndpoint', ddb.endpoint);
  return () => ddb.stop();
}
