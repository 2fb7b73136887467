/** Writes connection secrets: Secrets Manager in AWS (created on first write), the local secrets file locally. */
import { readFile, rename, writeFile } from 'node:fs/promises';
import {
  CreateSecretCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { SecretWriter } from '../ports/secrets.js';

export class SecretsManagerSecretWriter implements SecretWriter {
  constructor(
    private readonly client: SecretsManagerClient,
    private readonly prefix: string,
  ) {}

  async put(name: string, value: string): Promise<void> {
    const SecretId = `${this.prefix}${name}`;
    try {
      await this.client.send(new PutSecretValueCommand({ SecretId, SecretString: value }));
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
      await this.client.send(new CreateSecretCommand({ Name: SecretId, SecretString: value }));
    }
  }
}

export class FileSecretWriter implements SecretWriter {
  constructor(private readonly path: string) {}

  async put(name: string, value: string): Promise<void> {
    const all = JSON.parse(await readFile(this.path, 'utf8')) as Record<string, string>;
    all[name] = value;
    // Write then rename: a reader never sees half a file.
    await writeFile(`${this.path}.tmp`, JSON.stringify(all, null, 2), { mode: 0o600 });
    await rename(`${this.path}.tmp`, this.path);
  }
}
