/**
 * cdk-nag (v3: a CDK policy-validation plugin, acknowledgements via Validations.of().acknowledge).
 * No finding may be left unacknowledged, and every acknowledgement carries a reason.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Stack, Validations } from 'aws-cdk-lib';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, defaultTestApp, type TestApp } from './build-app.js';

let built: TestApp;

beforeAll(() => {
  built = defaultTestApp();
});

interface ValidationReport {
  pluginReports: { pluginName: string; violations: { ruleName: string }[] }[];
}

const readReport = (outdir: string) =>
  JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as ValidationReport;

function acknowledgementsUnder(root: IConstruct): { path: string; id: string; reason: string }[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string | { reason?: string }>).map(([id, value]) => ({
          path: construct.node.path,
          id,
          reason: typeof value === 'string' ? value : (value.reason ?? ''),
        })),
      ),
  );
}

describe('AwsSolutions checks', () => {
  it.each(['stateful', 'stateless'] as const)('%s stack has no unacknowledged findings', (which) => {
    // Act
    const report = new AwsSolutionsChecks().validateScope(built[which]);

    // Assess: errors first (the clearer failure), then warnings too
    const describe = (severity: string) =>
      report.violations
        .filter((v) => v.severity === severity)
        .map((v) => `${v.ruleName} @ ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
    expect(describe('error')).toEqual([]);
    expect(describe('warning')).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('synthesizes with an empty validation report', () => {
    expect(readReport(built.outdir).pluginReports.flatMap((p) => p.violations)).toEqual([]);
  });

  it('is registered on the app by the builder: a new finding shows up in the synth report', () => {
    // Prepare: the same deployment plus one non-compliant resource (a secret without rotation)
    const scratch = buildTestApp();
    new Secret(scratch.stateful, 'Unrotated');

    // Act
    scratch.app.synth({ force: true });

    // Assess
    const report = readReport(scratch.outdir);
    scratch.cleanup();
    const names = report.pluginReports.flatMap((p) =>
      p.violations.map((v) => `${p.pluginName}:${v.ruleName}`),
    );
    expect(names).toContain('AwsSolutions:AwsSolutions-SMG4');
  });

  it('acknowledges only what is documented, each with a reason', () => {
    const acks = acknowledgementsUnder(built.app);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.reason.length, `${ack.id} @ ${ack.path}`).toBeGreaterThan(40);
      // IAM4/IAM5[Action::s3:*], S1 and CFR*: the portal's hosting (infra/web-hosting.ts).
      expect(ack.id, ack.path).toMatch(
        /AwsSolutions-(IAM5\[Resource::.+\]|IAM5\[Action::s3:\w+\*\]|IAM4\[Policy::.+\/AWSLambdaBasicExecutionRole\]|L1|APIG4|SMG4|S1|SQS3|CFR[124])$/,
      );
    }
  });

  it('would catch a violation (the check is live, not vacuous)', () => {
    // Prepare: a scratch stack with a Lambda on an old runtime and a managed-policy role
    const scratch = new Stack(undefined, 'Scratch');
    new LambdaFunction(scratch, 'Old', {
      runtime: Runtime.NODEJS_20_X,
      code: Code.fromInline('export const handler = async () => {}'),
      handler: 'index.handler',
    });

    // Act
    const report = new AwsSolutionsChecks().validateScope(scratch);

    // Assess
    const rules = report.violations.map((v) => v.ruleName);
    expect(rules).toContain('AwsSolutions-L1');
    expect(rules.some((r) => r.startsWith('AwsSolutions-IAM4'))).toBe(true);
  });
});
