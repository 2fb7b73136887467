/** Secrets: AWS Secrets Manager in AWS (cached per cold start for a few minutes), a git-ignored JSON file locally. */
import { readFile } from 'node:fs/promises';
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Secrets } from '../ports/secrets.js';

export class SecretsManagerSecrets implements Secrets {
  private readonly cache = new Map<string, { at: number; value: string }>();

  constructor(
    private readonly client: SecretsManagerClient,
    private readonly prefix: string,
    private readonly ttlMs = 300_000,
  ) {}

  async get(name: string): Promise<string> {
    const hit = this.cache.get(name);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.value;
    const out = await this.client.send(new GetSecretValueCommand({ SecretId: `${this.prefix}${name}` }));
    if (out.SecretString === undefined) throw new Error(`Secret ${name} has no string value`);
    this.cache.set(name, { at: Date.now(), value: out.SecretString });
    return out.SecretString;
  }
}

export class FileSecrets implements Secrets {
  constructor(private readonly path: string) {}

  async get(name: string): Promise<string> {
    const all = JSON.parse(await readFile(this.path, 'utf8')) as Record<string, string>;
    const value = all[name];
    if (value === undefined) throw new Error(`Secret ${name} is not in ${this.path}`);
    return value;
  }
}
