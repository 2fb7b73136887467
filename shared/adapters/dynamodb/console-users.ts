/**
 * Console users in the table, for the local stack: the local issuer (local/gateway.ts) checks
 * passwords against these items (scrypt, per-user salt), so a user added in Settings can sign in.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { NotFound, StateConflict } from '../../domain/errors.js';
import type { Role } from '../../domain/model/principal.js';
import type { ConsoleUserRecord, ConsoleUsers } from '../../ports/console-users.js';
import { keys } from './table.js';

const scrypt = promisify(scryptCb) as (p: string, s: Buffer, n: number) => Promise<Buffer>;

interface UserItem extends ConsoleUserRecord {
  salt: string;
  hash: string;
}

const view = (item: Record<string, unknown>): ConsoleUserRecord => {
  const u = item as unknown as UserItem;
  return {
    username: u.username,
    email: u.email,
    roles: u.roles,
    enabled: u.enabled,
    status: u.status,
    createdAt: u.createdAt,
    ...(u.sessionsEndedAt ? { sessionsEndedAt: u.sessionsEndedAt } : {}),
  };
};

export class DynamoDbConsoleUsers implements ConsoleUsers {
  private readonly doc: DynamoDBDocumentClient;
  private readonly table: string;

  constructor(options: { tableName: string; client: DynamoDBClient }) {
    this.doc = DynamoDBDocumentClient.from(options.client, {
      marshallOptions: { removeUndefinedValues: true },
    });
    this.table = options.tableName;
  }

  async list(): Promise<ConsoleUserRecord[]> {
    const users: ConsoleUserRecord[] = [];
    const pages = paginateQuery(
      { client: this.doc },
      {
        TableName: this.table,
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.allConsoleUsers },
      },
    );
    for await (const page of pages) users.push(...(page.Items ?? []).map(view));
    return users;
  }

  async get(username: string): Promise<ConsoleUserRecord | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: keys.consoleUser(username), ConsistentRead: true }),
    );
    return out.Item ? view(out.Item) : undefined;
  }

  /** Adds a user with a known password unless the username exists (the local seed). */
  async seed(user: { username: string; password: string; roles: readonly Role[] }): Promise<void> {
    await this.put({ username: user.username, roles: [...user.roles] }, user.password).catch(
      (error: unknown) => {
        if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      },
    );
  }

  async create(input: { username: string; email: string; roles: Role[] }) {
    // Cognito emails a temporary password; locally it is shown once to the admin who made the user.
    const temporaryPassword = randomBytes(18).toString('base64url');
    try {
      const user = await this.put(input, temporaryPassword);
      return { user, temporaryPassword };
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException')
        throw new StateConflict('USER_EXISTS', 'That username is taken');
      throw error;
    }
  }

  async update(username: string, patch: { roles?: Role[]; enabled?: boolean }) {
    const set = Object.entries(patch).filter(([, v]) => v !== undefined);
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.consoleUser(username),
          UpdateExpression: `SET ${set.map((_, i) => `#a${i} = :v${i}`).join(', ')}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: Object.fromEntries(set.map(([k], i) => [`#a${i}`, k])),
          ExpressionAttributeValues: Object.fromEntries(
            set.map(([, v], i) => [`:v${i}`, Array.isArray(v) ? [...new Set(v)] : v]),
          ),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return view(out.Attributes ?? {});
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException')
        throw new NotFound('USER_NOT_FOUND', 'No such console user');
      throw error;
    }
  }

  async endSessions(username: string, at: Date): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.consoleUser(username),
          UpdateExpression: 'SET sessionsEndedAt = :at',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':at': at.toISOString() },
        }),
      );
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException')
        throw new NotFound('USER_NOT_FOUND', 'No such console user');
      throw error;
    }
  }

  /** The user's roles if the password is right and the user enabled; undefined otherwise (same time either way). */
  async verifyPassword(username: string, password: string): Promise<Role[] | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: keys.consoleUser(username) }),
    );
    const item = out.Item as UserItem | undefined;
    const salt = item ? Buffer.from(item.salt, 'base64') : randomBytes(16);
    const candidate = await scrypt(password, salt, 32);
    const hash = item ? Buffer.from(item.hash, 'base64') : randomBytes(32);
    const ok = timingSafeEqual(candidate, hash);
    return ok && item?.enabled ? item.roles : undefined;
  }

  private async put(input: { username: string; email?: string; roles: Role[] }, password: string) {
    const salt = randomBytes(16);
    const user: ConsoleUserRecord = {
      username: input.username,
      email: input.email,
      roles: [...new Set(input.roles)],
      enabled: true,
      status: 'CONFIRMED',
      createdAt: new Date().toISOString(),
    };
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...keys.consoleUser(input.username),
          gsi2pk: keys.allConsoleUsers,
          gsi2sk: input.username,
          ...user,
          salt: salt.toString('base64'),
          hash: (await scrypt(password, salt, 32)).toString('base64'),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return user;
  }
}

/**
 * When each Cognito user's sessions were last ended, kept in the table (Cognito's global sign-out
 * revokes refresh tokens, but ID tokens stay valid for the API Gateway authorizer until they
 * expire): the console refuses tokens issued until then.
 */
export class DynamoDbSessionMarks {
  private readonly doc: DynamoDBDocumentClient;
  private readonly table: string;

  constructor(options: { tableName: string; client: DynamoDBClient }) {
    this.doc = DynamoDBDocumentClient.from(options.client);
    this.table = options.tableName;
  }

  async get(username: string): Promise<string | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: keys.consoleSessionMark(username), ConsistentRead: true }),
    );
    return typeof out.Item?.sessionsEndedAt === 'string' ? out.Item.sessionsEndedAt : undefined;
  }

  async put(username: string, at: Date): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...keys.consoleSessionMark(username), sessionsEndedAt: at.toISOString() },
      }),
    );
  }
}
