/**
 * The console's AWS resources: the Cognito user pool behind the HTTP API's JWT authorizer, the
 * export bucket, the table stream and its two consumers, and the grants only the functions that
 * declare them in the manifest get.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { USER_POOL_READ_ACTIONS, USER_POOL_WRITE_ACTIONS } from '../../infra/console-resources.js';
import { ROLES } from '../../shared/domain/model/principal.js';
import {
  FUNCTIONS,
  type FunctionName,
  type FunctionSpec,
  ROUTES,
  type RouteSpec,
} from '../../shared/manifest.js';
import { asArray, defaultTestApp, functionLogicalId, resourcesOf, type TestApp } from './build-app.js';

let built: TestApp;

beforeAll(() => {
  built = defaultTestApp();
});

interface Statement {
  Action: string | string[];
  Resource: unknown;
}

/** Every Allow statement of a manifest function's role. */
function statementsOf(name: FunctionName): Statement[] {
  const roleId = built.stateless.getLogicalId(
    built.stateless.functions[name].executionRole.node.defaultChild as never,
  );
  return Object.values(resourcesOf(built.templates.stateless, 'AWS::IAM::Policy'))
    .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId))
    .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

const actionsOf = (name: FunctionName) => statementsOf(name).flatMap((s) => asArray(s.Action));
const specs = FUNCTIONS as readonly FunctionSpec[];

describe('console sign-in', () => {
  it('is a user pool with no self sign-up, a strong password policy, TOTP and the three role groups', () => {
    const t = built.templates.stateless;
    t.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      Policies: {
        PasswordPolicy: Match.objectLike({
          MinimumLength: 14,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        }),
      },
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
    });
    const groups = Object.values(resourcesOf(t, 'AWS::Cognito::UserPoolGroup')).map(
      (g) => g.Properties.GroupName,
    );
    expect(groups.sort()).toEqual([...ROLES].sort());
    t.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
  });

  it('has a public app client using the authorization code flow (PKCE) back to the console', () => {
    built.templates.stateless.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      CallbackURLs: ['https://console.example.com/auth/callback'],
    });
  });

  it('puts the JWT authorizer on every /api route and on nothing else', () => {
    const t = built.templates.stateless;
    const [authorizerId] = Object.keys(resourcesOf(t, 'AWS::ApiGatewayV2::Authorizer'));
    const routes = Object.values(resourcesOf(t, 'AWS::ApiGatewayV2::Route'));
    const apiRoutes = (ROUTES as readonly RouteSpec[]).filter((r) => r.path.startsWith('/api/'));
    const authorized = routes.filter((r) => r.Properties.AuthorizationType === 'JWT');
    expect(authorized.map((r) => r.Properties.RouteKey).sort()).toEqual(
      apiRoutes.map((r) => `${r.method} ${r.path}`).sort(),
    );
    for (const r of authorized) expect(r.Properties.AuthorizerId).toEqual({ Ref: authorizerId });
  });
});

describe('export bucket', () => {
  it('is private, TLS-only, encrypted, and forgets exports after a week', () => {
    const t = built.templates.stateful;
    t.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: {
        Rules: [Match.objectLike({ Prefix: 'exports/', ExpirationInDays: 7, Status: 'Enabled' })],
      },
    });
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('lets only the export runner write and only the export reader read, under exports/', () => {
    const s3 = (name: FunctionName) => actionsOf(name).filter((a) => a.startsWith('s3:'));
    for (const spec of specs) {
      const name = spec.name as FunctionName;
      if (name === 'console-export-run')
        expect(s3(name).sort()).toEqual(['s3:AbortMultipartUpload', 's3:PutObject']);
      else if (name === 'console-export-get') expect(s3(name)).toEqual(['s3:GetObject']);
      else expect(s3(name), name).toEqual([]);
    }
    const resources = statementsOf('console-export-run')
      .filter((s) => asArray(s.Action).includes('s3:PutObject'))
      .map((s) => JSON.stringify(s.Resource));
    expect(resources).toEqual([expect.stringContaining('/exports/*')]);
  });
});

describe('table stream', () => {
  it('is on, with old and new images', () => {
    built.templates.stateful.hasResourceProperties('AWS::DynamoDB::Table', {
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
  });

  it('feeds each consumer through a filtered event source mapping with partial batch failures', () => {
    const mappings = Object.values(resourcesOf(built.templates.stateless, 'AWS::Lambda::EventSourceMapping'));
    const consumers = specs.filter((s) => s.stream);
    expect(consumers.map((s) => s.name).sort()).toEqual(['console-aggregate', 'console-export-run']);
    expect(mappings).toHaveLength(consumers.length);
    for (const spec of consumers) {
      const mapping = mappings.find(
        (m) =>
          JSON.stringify(m.Properties.FunctionName) ===
          JSON.stringify({ Ref: functionLogicalId(built, spec.name as FunctionName) }),
      );
      expect(mapping?.Properties).toMatchObject({
        StartingPosition: 'TRIM_HORIZON',
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BisectBatchOnFunctionError: true,
        FilterCriteria: { Filters: [{ Pattern: JSON.stringify(spec.stream?.filter) }] },
        DestinationConfig: { OnFailure: { Destination: expect.anything() } },
      });
    }
  });

  it('gives stream reads only to the consumers', () => {
    for (const spec of specs) {
      const reads = actionsOf(spec.name as FunctionName).includes('dynamodb:GetRecords');
      expect(reads, spec.name).toBe(Boolean(spec.stream));
    }
  });
});

describe('console users and secrets', () => {
  it('lets only the user functions touch the user pool, writers only where the manifest says write', () => {
    for (const spec of specs) {
      const cognito = actionsOf(spec.name as FunctionName).filter((a) => a.startsWith('cognito-idp:'));
      const expected =
        spec.access.consoleUsers === 'write'
          ? [...USER_POOL_READ_ACTIONS, ...USER_POOL_WRITE_ACTIONS]
          : spec.access.consoleUsers === 'read'
            ? USER_POOL_READ_ACTIONS
            : [];
      expect(cognito.sort(), spec.name).toEqual([...expected].sort());
    }
  });

  it('lets only the secrets function write connection secrets, and nothing read them back through it', () => {
    for (const spec of specs) {
      const actions = actionsOf(spec.name as FunctionName);
      expect(actions.includes('secretsmanager:PutSecretValue'), spec.name).toBe(
        spec.name === 'console-secrets-put',
      );
    }
    expect(actionsOf('console-secrets-put')).not.toContain('secretsmanager:GetSecretValue');
  });
});
