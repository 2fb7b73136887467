/**
 * The single table: its shape here is the one source for CDK (infra/stateful-stack.ts) and for
 * the local stack (local/dynamodb-local.ts).
 *
 * Access patterns and the keys that serve them:
 *
 * | pattern                                        | key                                                           |
 * |------------------------------------------------|---------------------------------------------------------------|
 * | connection by id                               | pk=CONN#<connectionId>            sk=CONN                     |
 * | ticket by (connection, external id), intake    | pk=TICKET#<connectionId>#<ticketId> sk=TICKET (conditional put)|
 * | verifications of a ticket                      | GSI2 gsi2pk=TICKET#<connectionId>#<ticketId> gsi2sk=<createdAt> |
 * | verification by id                             | pk=VER#<verificationId>            sk=VER                     |
 * | verifications newest first                     | GSI1 gsi1pk=VERS#<yyyy-mm> gsi1sk=<createdAt>#<id>, desc      |
 * | link token by hash                             | pk=LINK#<sha256>                   sk=LINK (TTL at expiry)    |
 * | signed webhook delivery seen (replay guard)    | pk=DELIVERY#<sha256 of signature>  sk=DELIVERY (TTL 10 min)   |
 * | audit events of a verification, in order       | pk=VER#<verificationId>            sk begins_with AUDIT#      |
 * | transcript of a verification                   | pk=VER#<verificationId>            sk=TRANSCRIPT (TTL)        |
 * | audit events by time                           | GSI1 gsi1pk=AUDIT#<yyyy-mm-dd> gsi1sk=<at>#<eventId>          |
 * | directory user by id (local directory only)    | pk=DIRUSER#<userId>                sk=PROFILE                 |
 * | directory user by email                        | GSI1 gsi1pk=DIREMAIL#<email>       gsi1sk=PROFILE             |
 * | all directory users (decoys; a few hundred)    | GSI2 gsi2pk=DIRALL                  gsi2sk=<userId>           |
 * | a directory user's password (local only)      | pk=DIRUSER#<userId>                sk=PASSWORD                |
 * | attempts per source or link in a window         | pk=ATTEMPTS#<key>#<window start>   sk=ATTEMPTS (TTL)          |
 * | last country a person connected from           | pk=DIRUSER#<userId>                sk=SIGHTING (TTL 90 d)      |
 * | devices known for a person (HMAC)              | pk=DIRUSER#<userId>                sk=DEVICE#<hmac> (TTL 180 d) |
 * | current Tor exit addresses (refreshed)         | pk=TOREXITS                        sk=LIST                    |
 * | console: verifications by status, newest first | GSI3 gsi3pk=VSTATUS#<status>       gsi1sk=<createdAt>#<id>    |
 * | console: verifications by risk level (assessed)| GSI4 gsi4pk=VRISK#<level>          gsi1sk=<createdAt>#<id>    |
 * | console: verifications by category             | GSI5 gsi5pk=VCAT#<category>        gsi1sk=<createdAt>#<id>    |
 * | console: verifications by agent                | GSI6 gsi6pk=VAGENT#<username>      gsi1sk=<createdAt>#<id>    |
 * | console: audit events by actor                 | GSI6 gsi6pk=AACTOR#<actor>         gsi1sk=<at>#<eventId>      |
 * | console: search (ticket number, requester)     | pk=VSEARCH#<term>                  sk=<createdAt>#<id> (TTL)  |
 * | console: dashboard totals by day               | pk=AGG                             sk=<yyyy-mm-dd>            |
 * | console: dashboard details by day and by month | pk=AGGD sk=<yyyy-mm-dd>; pk=AGGM   sk=<yyyy-mm>               |
 * | console: a change already counted (idempotence)| pk=AGGMARK#<verificationId>        sk=<change> (TTL)          |
 * | console: export jobs                           | pk=EXPORT#<exportId>               sk=EXPORT (TTL 7 d)        |
 * | console: all connections (settings)            | GSI2 gsi2pk=CONNALL                gsi2sk=<connectionId>      |
 * | console: users (local issuer only)             | pk=CONSOLEUSER#<username>          sk=USER; GSI2 gsi2pk=CONSOLEUSERS |
 *
 * Monthly and daily partitions on GSI1 keep the newest-first listings on bounded partitions
 * without a Scan. The console's filter indexes (GSI3-6) share GSI1's sort key, so every listing
 * is newest first and a date range is a key condition; GSI4 is sparse (only assessed
 * verifications carry gsi4pk). Every item carries `expiresAtEpoch` where retention applies (TTL).
 * The table's stream (new and old images) feeds the dashboard aggregates and the export jobs.
 */
export const TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAtEpoch',
  indexes: [
    { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
    { indexName: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi1sk' },
    { indexName: 'gsi4', partitionKey: 'gsi4pk', sortKey: 'gsi1sk' },
    { indexName: 'gsi5', partitionKey: 'gsi5pk', sortKey: 'gsi1sk' },
    { indexName: 'gsi6', partitionKey: 'gsi6pk', sortKey: 'gsi1sk' },
  ],
  /** Feeds the dashboard aggregates and the export jobs (console-aggregate, console-export-run). */
  stream: 'NEW_AND_OLD_IMAGES',
} as const;

/** All key attributes are strings (each once: several indexes share a sort key). */
export const KEY_ATTRIBUTES = [
  ...new Set([
    TABLE.partitionKey,
    TABLE.sortKey,
    ...TABLE.indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
  ]),
];

const KEY_NAMES = new Set<string>(KEY_ATTRIBUTES);

/** An item without the table's and the indexes' key attributes: what was stored. */
export function strip<T>(item: Record<string, unknown>): T;
export function strip<T>(item: Record<string, unknown> | undefined): T | undefined;
export function strip<T>(item: Record<string, unknown> | undefined): T | undefined {
  if (!item) return undefined;
  return Object.fromEntries(Object.entries(item).filter(([k]) => !KEY_NAMES.has(k))) as T;
}

export const keys = {
  connection: (connectionId: string) => ({ pk: `CONN#${connectionId}`, sk: 'CONN' }),
  ticket: (connectionId: string, ticketId: string) => ({
    pk: `TICKET#${connectionId}#${ticketId}`,
    sk: 'TICKET',
  }),
  ticketVerifications: (connectionId: string, ticketId: string) => `TICKET#${connectionId}#${ticketId}`,
  verification: (verificationId: string) => ({ pk: `VER#${verificationId}`, sk: 'VER' }),
  transcript: (verificationId: string) => ({ pk: `VER#${verificationId}`, sk: 'TRANSCRIPT' }),
  verificationsMonth: (isoTimestamp: string) => `VERS#${isoTimestamp.slice(0, 7)}`,
  linkToken: (tokenHash: string) => ({ pk: `LINK#${tokenHash}`, sk: 'LINK' }),
  webhookDelivery: (signatureHash: string) => ({ pk: `DELIVERY#${signatureHash}`, sk: 'DELIVERY' }),
  auditDay: (isoTimestamp: string) => `AUDIT#${isoTimestamp.slice(0, 10)}`,
  directoryUser: (userId: string) => ({ pk: `DIRUSER#${userId}`, sk: 'PROFILE' }),
  directoryPassword: (userId: string) => ({ pk: `DIRUSER#${userId}`, sk: 'PASSWORD' }),
  directoryEmail: (email: string) => `DIREMAIL#${email.toLowerCase()}`,
  directoryAll: 'DIRALL',
  sighting: (userId: string) => ({ pk: `DIRUSER#${userId}`, sk: 'SIGHTING' }),
  torExits: { pk: 'TOREXITS', sk: 'LIST' },
  knownDevice: (userId: string, deviceHmac: string) => ({
    pk: `DIRUSER#${userId}`,
    sk: `DEVICE#${deviceHmac}`,
  }),
  byStatus: (status: string) => `VSTATUS#${status}`,
  byRisk: (level: string) => `VRISK#${level}`,
  byCategory: (category: string) => `VCAT#${category}`,
  byAgent: (agent: string) => `VAGENT#${agent}`,
  auditByActor: (actor: string) => `AACTOR#${actor}`,
  search: (term: string) => `VSEARCH#${term}`,
  aggregateDay: (day: string) => ({ pk: 'AGG', sk: day }),
  aggregateDayDetail: (day: string) => ({ pk: 'AGGD', sk: day }),
  aggregateMonthDetail: (month: string) => ({ pk: 'AGGM', sk: month }),
  aggregateMark: (verificationId: string, change: string) => ({
    pk: `AGGMARK#${verificationId}`,
    sk: change,
  }),
  exportJob: (exportId: string) => ({ pk: `EXPORT#${exportId}`, sk: 'EXPORT' }),
  allConnections: 'CONNALL',
  consoleUser: (username: string) => ({ pk: `CONSOLEUSER#${username}`, sk: 'USER' }),
  allConsoleUsers: 'CONSOLEUSERS',
  /** When a Cognito console user's sessions were last ended (the table's users carry it themselves). */
  consoleSessionMark: (username: string) => ({ pk: `CONSOLEUSER#${username}`, sk: 'SESSIONS' }),
};

/** The DynamoDB CreateTable shape, for the local stack and tests. */
export function createTableInput(tableName: string) {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: KEY_ATTRIBUTES.map((name) => ({
      AttributeName: name,
      AttributeType: 'S' as const,
    })),
    KeySchema: [
      { AttributeName: TABLE.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: TABLE.sortKey, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: TABLE.indexes.map((i) => ({
      IndexName: i.indexName,
      KeySchema: [
        { AttributeName: i.partitionKey, KeyType: 'HASH' as const },
        { AttributeName: i.sortKey, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'ALL' as const },
    })),
    StreamSpecification: { StreamEnabled: true, StreamViewType: TABLE.stream },
  };
}
