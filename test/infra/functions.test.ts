/** Every manifest function: runtime, architecture, tracing, logging, configuration and its bundle. */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config.js';
import { FUNCTIONS, type FunctionName, type FunctionSpec, LIFECYCLE_TASKS } from '../../shared/manifest.js';
import {
  type CfnResource,
  defaultTestApp,
  functionLogicalId,
  ownResourcesOf,
  resourcesOf,
  type TestApp,
} from './build-app.js';

let built: TestApp;
let functions: Record<string, CfnResource>;

beforeAll(() => {
  built = defaultTestApp();
  // The manifest's functions, not CDK's own deployment and custom-resource handlers.
  functions = ownResourcesOf(built.templates.stateless, 'AWS::Lambda::Function');
});

const lifecycle = new Set<string>(Object.values(LIFECYCLE_TASKS));
const propsOf = (name: FunctionName) => functions[functionLogicalId(built, name)]?.Properties ?? {};
const envOf = (name: FunctionName) =>
  (propsOf(name).Environment as { Variables: Record<string, unknown> }).Variables;

/** What CloudFormation fills in for the portal's URL: its CloudFront domain. */
const PORTAL_URL = 'https://d111111abcdef8.cloudfront.net';

/** Stands in for values CloudFormation fills at deploy time (table name, ARNs, URLs), as Lambda would see them. */
function deployedEnv(name: FunctionName): Record<string, string> {
  return Object.fromEntries(
    Object.entries(envOf(name)).map(([key, value]) => [
      key,
      typeof value === 'string'
        ? value
        : key === 'PORTAL_BASE_URL'
          ? PORTAL_URL
          : key.endsWith('_ARN')
            ? 'arn:aws:states:eu-west-1:1:stateMachine:x'
            : 'x',
    ]),
  );
}

it('deploys exactly the manifest functions', () => {
  expect(Object.keys(functions)).toHaveLength(FUNCTIONS.length);
});

describe.each(FUNCTIONS as readonly FunctionSpec[])('$name', (spec) => {
  const name = spec.name as FunctionName;

  // Functions that load the offline IP data in their cold start get more memory (and CPU with it).
  const memory = 'ipData' in spec && spec.ipData ? 1024 : 512;

  it(`runs Node.js 22 on arm64 with active tracing, ${memory} MB`, () => {
    expect(propsOf(name)).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      MemorySize: memory,
      Handler: 'index.handler',
      Description: spec.description,
    });
  });

  // Lifecycle tasks 30 s; table-stream consumers 15 min (a large export); request handlers that
  // call an ITSM or a directory 28 s (inside the HTTP API's 30 s); the IP-data function and the rest 10 s.
  const callsOut = (spec as FunctionSpec).access.secrets.some((s) => s === 'outbound' || s === 'directory');
  const timeout = lifecycle.has(spec.name)
    ? 30
    : (spec as FunctionSpec).stream
      ? 900
      : callsOut && !('ipData' in spec)
        ? 28
        : 10;
  it(`times out after ${timeout} s`, () => {
    expect(propsOf(name).Timeout).toBe(timeout);
  });

  it('logs to its own log group, one month, retained', () => {
    const logGroupId = (propsOf(name).LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
    expect(resourcesOf(built.templates.stateless, 'AWS::Logs::LogGroup')[logGroupId]).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: { RetentionInDays: 30 },
    });
  });

  it('gets an environment that shared/config.ts accepts, for AWS adapters', () => {
    // Act
    const config = loadConfig(deployedEnv(name));

    // Assess
    expect(config).toMatchObject({
      MESSENGER: 'aws',
      SECRETS: 'aws',
      SECRETS_PREFIX: 'helpdesk-verify/',
      EMAIL_FROM: 'verify@example.com',
      PORTAL_BASE_URL: PORTAL_URL,
      CONSOLE_BASE_URL: 'https://console.example.com',
      RETENTION_DAYS: 365,
    });
    expect(config.DYNAMODB_ENDPOINT).toBeUndefined();
    expect(config.SFN_ENDPOINT).toBeUndefined();
    expect(envOf(name)).toMatchObject({ NODE_OPTIONS: '--enable-source-maps' });
    expect(envOf(name).TABLE_NAME).toEqual(expect.any(Object));
  });
});

describe('bundles', () => {
  it.each(FUNCTIONS.map((f) => f.name))(
    '%s is a minified ESM bundle with a source map that loads',
    (name) => {
      // Prepare: the asset directory is named after the hash in the template's S3 key
      const code = functions[functionLogicalId(built, name)]?.Properties.Code as { S3Key: string };
      const dir = join(built.outdir, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
      expect(existsSync(join(dir, 'index.mjs.map'))).toBe(true);
      const bundle = readFileSync(join(dir, 'index.mjs'), 'utf8');
      expect(bundle.length / bundle.split('\n').length).toBeGreaterThan(1000); // minified
      expect(bundle.slice(0, 200)).toContain('createRequire'); // the `require` banner comes first
      expect(bundle.trimEnd().endsWith('//# sourceMappingURL=index.mjs.map')).toBe(true);

      // Act: import it the way the Lambda runtime does, with the deployed configuration
      const out = execFileSync(
        process.execPath,
        [
          '--enable-source-maps',
          '--input-type=module',
          '-e',
          `const m = await import(${JSON.stringify(join(dir, 'index.mjs'))}); console.log(typeof m.handler);`,
        ],
        { env: { PATH: process.env.PATH, AWS_REGION: 'eu-west-1', ...deployedEnv(name) }, encoding: 'utf8' },
      );

      // Assess
      expect(out.trim()).toBe('function');
    },
  );
});

describe('scheduled functions', () => {
  const scheduled = (FUNCTIONS as readonly FunctionSpec[]).filter((f) => f.schedule);

  it.each(scheduled.map((f) => [f.name, f.schedule] as const))('%s runs on %s', (name, schedule) => {
    // Arrange
    const rules = Object.values(resourcesOf(built.templates.stateless, 'AWS::Events::Rule'));

    // Act
    const rule = rules.find((r) =>
      JSON.stringify(r.Properties?.Targets).includes(functionLogicalId(built, name as FunctionName)),
    );

    // Assess
    expect(scheduled.length).toBeGreaterThan(0);
    expect(rule?.Properties).toMatchObject({ ScheduleExpression: schedule, State: 'ENABLED' });
  });
});
