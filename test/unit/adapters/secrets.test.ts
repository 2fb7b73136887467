import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FileSecrets, SecretsManagerSecrets } from '../../../shared/adapters/secrets.js';
import { secretNames } from '../../../shared/ports/secrets.js';

const smMock = mockClient(SecretsManagerClient);

describe('SecretsManagerSecrets', () => {
  const client = new SecretsManagerClient({ region: 'eu-west-1' });

  beforeEach(() => {
    smMock.reset();
  });

  it('reads the secret under the prefix', async () => {
    // Prepare
    smMock.on(GetSecretValueCommand).resolves({ SecretString: 'session-key-value' });
    const secrets = new SecretsManagerSecrets(client, 'helpdesk-verify/');

    // Act
    const value = await secrets.get('portal-session-key');

    // Assess
    expect(value).toBe('session-key-value');
    expect(smMock).toHaveReceivedCommandWith(GetSecretValueCommand, {
      SecretId: 'helpdesk-verify/portal-session-key',
    });
  });

  it('caches a value: the second get does not call Secrets Manager', async () => {
    // Prepare
    smMock
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: 'first' })
      .resolves({ SecretString: 'second' });
    const secrets = new SecretsManagerSecrets(client, 'helpdesk-verify/');

    // Act
    const first = await secrets.get('portal-session-key');
    const second = await secrets.get('portal-session-key');

    // Assess
    expect([first, second]).toEqual(['first', 'first']);
    expect(smMock).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
  });

  it('caches per name', async () => {
    // Prepare
    smMock
      .on(GetSecretValueCommand, { SecretId: 'hv/connections/local-desk/webhook' })
      .resolves({ SecretString: '["whsec"]' })
      .on(GetSecretValueCommand, { SecretId: 'hv/connections/local-desk/outbound' })
      .resolves({ SecretString: 'user:pw' });
    const secrets = new SecretsManagerSecrets(client, 'hv/');

    // Act
    const webhook = await secrets.get(secretNames.webhookSecrets('local-desk'));
    const outbound = await secrets.get(secretNames.outboundCredentials('local-desk'));

    // Assess
    expect(webhook).toBe('["whsec"]');
    expect(outbound).toBe('user:pw');
    expect(smMock).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
  });

  it('reads again once the cache entry is older than the TTL', async () => {
    // Prepare: a TTL of 0 ms makes every entry stale.
    smMock
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: 'old' })
      .resolves({ SecretString: 'rotated' });
    const secrets = new SecretsManagerSecrets(client, 'helpdesk-verify/', 0);

    // Act
    const first = await secrets.get('portal-session-key');
    const second = await secrets.get('portal-session-key');

    // Assess
    expect([first, second]).toEqual(['old', 'rotated']);
    expect(smMock).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
  });

  it('throws when the secret has no string value', async () => {
    // Prepare
    smMock.on(GetSecretValueCommand).resolves({ SecretBinary: new Uint8Array([1, 2, 3]) });
    const secrets = new SecretsManagerSecrets(client, 'helpdesk-verify/');

    // Act / Assess
    await expect(secrets.get('portal-session-key')).rejects.toThrow(
      'Secret portal-session-key has no string value',
    );
  });

  it('propagates a missing secret', async () => {
    // Prepare
    smMock.on(GetSecretValueCommand).rejects(
      Object.assign(new Error("Secrets Manager can't find the specified secret."), {
        name: 'ResourceNotFoundException',
      }),
    );
    const secrets = new SecretsManagerSecrets(client, 'helpdesk-verify/');

    // Act / Assess
    await expect(secrets.get('portal-session-key')).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });
});

describe('FileSecrets', () => {
  let dir: string;
  let path: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hv-secrets-'));
    path = join(dir, 'secrets.json');
    await writeFile(
      path,
      JSON.stringify({ 'portal-session-key': 'local-key', 'connections/local-desk/webhook': '["a"]' }),
    );
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a named secret from the file', async () => {
    // Prepare
    const secrets = new FileSecrets(path);

    // Act / Assess
    await expect(secrets.get('portal-session-key')).resolves.toBe('local-key');
    await expect(secrets.get(secretNames.webhookSecrets('local-desk'))).resolves.toBe('["a"]');
  });

  it('throws for a name that is not in the file', async () => {
    // Prepare
    const secrets = new FileSecrets(path);

    // Act / Assess
    await expect(secrets.get('connections/other/outbound')).rejects.toThrow(
      'Secret connections/other/outbound is not in',
    );
  });

  it('throws when the file does not exist', async () => {
    // Prepare
    const secrets = new FileSecrets(join(dir, 'missing.json'));

    // Act / Assess
    await expect(secrets.get('portal-session-key')).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
