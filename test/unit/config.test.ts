import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config.js';

const minimal = (): NodeJS.ProcessEnv => ({
  TABLE_NAME: 'helpdesk-verify',
  STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:123456789012:stateMachine:VerificationLifecycle',
  PORTAL_BASE_URL: 'https://verify.example.com',
  CONSOLE_BASE_URL: 'https://console.verify.example.com',
});

describe('loadConfig', () => {
  it('accepts a minimal environment and fills in the defaults', () => {
    // Act
    const config = loadConfig(minimal());

    // Assess
    expect(config).toMatchObject({
      TABLE_NAME: 'helpdesk-verify',
      AWS_REGION: 'us-east-1',
      MESSENGER: 'aws',
      EMAIL_FROM: 'verify@example.com',
      SECRETS: 'aws',
      SECRETS_PREFIX: 'helpdesk-verify/',
      RETENTION_DAYS: 365,
      SESSION_MINUTES: 15,
    });
    expect(config.DYNAMODB_ENDPOINT).toBeUndefined();
    expect(config.SFN_ENDPOINT).toBeUndefined();
  });

  it('coerces numeric variables', () => {
    // Act
    const config = loadConfig({ ...minimal(), RETENTION_DAYS: '30', SESSION_MINUTES: '5' });

    // Assess
    expect(config.RETENTION_DAYS).toBe(30);
    expect(config.SESSION_MINUTES).toBe(5);
  });

  it('throws naming TABLE_NAME when it is missing', () => {
    // Prepare
    const env = minimal();
    delete env.TABLE_NAME;

    // Act / Assess
    expect(() => loadConfig(env)).toThrow(/Invalid configuration: .*TABLE_NAME/);
  });

  it('throws for an empty TABLE_NAME', () => {
    // Act / Assess
    expect(() => loadConfig({ ...minimal(), TABLE_NAME: '' })).toThrow(/TABLE_NAME/);
  });

  it('throws for a portal base URL that is not a URL', () => {
    // Act / Assess
    expect(() => loadConfig({ ...minimal(), PORTAL_BASE_URL: 'verify.example.com' })).toThrow(
      /PORTAL_BASE_URL/,
    );
  });

  it('throws for a session length outside 1-60 minutes', () => {
    // Act / Assess
    expect(() => loadConfig({ ...minimal(), SESSION_MINUTES: '0' })).toThrow(/SESSION_MINUTES/);
    expect(() => loadConfig({ ...minimal(), SESSION_MINUTES: '61' })).toThrow(/SESSION_MINUTES/);
  });

  it('throws for an unknown messenger', () => {
    // Act / Assess
    expect(() => loadConfig({ ...minimal(), MESSENGER: 'smtp' })).toThrow(/MESSENGER/);
  });

  it('requires OUTBOX_DIR with MESSENGER=outbox', () => {
    // Act / Assess
    expect(() => loadConfig({ ...minimal(), MESSENGER: 'outbox' })).toThrow('OUTBOX_DIR is required');
    expect(loadConfig({ ...minimal(), MESSENGER: 'outbox', OUTBOX_DIR: '.local/outbox' }).OUTBOX_DIR).toBe(
      '.local/outbox',
    );
  });

  it('requires SECRETS_FILE with SECRETS=file', () => {
    // Act / Assess
    expect(() => loadConfig({ ...minimal(), SECRETS: 'file' })).toThrow('SECRETS_FILE is required');
    expect(loadConfig({ ...minimal(), SECRETS: 'file', SECRETS_FILE: '.local/secrets.json' }).SECRETS).toBe(
      'file',
    );
  });
});
