/**
 * The memory and table (local stack) directories' actions: the same demo methods and rules as the
 * Entra ID adapter, everything recorded except the Temporary Access Pass, which is only returned.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbDirectory } from '../../../shared/adapters/dynamodb/directory.js';
import { MemoryDirectory } from '../../../shared/adapters/memory/directory.js';
import type { DirectoryAction } from '../../../shared/ports/directory.js';
import { directoryUser } from '../fixtures.js';

const AT = new Date('2026-03-02T09:00:00.000Z');

describe('MemoryDirectory actions', () => {
  const directory = () => new MemoryDirectory([directoryUser()], () => AT);

  it('can do every action', () => {
    const caps = directory().capabilities();
    expect((Object.keys(caps) as DirectoryAction[]).every((a) => caps[a].supported)).toBe(true);
  });

  it('starts from the demo methods and removes the removable ones, never the password', async () => {
    const dir = directory();
    expect((await dir.listAuthMethods('u001')).map((m) => m.id)).toEqual([
      'password',
      'authenticator-app',
      'mobile-phone',
    ]);
    const result = await dir.resetMfa('u001');
    expect(result.removed.map((m) => m.id)).toEqual(['authenticator-app', 'mobile-phone']);
    expect((await dir.listAuthMethods('u001')).map((m) => m.id)).toEqual(['password']);
    const again = await dir.resetMfa('u001', { methodIds: ['password', 'mobile-phone'] });
    expect(again.notRemoved).toEqual([
      { method: { id: 'mobile-phone', kind: 'other' }, code: 'not_found' },
      { method: { id: 'password', kind: 'password' }, code: 'not_removable' },
    ]);
  });

  it('issues a one-time pass with an hour to live, records its expiry but never the pass', async () => {
    const dir = directory();
    const { temporaryAccessPass: pass } = await dir.resetMfa('u001', { temporaryAccessPass: true });
    const value = pass?.reveal() ?? '';
    expect(value).toMatch(/^[A-Za-z0-9_-]{12}$/);
    expect(pass).toMatchObject({
      isUsableOnce: true,
      lifetimeMinutes: 60,
      expiresAt: '2026-03-02T10:00:00.000Z',
    });
    const record = dir.actions.get('u001');
    expect(record?.mfaResets).toEqual([
      {
        at: AT.toISOString(),
        removedIds: ['authenticator-app', 'mobile-phone'],
        passExpiresAt: '2026-03-02T10:00:00.000Z',
      },
    ]);
    expect(JSON.stringify([...dir.actions])).not.toContain(value);
  });

  it('records unlocks and sign-outs; an unknown person is a 404 and a queued failure is thrown', async () => {
    const dir = directory();
    await dir.unlockAccount('u001');
    await dir.revokeSessions('u001');
    expect(dir.actions.get('u001')).toMatchObject({
      unlocks: [AT.toISOString()],
      sessionRevocations: [AT.toISOString()],
    });
    await expect(dir.revokeSessions('nobody')).rejects.toMatchObject({
      status: 404,
      code: 'directory_user_not_found',
    });
    dir.failNext('resetMfa', new Error('down'));
    await expect(dir.resetMfa('u001')).rejects.toThrow('down');
  });
});

describe('DynamoDbDirectory actions (local stack)', () => {
  const ddb = mockClient(DynamoDBDocumentClient);
  const profile = { pk: 'DIRUSER#u001', sk: 'PROFILE', ...directoryUser() };
  const directory = () =>
    new DynamoDbDirectory({ tableName: 'hv', client: new DynamoDBClient({ region: 'us-east-1' }) });

  beforeEach(() => {
    ddb.reset();
    ddb.on(GetCommand, { Key: { pk: 'DIRUSER#u001', sk: 'PROFILE' } }).resolves({ Item: profile });
    ddb.on(GetCommand, { Key: { pk: 'DIRUSER#u001', sk: 'ACTIONS' } }).resolves({});
  });

  it("stores the reset on the person's ACTIONS item, with the pass expiry and without the pass", async () => {
    const result = await directory().resetMfa('u001', { temporaryAccessPass: true });
    const value = result.temporaryAccessPass?.reveal() ?? '';
    const put = ddb.commandCalls(PutCommand)[0]?.args[0].input;
    expect(put?.Item).toMatchObject({
      pk: 'DIRUSER#u001',
      sk: 'ACTIONS',
      methods: [{ id: 'password' }],
      mfaResets: [{ removedIds: ['authenticator-app', 'mobile-phone'] }],
    });
    expect(value).toHaveLength(12);
    expect(JSON.stringify(ddb.calls().map((c) => c.args[0].input))).not.toContain(value);
  });

  it('reads back what was stored, and records unlocks and sign-outs', async () => {
    const stored = {
      pk: 'DIRUSER#u001',
      sk: 'ACTIONS',
      methods: [],
      mfaResets: [],
      unlocks: [],
      sessionRevocations: [],
    };
    ddb.on(GetCommand, { Key: { pk: 'DIRUSER#u001', sk: 'ACTIONS' } }).resolves({ Item: stored });
    const dir = directory();
    expect(await dir.listAuthMethods('u001')).toEqual([]);
    await dir.unlockAccount('u001');
    await dir.revokeSessions('u001');
    const puts = ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item);
    expect(puts[0]?.unlocks).toHaveLength(1);
    expect(puts[1]?.sessionRevocations).toHaveLength(1);
  });

  it('answers 404 for a person not in the table', async () => {
    ddb.on(GetCommand, { Key: { pk: 'DIRUSER#nobody', sk: 'PROFILE' } }).resolves({});
    await expect(directory().unlockAccount('nobody')).rejects.toMatchObject({
      code: 'directory_user_not_found',
    });
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });
});
