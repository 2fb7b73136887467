/**
 * The local directory: people seeded into the table (local stack, demos, self-hosted trials).
 * Microsoft Entra ID and Okta adapters implement the same port against their APIs.
 *
 * Actions beyond the password (MFA reset with a Temporary Access Pass, unlock, sign out everywhere)
 * follow directory/local-actions.ts and are recorded on one item per person,
 * pk=DIRUSER#<userId> sk=ACTIONS: the methods left, each reset (ids removed, the pass's expiry, never
 * the pass), unlocks and sign-outs, so the local stack can show what an identity provider would do.
 */
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import type { DirectoryUser } from '../../domain/model/person.js';
import type {
  AuthMethod,
  Directory,
  DirectoryCapabilities,
  MfaResetOptions,
  MfaResetResult,
  PersonMatch,
} from '../../ports/directory.js';
import {
  applyMfaReset,
  emptyRecord,
  LOCAL_CAPABILITIES,
  type LocalActionRecord,
  localUserNotFound,
} from '../directory/local-actions.js';
import { matchPeople } from '../directory/local-search.js';
import { keys } from './table.js';

/** A person's action record, next to the profile and password items. */
const actionsKey = (userId: string) => ({ pk: keys.directoryUser(userId).pk, sk: 'ACTIONS' });

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;

export class DynamoDbDirectory implements Directory {
  private readonly doc: DynamoDBDocumentClient;
  private everyone?: { at: number; users: DirectoryUser[] };

  constructor(private readonly options: { tableName: string; client: DynamoDBClient; cacheMs?: number }) {
    this.doc = DynamoDBDocumentClient.from(options.client, {
      marshallOptions: { removeUndefinedValues: true },
    });
  }

  async findByEmail(email: string): Promise<DirectoryUser | undefined> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.options.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.directoryEmail(email) },
      }),
    );
    const item = out.Items?.[0];
    return item ? toUser(item) : undefined;
  }

  /** Read fresh: a contact changed a minute ago must count. (Only decoy sampling uses the cache.) */
  async getUser(userId: string): Promise<DirectoryUser | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.options.tableName,
        Key: keys.directoryUser(userId),
        ConsistentRead: true,
      }),
    );
    return out.Item ? toUser(out.Item) : undefined;
  }

  /** Over the cached list of everyone (the local directory is demo-sized): see local-search.ts. */
  async searchPeople(query: string, limit: number): Promise<PersonMatch[]> {
    return matchPeople(await this.all(), query, limit);
  }

  /**
   * The same sample for the same person every time (ordered by a hash of the two ids): whether a
   * person's record holds enough telling facts then does not change from one verification to the
   * next, and a caller who retries cannot fish for an easier question set.
   */
  async sampleUsers(count: number, excludeUserId: string): Promise<DirectoryUser[]> {
    const rank = (u: DirectoryUser) =>
      createHash('sha256').update(`${excludeUserId}:${u.userId}`).digest('hex');
    return (await this.all())
      .filter((u) => u.userId !== excludeUserId)
      .map((u) => ({ u, key: rank(u) }))
      .sort((a, b) => a.key.localeCompare(b.key))
      .slice(0, count)
      .map(({ u }) => u);
  }

  async resetPassword(userId: string, newPassword: string): Promise<void> {
    const salt = randomBytes(16);
    const hash = await scryptAsync(newPassword, salt, 32);
    await this.doc.send(
      new PutCommand({
        TableName: this.options.tableName,
        Item: {
          ...keys.directoryPassword(userId),
          scrypt: `${salt.toString('base64')}:${hash.toString('base64')}`,
          changedAt: new Date().toISOString(),
        },
      }),
    );
  }

  capabilities(): DirectoryCapabilities {
    return LOCAL_CAPABILITIES;
  }

  async listAuthMethods(userId: string): Promise<AuthMethod[]> {
    return (await this.actionRecord('list methods', userId)).methods;
  }

  async resetMfa(userId: string, options: MfaResetOptions = {}): Promise<MfaResetResult> {
    const record = await this.actionRecord('reset MFA', userId);
    const result = applyMfaReset(record, options, new Date());
    await this.putActionRecord(userId, record);
    return result;
  }

  async unlockAccount(userId: string): Promise<void> {
    const record = await this.actionRecord('unlock', userId);
    record.unlocks.push(new Date().toISOString());
    await this.putActionRecord(userId, record);
  }

  async revokeSessions(userId: string): Promise<void> {
    const record = await this.actionRecord('revoke sessions', userId);
    record.sessionRevocations.push(new Date().toISOString());
    await this.putActionRecord(userId, record);
  }

  /** What was done to the person so far (the demo methods before any reset); 404 for nobody. */
  async actionRecord(action: string, userId: string): Promise<LocalActionRecord> {
    const [user, out] = await Promise.all([
      this.getUser(userId),
      this.doc.send(
        new GetCommand({ TableName: this.options.tableName, Key: actionsKey(userId), ConsistentRead: true }),
      ),
    ]);
    if (!user) throw localUserNotFound(action, userId);
    if (!out.Item) return emptyRecord(user);
    const { pk: _pk, sk: _sk, ...record } = out.Item;
    return record as LocalActionRecord;
  }

  private async putActionRecord(userId: string, record: LocalActionRecord): Promise<void> {
    await this.doc.send(
      new PutCommand({ TableName: this.options.tableName, Item: { ...actionsKey(userId), ...record } }),
    );
  }

  async hasPassword(userId: string): Promise<boolean> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.options.tableName,
        Key: keys.directoryPassword(userId),
      }),
    );
    return out.Item !== undefined;
  }

  /** Whether `password` is the user's current one (the local directory's sign-in check). */
  async verifyPassword(userId: string, password: string): Promise<boolean> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.options.tableName,
        Key: keys.directoryPassword(userId),
        ConsistentRead: true,
      }),
    );
    const [salt, hash] = String(out.Item?.scrypt ?? '').split(':');
    if (!salt || !hash) return false;
    const candidate = await scryptAsync(password, Buffer.from(salt, 'base64'), 32);
    const expected = Buffer.from(hash, 'base64');
    return candidate.length === expected.length && timingSafeEqual(candidate, expected);
  }

  /** Seeds people (local stack and tests). */
  async putUsers(users: DirectoryUser[]): Promise<void> {
    for (let i = 0; i < users.length; i += 25) {
      await this.doc.send(
        new BatchWriteCommand({
          RequestItems: {
            [this.options.tableName]: users.slice(i, i + 25).map((u) => ({
              PutRequest: {
                Item: {
                  ...keys.directoryUser(u.userId),
                  gsi1pk: keys.directoryEmail(u.email),
                  gsi1sk: 'PROFILE',
                  gsi2pk: keys.directoryAll,
                  gsi2sk: u.userId,
                  ...u,
                },
              },
            })),
          },
        }),
      );
    }
    this.everyone = undefined;
  }

  private async all(): Promise<DirectoryUser[]> {
    const cacheMs = this.options.cacheMs ?? 60_000;
    if (this.everyone && Date.now() - this.everyone.at < cacheMs) return this.everyone.users;
    const users: DirectoryUser[] = [];
    const pages = paginateQuery(
      { client: this.doc },
      {
        TableName: this.options.tableName,
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.directoryAll },
      },
    );
    for await (const page of pages) users.push(...(page.Items ?? []).map(toUser));
    this.everyone = { at: Date.now(), users };
    return users;
  }
}

function toUser(item: Record<string, unknown>): DirectoryUser {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g1s, gsi2pk: _g2, gsi2sk: _g2s, ...user } = item;
  return user as unknown as DirectoryUser;
}
