/**
 * `npm run connections -- put <file.json> --table <name>`: registers or updates an ITSM
 * connection in the deployed table (validated, defaults filled) and prints the secrets to create.
 * `npm run connections -- get <connectionId> --table <name>` shows one. Uses the AWS credentials
 * and region of the shell; `--endpoint` points at DynamoDB Local instead.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dynamoDbRepositories } from '../shared/adapters/dynamodb/repositories.js';
import { parseConnection } from '../shared/domain/connections.js';
import { inboundAuth } from '../shared/domain/deliveries.js';
import type { Connection } from '../shared/domain/model/connection.js';
import { secretNames } from '../shared/ports/secrets.js';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    table: { type: 'string' },
    endpoint: { type: 'string' },
    prefix: { type: 'string', default: 'helpdesk-verify/' },
  },
});
const [command, argument] = positionals;
if (!values.table || !command || !argument || !['put', 'get'].includes(command)) {
  console.error(
    'Usage: npm run connections -- put <file.json> | get <connectionId> --table <TableName> [--endpoint URL]',
  );
  process.exit(2);
}
const { connections } = dynamoDbRepositories({
  tableName: values.table,
  client: new DynamoDBClient({ endpoint: values.endpoint }),
});

function secretsToCreate(connection: Connection): string[] {
  const id = connection.connectionId;
  const inbound =
    inboundAuth(connection) === 'basic'
      ? 'a JSON array of the "user:password" values the ITSM webhook may send, newest first'
      : 'a JSON array of webhook signing secrets (at least 32 random bytes each), newest first';
  const outbound =
    connection.type === 'servicenow' && connection.outboundAuth === 'oauth'
      ? '{"clientId":"...","clientSecret":"..."} of the OAuth application'
      : '"user:password" of the integration user';
  return [
    `${values.prefix}${secretNames.webhookSecrets(id)}: ${inbound}`,
    `${values.prefix}${secretNames.outboundCredentials(id)}: ${outbound}`,
  ];
}

if (command === 'get') {
  const connection = await connections.getConnection(argument);
  console.log(connection ? JSON.stringify(connection, null, 2) : `No connection ${argument}`);
  process.exit(connection ? 0 : 1);
}
const parsed = parseConnection(JSON.parse(readFileSync(argument, 'utf8')));
if (!parsed.ok) {
  console.error(`Invalid connection:\n  ${parsed.issues.join('\n  ')}`);
  process.exit(1);
}
await connections.putConnection(parsed.connection);
console.log(`Saved connection ${parsed.connection.connectionId} (${parsed.connection.type}).`);
console.log('Make sure these secrets exist in Secrets Manager (values are never stored in the table):');
for (const line of secretsToCreate(parsed.connection)) console.log(`  ${line}`);
