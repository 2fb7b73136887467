/**
 * Builds the deployment the way `cdk synth` does (same builder, same cdk.json context and feature
 * flags), into a temporary cloud assembly; functions are bundled only when a test asks.
 *
 * `defaultTestApp()` is the default deployment, synthesized once per infra test run and shared by
 * every file (the infra project runs its files in one worker without module isolation, so this
 * module's cache outlives a file). Tests that need other settings build their own with
 * `buildTestApp`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type Environment } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { inject } from 'vitest';
import {
  buildHelpdeskVerify,
  DEFAULT_SETTINGS,
  type DeploymentSettings,
} from '../../infra/helpdesk-verify.js';
import { REPO_ROOT } from '../../infra/project-function.js';
import type { FunctionName } from '../../shared/manifest.js';

export interface CfnResource {
  Type: string;
  Properties: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Metadata?: Record<string, unknown>;
}

/** The context of cdk.json (feature flags included), so tests synthesize what the CLI would. */
function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  };
  return cdkJson.context;
}

/**
 * cdk-nag findings are reported, not thrown: a finding then fails the targeted assertion in
 * nag.test.ts instead of every test file's beforeAll (`cdk synth` itself still fails on them).
 *
 * Functions are bundled only with `{ bundle: true }` (functions.test.ts checks the bundles): the
 * templates are the same either way, and bundling every function takes most of a synth (about
 * 30-60 s against 4 s on these machines), once per test file.
 */
export function buildTestApp(
  settings: Partial<DeploymentSettings> = {},
  env?: Environment,
  { bundle = false, parentDir = tmpdir() }: { bundle?: boolean; parentDir?: string } = {},
) {
  const outdir = mkdtempSync(join(parentDir, 'helpdesk-verify-cdk-'));
  const context = {
    ...cdkJsonContext(),
    '@aws-cdk/core:failSynthOnValidationErrors': false,
    ...(bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
  };
  const app = new App({ outdir, context });
  const stacks = buildHelpdeskVerify(app, { ...DEFAULT_SETTINGS, ...settings }, env);
  const stateful = Template.fromStack(stacks.stateful);
  const stateless = Template.fromStack(stacks.stateless);
  /** Removes the temporary cloud assembly (call from afterAll). */
  const cleanup = () => rmSync(outdir, { recursive: true, force: true });
  return { app, outdir, ...stacks, templates: { stateful, stateless }, cleanup };
}

export type TestApp = ReturnType<typeof buildTestApp>;

let shared: TestApp | undefined;

/**
 * The default deployment with its functions bundled (what `cdk synth` produces), built on first use
 * and then shared: bundling is most of a synth, and functions.test.ts checks the bundles. Its cloud
 * assembly lives under the directory the infra project's global setup made and removes at the
 * end, so files do not clean it up. Read it, never add constructs to it.
 */
export function defaultTestApp(): TestApp {
  shared ??= buildTestApp({}, undefined, { bundle: true, parentDir: inject('infraAssemblyRoot') });
  return shared;
}

/**
 * CDK's own Lambda-backed handlers, not ours: BucketDeployment (the web apps' files) and
 * AwsCustomResource (the API's CORS). Their code and policies are CDK's; nag.test.ts holds the
 * reasons they are acknowledged.
 */
const CDK_FRAMEWORK_PREFIXES = ['CustomCDKBucketDeployment', 'AWS679f53fac002430cb0da5b7982bd2287'];

const isCdkFramework = (logicalId: string) =>
  CDK_FRAMEWORK_PREFIXES.some((prefix) => logicalId.startsWith(prefix));

/** Our resources of a type: CDK's framework handlers (and their roles) left out. */
export function ownResourcesOf(template: Template, type: string): Record<string, CfnResource> {
  return Object.fromEntries(
    Object.entries(resourcesOf(template, type)).filter(([id]) => !isCdkFramework(id)),
  );
}

export function resourcesOf(template: Template, type: string): Record<string, CfnResource> {
  return template.findResources(type) as Record<string, CfnResource>;
}

/** The logical id of a manifest function's AWS::Lambda::Function. */
export function functionLogicalId(built: TestApp, name: FunctionName): string {
  const fn = built.stateless.functions[name];
  return built.stateless.getLogicalId(fn.node.defaultChild as CfnFunction);
}

/** `Fn::GetAtt: [id, 'Arn']` of the given logical id. */
export const arnOf = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });

/** Always an array (IAM's Action and Resource may be a single value). */
export const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];
