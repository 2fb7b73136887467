/** The HTTP API and the console's Cognito pool, checked against the route manifest. */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROLES } from '../../shared/domain/model/principal.js';
import { ROUTES, type RouteSpec } from '../../shared/manifest.js';
import {
  arnOf,
  buildTestApp,
  type CfnResource,
  defaultTestApp,
  functionLogicalId,
  resourcesOf,
  type TestApp,
} from './build-app.js';

let built: TestApp;
let routes: Record<string, CfnResource>;
let integrations: Record<string, CfnResource>;

beforeAll(() => {
  built = defaultTestApp();
  routes = resourcesOf(built.templates.stateless, 'AWS::ApiGatewayV2::Route');
  integrations = resourcesOf(built.templates.stateless, 'AWS::ApiGatewayV2::Integration');
});

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
    // Scheduled functions are invoked by EventBridge, with permissions of their own.
    const permissions = Object.values(
      resourcesOf(built.templates.stateless, 'AWS::Lambda::Permission'),
    ).filter((p) => p.Properties.Principal === 'apigateway.amazonaws.com');
    const invoked = new Set(permissions.map((p) => JSON.stringify(p.Properties.FunctionName)));
    const routed = new Set(ROUTES.map((r) => JSON.stringify(arnOf(functionLogicalId(built, r.function)))));
    expect(invoked).toEqual(routed);
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
});

/**
 * The UpdateApi call a custom resource makes (infra/api-cors.ts), as JSON with `{Ref:Id}` and
 * `{Id.Attribute}` where the template has references.
 */
function corsCall(t: Template, event: 'Create' | 'Update') {
  const resources = Object.values(resourcesOf(t, 'Custom::AWS'));
  expect(resources).toHaveLength(1);
  const value = resources[0]?.Properties[event] as { 'Fn::Join': [string, unknown[]] };
  const json = value['Fn::Join'][1]
    .map((part) => {
      if (typeof part === 'string') return part;
      const ref = part as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
      return ref.Ref ? `{Ref:${ref.Ref}}` : `{${ref['Fn::GetAtt']?.join('.')}}`;
    })
    .join('');
  return JSON.parse(json) as {
    service: string;
    action: string;
    parameters: {
      ApiId: string;
      CorsConfiguration: {
        AllowOrigins: string[];
        AllowMethods: string[];
        AllowHeaders: string[];
        MaxAge: number;
        AllowCredentials: boolean;
      };
    };
  };
}

describe('CORS', () => {
  const apiId = () => Object.keys(resourcesOf(built.templates.stateless, 'AWS::ApiGatewayV2::Api'))[0];
  const distributionId = () =>
    Object.keys(resourcesOf(built.templates.stateless, 'AWS::CloudFront::Distribution'))[0];

  it("allows the portal's CloudFront origin and the console's, for the browser routes' methods and headers, no credentials", () => {
    const call = corsCall(built.templates.stateless, 'Create');
    expect(call).toMatchObject({ service: 'ApiGatewayV2', action: 'UpdateApi' });
    expect(call.parameters.ApiId).toBe(`{Ref:${apiId()}}`);
    const cors = call.parameters.CorsConfiguration;
    expect(cors.AllowOrigins).toEqual([
      'https://console.example.com',
      `https://{${distributionId()}.DomainName}`,
    ]);
    const portalMethods = (ROUTES as readonly RouteSpec[])
      .filter((r) => r.path.startsWith('/portal/'))
      .map((r) => r.method);
    const browserMethods = (ROUTES as readonly RouteSpec[])
      .filter((r) => r.auth !== 'webhook')
      .map((r) => r.method);
    expect(cors.AllowMethods).toEqual(expect.arrayContaining(portalMethods));
    expect(new Set(cors.AllowMethods)).toEqual(new Set(browserMethods));
    expect(cors.AllowHeaders).toEqual(['authorization', 'content-type']);
    expect(cors.AllowCredentials).toBe(false);
    expect(cors.MaxAge).toBeGreaterThan(0);
    // The same configuration whenever it changes (a new portal origin is an update).
    expect(corsCall(built.templates.stateless, 'Update')).toEqual(call);
  });

  it('is set by the custom resource only (a CORS property on the API would close a dependency cycle)', () => {
    const [api] = Object.values(resourcesOf(built.templates.stateless, 'AWS::ApiGatewayV2::Api'));
    expect(api?.Properties.CorsConfiguration).toBeUndefined();
  });

  it('the custom resource may update this API and nothing else', () => {
    const policies = Object.values(resourcesOf(built.templates.stateless, 'AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties.PolicyDocument).includes('apigateway:'),
    );
    expect(policies).toHaveLength(1);
    const document = policies[0]?.Properties.PolicyDocument as { Statement: unknown[] } | undefined;
    expect(document?.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: 'apigateway:PATCH',
        Resource: {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':apigateway:',
              { Ref: 'AWS::Region' },
              '::/apis/',
              { Ref: apiId() },
            ],
          ],
        },
      },
    ]);
  });

  it("allows portalBaseUrl's origin when the portal has one", () => {
    const custom = buildTestApp({ portalBaseUrl: 'https://verify.example.com/' });
    try {
      const cors = corsCall(custom.templates.stateless, 'Create').parameters.CorsConfiguration;
      expect(cors.AllowOrigins).toEqual(['https://console.example.com', 'https://verify.example.com']);
    } finally {
      custom.cleanup();
    }
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
