/** The HTTP API and the console's Cognito pool, checked against the route manifest. */
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, ROUTES, type RouteSpec } from '../../shared/manifest.js';
import {
  arnOf,
  buildTestApp,
  type CfnResource,
  functionLogicalId,
  resourcesOf,
  type TestApp,
} from './build-app.js';

let built: TestApp;
let routes: Record<string, CfnResource>;
let integrations: Record<string, CfnResource>;

beforeAll(() => {
  built = buildTestApp();
  routes = resourcesOf(built.templates.stateless, 'AWS::ApiGatewayV2::Route');
  integrations = resourcesOf(built.templates.stateless, 'AWS::ApiGatewayV2::Integration');
});

afterAll(() => built.cleanup());

function routeFor(spec: RouteSpec): CfnResource {
  const found = Object.values(routes).filter((r) => r.Properties.RouteKey === `${spec.method} ${spec.path}`);
  expect(found, `${spec.method} ${spec.path}`).toHaveLength(1);
  return found[0] as CfnResource;
}

function jwtAuthorizerId(): string {
  const authorizers = resourcesOf(built.templates.stateless, 'AWS::ApiGatewayV2::Authorizer');
  const ids = Object.keys(authorizers);
  expect(ids).toHaveLength(1);
  return ids[0] as string;
}

describe('HTTP API routes', () => {
  it('has exactly one route per manifest entry and no other', () => {
    // Assess
    expect(Object.keys(routes)).toHaveLength(ROUTES.length);
  });

  it.each(ROUTES as readonly RouteSpec[])('$method $path integrates $function', (spec) => {
    // Prepare
    const route = routeFor(spec);

    // Act: follow the route's target to its integration
    const target = route.Properties.Target as { 'Fn::Join': [string, [string, { Ref: string }]] };
    const [, [prefix, ref]] = target['Fn::Join'];
    const integration = integrations[ref.Ref];

    // Assess
    expect(prefix).toBe('integrations/');
    expect(integration?.Properties).toMatchObject({
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: arnOf(functionLogicalId(built, spec.function)),
    });
  });

  it.each((ROUTES as readonly RouteSpec[]).filter((r) => r.auth === 'console'))(
    'console route $method $path requires a Cognito JWT',
    (spec) => {
      expect(routeFor(spec).Properties).toMatchObject({
        AuthorizationType: 'JWT',
        AuthorizerId: { Ref: jwtAuthorizerId() },
      });
    },
  );

  it.each((ROUTES as readonly RouteSpec[]).filter((r) => r.auth !== 'console'))(
    '$auth route $method $path has no gateway authorizer (the handler checks it)',
    (spec) => {
      const props = routeFor(spec).Properties ?? {};
      expect(props.AuthorizationType).toBe('NONE');
      expect(props.AuthorizerId).toBeUndefined();
    },
  );

  it('lets API Gateway invoke every routed function, and only those', () => {
    const permissions = Object.values(resourcesOf(built.templates.stateless, 'AWS::Lambda::Permission'));
    const invoked = new Set(permissions.map((p) => JSON.stringify(p.Properties.FunctionName)));
    const routed = new Set(ROUTES.map((r) => JSON.stringify(arnOf(functionLogicalId(built, r.function)))));
    expect(invoked).toEqual(routed);
    for (const p of permissions) expect(p.Properties.Principal).toBe('apigateway.amazonaws.com');
  });
});

describe('JWT authorizer', () => {
  it('trusts the console user pool and its client only', () => {
    const pool = built.stateless.getLogicalId(built.stateless.userPool.node.defaultChild as never);
    const client = built.stateless.getLogicalId(built.stateless.userPoolClient.node.defaultChild as never);
    built.templates.stateless.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: { 'Fn::GetAtt': [pool, 'ProviderURL'] }, Audience: [{ Ref: client }] },
    });
  });
});

describe('default stage', () => {
  it('is throttled and writes JSON access logs to a retained log group', () => {
    const stages = Object.values(resourcesOf(built.templates.stateless, 'AWS::ApiGatewayV2::Stage'));
    expect(stages).toHaveLength(1);
    const props = stages[0]?.Properties as {
      StageName: string;
      AutoDeploy: boolean;
      DefaultRouteSettings: { ThrottlingRateLimit: number; ThrottlingBurstLimit: number };
      AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [string, string] }; Format: string };
    };
    expect(props.StageName).toBe('$default');
    expect(props.AutoDeploy).toBe(true);
    expect(props.DefaultRouteSettings.ThrottlingRateLimit).toBeGreaterThan(0);
    expect(props.DefaultRouteSettings.ThrottlingBurstLimit).toBeGreaterThan(0);
    const format = JSON.parse(props.AccessLogSettings.Format) as Record<string, string>;
    expect(format).toMatchObject({ requestId: '$context.requestId', status: '$context.status' });
    const [logGroupId] = props.AccessLogSettings.DestinationArn['Fn::GetAtt'];
    const logGroup = resourcesOf(built.templates.stateless, 'AWS::Logs::LogGroup')[logGroupId];
    expect(logGroup).toMatchObject({ DeletionPolicy: 'Retain', Properties: { RetentionInDays: 30 } });
  });

  it('allows CORS only from the console origin (the portal calls /portal/* on its own origin)', () => {
    built.templates.stateless.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: {
        AllowOrigins: Match.arrayEquals(['https://console.example.com']),
      },
    });
  });
});

describe('console user pool', () => {
  it('has one group per console role used by the routes', () => {
    const groups = Object.values(resourcesOf(built.templates.stateless, 'AWS::Cognito::UserPoolGroup')).map(
      (g) => g.Properties.GroupName,
    );
    const routeRoles = new Set((ROUTES as readonly RouteSpec[]).flatMap((r) => r.roles ?? []));
    expect(new Set(groups)).toEqual(new Set(ROLES));
    for (const role of routeRoles) expect(groups).toContain(role);
  });

  it('is invite-only, requires TOTP MFA and is kept on stack deletion', () => {
    built.templates.stateless.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        MfaConfiguration: 'ON',
        EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
        DeletionProtection: 'ACTIVE',
        UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
      }),
    });
  });

  it('has a public SPA client: authorization code flow, no secret, no implicit grant', () => {
    built.templates.stateless.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      CallbackURLs: ['https://console.example.com/auth/callback'],
      SupportedIdentityProviders: ['COGNITO'],
    });
  });
});

describe('stack outputs', () => {
  it('publish what the web apps and operators need', () => {
    const outputs = Object.keys(built.templates.stateless.findOutputs('*'));
    expect(outputs).toEqual(
      expect.arrayContaining(['ApiUrl', 'UserPoolId', 'UserPoolClientId', 'TableName', 'StateMachineArn']),
    );
  });
});
