/**
 * Least privilege: every grant of every function follows from its `access` in the manifest, and
 * `Resource: "*"` appears only for the actions AWS offers no resource-level permission for.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { TABLE } from '../../shared/adapters/dynamodb/table.js';
import { FUNCTIONS, type FunctionName, type FunctionSpec } from '../../shared/manifest.js';
import {
  asArray,
  type CfnResource,
  defaultTestApp,
  ownResourcesOf,
  resourcesOf,
  type TestApp,
} from './build-app.js';

interface Statement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/**
 * The only actions allowed on `Resource: "*"`, each with the reason AWS forces it.
 * Anything else with `*` fails this test.
 */
const STAR_ALLOWED: Record<string, string> = {
  'states:SendTaskSuccess': 'no resource-level permissions (callback token names the task)',
  'dynamodb:ListStreams':
    'no resource-level permissions (table-stream consumers, added by the event source mapping)',
  'sns:Publish': 'SMS to a phone number has no resource ARN',
  'xray:PutTraceSegments': 'X-Ray: no resource-level permissions (active tracing, added by CDK)',
  'xray:PutTelemetryRecords': 'X-Ray: no resource-level permissions (active tracing, added by CDK)',
  'xray:GetSamplingRules': 'X-Ray: no resource-level permissions (state machine tracing, added by CDK)',
  'xray:GetSamplingTargets': 'X-Ray: no resource-level permissions (state machine tracing, added by CDK)',
  // CloudWatch Logs vended-log delivery for Step Functions logging, added by CDK.
  'logs:CreateLogDelivery': 'vended log delivery: no resource-level permissions',
  'logs:GetLogDelivery': 'vended log delivery: no resource-level permissions',
  'logs:UpdateLogDelivery': 'vended log delivery: no resource-level permissions',
  'logs:DeleteLogDelivery': 'vended log delivery: no resource-level permissions',
  'logs:ListLogDeliveries': 'vended log delivery: no resource-level permissions',
  'logs:PutResourcePolicy': 'vended log delivery: no resource-level permissions',
  'logs:DescribeResourcePolicies': 'vended log delivery: no resource-level permissions',
  'logs:DescribeLogGroups': 'vended log delivery: no resource-level permissions',
};
const SFN_LOG_DELIVERY = Object.keys(STAR_ALLOWED).filter((a) => a.startsWith('logs:'));

let built: TestApp;
/** Role logical id -> statements of every policy attached to it (inline or AWS::IAM::Policy). */
let statementsByRole: Map<string, Statement[]>;

beforeAll(() => {
  built = defaultTestApp();
  statementsByRole = new Map();
  for (const template of [built.templates.stateful, built.templates.stateless]) {
    // CDK's own deployment and custom-resource handlers are not checked here (see isCdkFramework).
    for (const [id, role] of Object.entries(ownResourcesOf(template, 'AWS::IAM::Role'))) {
      const inline = asArray(role.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[]);
      statementsByRole.set(
        id,
        inline.flatMap((p) => p.PolicyDocument.Statement),
      );
    }
    for (const policy of Object.values(resourcesOf(template, 'AWS::IAM::Policy'))) {
      const props = policy.Properties as {
        Roles: { Ref: string }[];
        PolicyDocument: { Statement: Statement[] };
      };
      for (const role of props.Roles) {
        statementsByRole.get(role.Ref)?.push(...props.PolicyDocument.Statement);
      }
    }
  }
});

function roleIdOf(name: FunctionName): string {
  const fn = built.stateless.functions[name];
  return built.stateless.getLogicalId(fn.executionRole.node.defaultChild as never);
}

function statementsOf(name: FunctionName): Statement[] {
  return statementsByRole.get(roleIdOf(name)) ?? [];
}

const allows = (statements: Statement[]) => statements.filter((s) => s.Effect === 'Allow');
const actionsOf = (statements: Statement[]) => new Set(allows(statements).flatMap((s) => asArray(s.Action)));
const isStar = (s: Statement) => asArray(s.Resource).includes('*');

/** A CloudFormation value as one string, so resource patterns can be asserted on. */
function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(flatten).join(',');
  if (value && typeof value === 'object') {
    const node = value as Record<string, unknown>;
    if ('Ref' in node) return `<${String(node.Ref)}>`;
    const join = node['Fn::Join'] as [string, unknown[]] | undefined;
    if (join) return join[1].map(flatten).join(join[0]);
    const getAtt = node['Fn::GetAtt'] as string[] | undefined;
    if (getAtt) return `<${getAtt.join('.')}>`;
    const output = node['Fn::GetStackOutput'] as { OutputName: string } | undefined;
    if (output) return `<output:${output.OutputName}>`;
    const importValue = node['Fn::ImportValue'];
    if (importValue !== undefined) return `<import:${flatten(importValue)}>`;
  }
  return JSON.stringify(value);
}

function resourcesFor(statements: Statement[], action: string): string[] {
  return allows(statements)
    .filter((s) => asArray(s.Action).includes(action))
    .flatMap((s) => asArray(s.Resource).map(flatten));
}

describe('wildcards', () => {
  it('found the roles to check: one per function and the state machine', () => {
    expect(statementsByRole.size).toBe(FUNCTIONS.length + 1);
  });

  it('uses no wildcard actions anywhere', () => {
    for (const [role, statements] of statementsByRole) {
      for (const action of actionsOf(statements)) expect(action, role).not.toContain('*');
    }
  });

  it('allows Resource "*" only for the enumerated actions AWS requires it for', () => {
    for (const [role, statements] of statementsByRole) {
      for (const statement of allows(statements).filter(isStar)) {
        for (const action of asArray(statement.Action)) {
          expect(Object.keys(STAR_ALLOWED), `${role}: ${action} on *`).toContain(action);
        }
      }
    }
  });

  it('uses partial wildcards only for per-connection secrets and the console export prefix', () => {
    for (const [role, statements] of statementsByRole) {
      for (const statement of allows(statements).filter((s) => !isStar(s))) {
        for (const resource of asArray(statement.Resource)
          .map(flatten)
          .filter((r) => r.includes('*'))) {
          const actions = [...asArray(statement.Action)].sort();
          if (resource.includes(':s3:::')) {
            expect(resource, role).toMatch(/:s3:::helpdesk-verify-exports-[^/]+\/exports\/\*$/);
            expect([['s3:GetObject'], ['s3:AbortMultipartUpload', 's3:PutObject']], role).toContainEqual(
              actions,
            );
            continue;
          }
          // Functions read connection secrets; the console's settings only ever write them.
          expect(
            [
              ['secretsmanager:GetSecretValue'],
              ['secretsmanager:CreateSecret', 'secretsmanager:PutSecretValue'],
            ],
            role,
          ).toContainEqual(actions);
          expect(resource, role).toMatch(
            /:secret:helpdesk-verify\/connections\/\*\/(webhook|outbound)-\?{6}$/,
          );
        }
      }
    }
  });

  it('keeps log-delivery actions on the state machine role only', () => {
    const machineRole = built.stateless.getLogicalId(
      built.stateless.stateMachine.role.node.defaultChild as never,
    );
    for (const [role, statements] of statementsByRole) {
      const actions = actionsOf(statements);
      for (const action of SFN_LOG_DELIVERY)
        expect(actions.has(action), `${role}: ${action}`).toBe(role === machineRole);
    }
  });
});

describe.each(FUNCTIONS as readonly FunctionSpec[])('grants of $name', (spec) => {
  const name = spec.name as FunctionName;

  it('table: exactly the declared read or read/write actions on the table and its named indexes', () => {
    const statements = statementsOf(name);
    // Table-stream consumers also read the stream (shared/manifest.ts `stream`).
    const streamRead = [
      'dynamodb:DescribeStream',
      'dynamodb:GetRecords',
      'dynamodb:GetShardIterator',
      'dynamodb:ListStreams',
    ];
    const all = [...actionsOf(statements)];
    expect(streamRead.every((a) => all.includes(a))).toBe(Boolean(spec.stream));
    const actions = all.filter((a) => a.startsWith('dynamodb:') && !streamRead.includes(a)).sort();
    const read = ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'];
    const write = [
      'dynamodb:BatchWriteItem',
      'dynamodb:ConditionCheckItem',
      'dynamodb:DeleteItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    ];
    expect(actions).toEqual(spec.access.table === 'readWrite' ? [...read, ...write].sort() : read);
    const resources = resourcesFor(statements, 'dynamodb:Query');
    expect(resources).toHaveLength(1 + TABLE.indexes.length);
    for (const index of TABLE.indexes)
      expect(resources.some((r) => r.endsWith(`/index/${index.indexName}`))).toBe(true);
  });

  it('table key: decrypt for readers, encrypt too for writers, on the table key only', () => {
    const statements = statementsOf(name);
    const kms = [...actionsOf(statements)].filter((a) => a.startsWith('kms:'));
    expect(kms.includes('kms:Decrypt')).toBe(true);
    expect(kms.includes('kms:Encrypt')).toBe(spec.access.table === 'readWrite');
    expect(resourcesFor(statements, 'kms:Decrypt')).toEqual([expect.stringMatching(/TableKey/)]);
  });

  it('starts executions only if declared, on the lifecycle state machine only', () => {
    const resources = resourcesFor(statementsOf(name), 'states:StartExecution');
    if (!spec.access.startExecution) return expect(resources).toEqual([]);
    expect(resources).toEqual([expect.stringMatching(/:stateMachine:HelpdeskVerify-Stateless-lifecycle$/)]);
  });

  it('sends task results only if declared', () => {
    const actions = actionsOf(statementsOf(name));
    expect(actions.has('states:SendTaskSuccess')).toBe(spec.access.sendTaskResult === true);
    // The Workflow port only ever reports success; failures travel as outcomes.
    expect(actions.has('states:SendTaskFailure')).toBe(false);
  });

  it('sends email and SMS only if declared: SES on the sender identity, SNS for SMS only', () => {
    const statements = statementsOf(name);
    const sends = spec.access.sendMessages === true;
    expect(resourcesFor(statements, 'ses:SendEmail')).toEqual(
      sends ? [expect.stringMatching(/:identity\//)] : [],
    );
    const publish = allows(statements).filter((s) => asArray(s.Action).includes('sns:Publish'));
    expect(publish).toHaveLength(sends ? 1 : 0);
    if (!sends) return;
    expect(publish[0]?.Condition?.StringEquals?.['aws:RequestedRegion']).toBeDefined();
    const deny = statements.find((s) => s.Effect === 'Deny' && asArray(s.Action).includes('sns:Publish'));
    expect(deny && flatten(deny.Resource)).toMatch(/^arn:(aws|<AWS::Partition>):sns:\*:\*:\*$/);
  });

  it('reads exactly the declared secrets', () => {
    const resources = resourcesFor(statementsOf(name), 'secretsmanager:GetSecretValue');
    const expected = spec.access.secrets.map((kind) =>
      kind === 'portal'
        ? expect.stringMatching(/PortalSessionKey/)
        : kind === 'directory'
          ? expect.stringMatching(/directory\/credentials-\?{6}$/)
          : expect.stringMatching(`/${kind}-\\?{6}$`),
    );
    expect(resources).toHaveLength(spec.access.secrets.length);
    expect(resources).toEqual(expect.arrayContaining(expected));
    expect(actionsOf(statementsOf(name)).has('secretsmanager:DescribeSecret')).toBe(false);
  });

  it('writes logs only to its own log group', () => {
    const resources = resourcesFor(statementsOf(name), 'logs:PutLogEvents');
    const logGroup = built.stateless.getLogicalId(
      built.stateless.functions[name].functionLogGroup.node.defaultChild as never,
    );
    expect(resources).toEqual([`<${logGroup}.Arn>`]);
  });

  it('has no managed policies', () => {
    const role = resourcesOf(built.templates.stateless, 'AWS::IAM::Role')[roleIdOf(name)] as CfnResource;
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });
});
