/** The stateful stack: the table from the shared definition, its key, the portal secret, the sender. */
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_ATTRIBUTES, TABLE } from '../../shared/adapters/dynamodb/table.js';
import { buildTestApp, type CfnResource, ownResourcesOf, resourcesOf, type TestApp } from './build-app.js';

let built: TestApp;
let table: CfnResource;

beforeAll(() => {
  built = buildTestApp({ senderEmail: 'helpdesk@acme.test', secretsPrefix: 'acme-verify/' });
  const tables = Object.values(resourcesOf(built.templates.stateful, 'AWS::DynamoDB::Table'));
  expect(tables).toHaveLength(1);
  table = tables[0] as CfnResource;
});

afterAll(() => built.cleanup());

describe('table', () => {
  it('is on-demand with point-in-time recovery and TTL on the shared attribute', () => {
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true },
    });
  });

  it('has the key schema and string key attributes of the shared definition', () => {
    expect(table.Properties.KeySchema).toEqual([
      { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
    ]);
    expect(table.Properties.AttributeDefinitions).toEqual(
      expect.arrayContaining(KEY_ATTRIBUTES.map((name) => ({ AttributeName: name, AttributeType: 'S' }))),
    );
    expect(table.Properties.AttributeDefinitions).toHaveLength(KEY_ATTRIBUTES.length);
  });

  it('has exactly the shared GSIs, projecting ALL', () => {
    expect(table.Properties.GlobalSecondaryIndexes).toEqual(
      TABLE.indexes.map((index) => ({
        IndexName: index.indexName,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    );
  });

  it('is encrypted with a rotated customer-managed key, both retained', () => {
    const keys = resourcesOf(built.templates.stateful, 'AWS::KMS::Key');
    const [keyId, key] = Object.entries(keys)[0] ?? [];
    expect(Object.keys(keys)).toHaveLength(1);
    expect(table.Properties.SSESpecification).toEqual({
      SSEEnabled: true,
      SSEType: 'KMS',
      KMSMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
    });
    expect(key).toMatchObject({ DeletionPolicy: 'Retain', Properties: { EnableKeyRotation: true } });
  });

  it('survives stack deletion and replacement', () => {
    expect(table).toMatchObject({
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: { DeletionProtectionEnabled: true },
    });
  });
});

describe('portal session secret', () => {
  it('is generated under the configured prefix and retained', () => {
    built.templates.stateful.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        Name: 'acme-verify/portal-session-key',
        GenerateSecretString: Match.objectLike({ PasswordLength: 64 }),
      }),
    });
    expect(Object.keys(resourcesOf(built.templates.stateful, 'AWS::SecretsManager::Secret'))).toHaveLength(1);
  });
});

describe('sender identity', () => {
  it('is the configured address, which is also every function EMAIL_FROM', () => {
    built.templates.stateful.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'helpdesk@acme.test',
    });
    for (const fn of Object.values(ownResourcesOf(built.templates.stateless, 'AWS::Lambda::Function'))) {
      const env = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(env.EMAIL_FROM).toBe('helpdesk@acme.test');
      expect(env.SECRETS_PREFIX).toBe('acme-verify/');
    }
  });
});

describe('stack boundary', () => {
  it('holds no compute: functions, APIs and state machines live in the stateless stack', () => {
    for (const type of [
      'AWS::Lambda::Function',
      'AWS::ApiGatewayV2::Api',
      'AWS::StepFunctions::StateMachine',
    ]) {
      expect(Object.keys(resourcesOf(built.templates.stateful, type)), type).toHaveLength(0);
    }
  });

  it('does not depend on the stateless stack', () => {
    expect(built.stateful.dependencies).toEqual([]);
    expect(built.stateless.dependencies).toContain(built.stateful);
  });
});
