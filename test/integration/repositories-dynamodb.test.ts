/** The repositories contract against DynamoDB Local, on a fresh table made from the one definition. */
import { ulid } from 'ulid';
import { beforeAll, inject } from 'vitest';
import { ensureTable, localDynamoClient } from '../../local/dynamodb-local.js';
import { dynamoDbRepositories } from '../../shared/adapters/dynamodb/repositories.js';
import { describeRepositoriesContract } from '../contract/repositories.js';

const client = localDynamoClient(inject('dynamodbEndpoint'));
const tableName = `contract-${ulid().toLowerCase()}`;

beforeAll(async () => {
  await ensureTable(client, tableName);
});

describeRepositoriesContract('DynamoDB', ({ now }) => dynamoDbRepositories({ tableName, client, now }));
