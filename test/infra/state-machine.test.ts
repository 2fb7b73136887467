/** The lifecycle state machine: the shared ASL file, every placeholder wired to the right function. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/project-function.js';
import { FUNCTIONS, type FunctionName, LIFECYCLE_TASKS, STATE_MACHINE_FILE } from '../../shared/manifest.js';
import {
  arnOf,
  asArray,
  type CfnResource,
  defaultTestApp,
  functionLogicalId,
  resourcesOf,
  type TestApp,
} from './build-app.js';

type AslValidator = (
  definition: unknown,
  options?: { checkArn?: boolean; checkPaths?: boolean },
) => { isValid: boolean; errorsText: (separator?: string) => string };
const aslValidator = createRequire(import.meta.url)('asl-validator') as AslValidator;

const PLACEHOLDER = /\$\{([A-Za-z0-9_]+)\}/g;

let built: TestApp;
let machine: CfnResource;
let sourceAsl: string;

beforeAll(() => {
  built = defaultTestApp();
  const machines = Object.values(resourcesOf(built.templates.stateless, 'AWS::StepFunctions::StateMachine'));
  expect(machines).toHaveLength(1);
  machine = machines[0] as CfnResource;
  sourceAsl = readFileSync(join(REPO_ROOT, STATE_MACHINE_FILE), 'utf8');
});

/** The definition as deployed: the staged S3 asset the template points at. */
function deployedDefinition(): string {
  const location = machine.Properties.DefinitionS3Location as { Key: string };
  const assetFile = join(built.outdir, `asset.${location.Key}`);
  return readFileSync(assetFile, 'utf8');
}

const substitutions = () => machine.Properties.DefinitionSubstitutions as Record<string, unknown>;

describe('definition', () => {
  it('is the shared ASL file, uploaded as is', () => {
    expect(machine.Properties.DefinitionString).toBeUndefined();
    expect(JSON.parse(deployedDefinition())).toEqual(JSON.parse(sourceAsl));
  });

  it('uses exactly the placeholders LIFECYCLE_TASKS names, and the stack substitutes all of them', () => {
    const used = new Set([...deployedDefinition().matchAll(PLACEHOLDER)].map((m) => m[1]));
    expect(used).toEqual(new Set(Object.keys(LIFECYCLE_TASKS)));
    expect(new Set(Object.keys(substitutions()))).toEqual(new Set(Object.keys(LIFECYCLE_TASKS)));
  });

  it.each(Object.entries(LIFECYCLE_TASKS))(
    'substitutes the %s placeholder with the ARN of %s',
    (key, name) => {
      expect(substitutions()[key]).toEqual(arnOf(functionLogicalId(built, name)));
    },
  );

  it('leaves no placeholder unresolved once substituted, and is valid ASL', () => {
    // Act: do what CloudFormation does, with a recognisable ARN per function
    let resolved = deployedDefinition();
    for (const [key, value] of Object.entries(substitutions())) {
      const [logicalId] = (value as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'];
      resolved = resolved.replaceAll(
        `\${${key}}`,
        `arn:aws:lambda:eu-west-1:123456789012:function:${logicalId}`,
      );
    }

    // Assess
    expect(resolved).not.toMatch(/\$\{/);
    const result = aslValidator(JSON.parse(resolved));
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('only invokes lifecycle task functions', () => {
    const lifecycle = new Set(Object.values(LIFECYCLE_TASKS).map((n) => functionLogicalId(built, n)));
    const referenced = Object.values(substitutions()).map(
      (v) => (v as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0],
    );
    for (const id of referenced) expect(lifecycle.has(id)).toBe(true);
  });
});

describe('configuration', () => {
  it('logs ALL events without execution data (payloads may hold PII) and traces', () => {
    expect(machine.Properties).toMatchObject({
      StateMachineType: 'STANDARD',
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
      TracingConfiguration: { Enabled: true },
    });
    const destinations = (
      machine.Properties.LoggingConfiguration as {
        Destinations: { CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [string, string] } } }[];
      }
    ).Destinations;
    const [logGroupId] = destinations[0]?.CloudWatchLogsLogGroup.LogGroupArn['Fn::GetAtt'] ?? [''];
    const logGroup = resourcesOf(built.templates.stateless, 'AWS::Logs::LogGroup')[logGroupId];
    expect(logGroup).toMatchObject({ DeletionPolicy: 'Retain', Properties: { RetentionInDays: 30 } });
    expect(String(logGroup?.Properties.LogGroupName)).toMatch(/^\/aws\/vendedlogs\/states\//);
  });

  it('may invoke exactly the lifecycle functions, unqualified', () => {
    const roleId = built.stateless.getLogicalId(built.stateless.stateMachine.role.node.defaultChild as never);
    const policies = Object.values(resourcesOf(built.templates.stateless, 'AWS::IAM::Policy')).filter((p) =>
      (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId),
    );
    const invoke = policies
      .flatMap(
        (p) =>
          (p.Properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] })
            .Statement,
      )
      .filter((s) => asArray(s.Action).includes('lambda:InvokeFunction'))
      .flatMap((s) => asArray(s.Resource));
    const expected = [...new Set(Object.values(LIFECYCLE_TASKS))].map((n) =>
      arnOf(functionLogicalId(built, n)),
    );
    expect(invoke).toHaveLength(expected.length);
    expect(invoke).toEqual(expect.arrayContaining(expected));
  });

  it('is the machine every function is told about in STATE_MACHINE_ARN (no circular reference)', () => {
    const name = machine.Properties.StateMachineName as string;
    const fns = resourcesOf(built.templates.stateless, 'AWS::Lambda::Function');
    for (const spec of FUNCTIONS) {
      const fn = fns[functionLogicalId(built, spec.name as FunctionName)] as CfnResource;
      const env = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      const arn = JSON.stringify(env.STATE_MACHINE_ARN);
      expect(arn, spec.name).toContain(`:stateMachine:${name}"`);
      expect(arn, spec.name).not.toContain('Fn::GetAtt');
      expect(arn, spec.name).not.toMatch(/"Ref":"Lifecycle/);
    }
  });
});
