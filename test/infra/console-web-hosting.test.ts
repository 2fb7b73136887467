/**
 * The console's hosting (infra/console-web-stack.ts): the built app behind CloudFront with origin
 * access control and the CSP the local gateway sends too, `/api/*` to the HTTP API uncached, and a
 * config.json that signs agents in through the user pool's hosted UI with the app client whose
 * callback it names.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { UserPool } from 'aws-cdk-lib/aws-cognito';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConsoleWebStack } from '../../infra/console-web-stack.js';
import { securityHeaders } from '../../local/static-site.js';
import { consoleCsp } from '../../web/console/build.js';
import { type CfnResource, defaultTestApp, resourcesOf, type TestApp } from './build-app.js';

const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const CERTIFICATE = 'arn:aws:acm:us-east-1:111111111111:certificate/console';

let built: TestApp;
let template: Template;

beforeAll(() => {
  built = defaultTestApp();
  template = Template.fromStack(built.consoleWeb);
});

const only = (t: Template, type: string): [string, CfnResource] => {
  const entries = Object.entries(resourcesOf(t, type));
  expect(entries, type).toHaveLength(1);
  return entries[0] as [string, CfnResource];
};

interface Behavior {
  PathPattern?: string;
  TargetOriginId: string;
  AllowedMethods?: string[];
  CachePolicyId: unknown;
  ResponseHeadersPolicyId: unknown;
}
const distribution = (t: Template) =>
  only(t, 'AWS::CloudFront::Distribution')[1].Properties.DistributionConfig as {
    DefaultCacheBehavior: Behavior;
    CacheBehaviors: Behavior[];
    Origins: { Id: string; DomainName: unknown; OriginAccessControlId?: unknown }[];
    Aliases?: string[];
    ViewerCertificate?: { AcmCertificateArn: string };
  };

const REGION_SUFFIX = [{ Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }];
/** A value of the stateless stack read by the console stack. */
const stackOutput = (name: RegExp) => ({
  'Fn::GetStackOutput': {
    StackName: 'HelpdeskVerify-Stateless',
    Region: { Ref: 'AWS::Region' },
    OutputName: expect.stringMatching(name),
  },
});

describe('console distribution', () => {
  it('serves the bucket through origin access control, and /api/* from the HTTP API uncached', () => {
    const config = distribution(template);
    const s3 = config.Origins.find((o) => o.OriginAccessControlId);
    expect(s3).toBeDefined();
    expect(config.DefaultCacheBehavior.TargetOriginId).toBe(s3?.Id);
    expect(config.CacheBehaviors.map((b) => b.PathPattern)).toEqual(['/api/*']);
    const api = config.CacheBehaviors[0] as Behavior;
    expect(api.CachePolicyId).toBe(CACHING_DISABLED);
    expect(api.AllowedMethods).toEqual(expect.arrayContaining(['GET', 'POST', 'OPTIONS']));
    const apiOrigin = config.Origins.find((o) => o.Id === api.TargetOriginId);
    // The stateless stack's HTTP API, read across stacks.
    expect(apiOrigin?.DomainName).toEqual({
      'Fn::Join': ['', [stackOutput(/^PublishOutputRefHttpApi/), '.execute-api.', ...REGION_SUFFIX]],
    });
  });

  it('sends the CSP the local gateway sends, plus the hosted UI for the token exchange', () => {
    const policy = only(template, 'AWS::CloudFront::ResponseHeadersPolicy')[1].Properties
      .ResponseHeadersPolicyConfig as {
      SecurityHeadersConfig: { ContentSecurityPolicy: { ContentSecurityPolicy: unknown } };
    };
    const csp = JSON.stringify(policy.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy);
    // Locally there is no hosted UI: the same policy without it.
    const local = securityHeaders(consoleCsp())['content-security-policy'] ?? '';
    for (const directive of local.split('; ').filter((d) => !d.startsWith('connect-src')))
      expect(csp).toContain(directive);
    expect(csp).toContain("connect-src 'self' https://");
    expect(csp).toContain('.amazoncognito.com');
    expect(csp).not.toContain('unsafe-inline');
  });

  it('uses the distribution domain until the console has a certificate', () => {
    expect(distribution(template).Aliases).toBeUndefined();
    template.hasOutput('ConsoleUrl', { Value: { 'Fn::Join': ['', ['https://', Match.anyValue()]] } });
  });

  it('serves consoleBaseUrl with its certificate when given one', () => {
    const app = new App();
    const identity = new Stack(app, 'Identity');
    const userPool = new UserPool(identity, 'Users');
    userPool.addDomain('ConsoleLogin', { cognitoDomain: { domainPrefix: 'acme-helpdesk' } });
    const stateless = {
      api: new HttpApi(identity, 'Api'),
      userPool,
      userPoolClient: userPool.addClient('Client'),
    };
    const stack = new ConsoleWebStack(app, 'Console', {
      stateless,
      consoleBaseUrl: 'https://helpdesk.acme.com',
      consoleCertificateArn: CERTIFICATE,
    });
    const custom = Template.fromStack(stack);
    const config = distribution(custom);
    expect(config.Aliases).toEqual(['helpdesk.acme.com']);
    expect(config.ViewerCertificate?.AcmCertificateArn).toBe(CERTIFICATE);
    custom.hasOutput('ConsoleUrl', { Value: 'https://helpdesk.acme.com' });
  });
});

describe('console config.json', () => {
  it('signs in through the hosted UI with the app client, back to its registered callback', () => {
    const pages = Object.values(resourcesOf(template, 'Custom::CDKBucketDeployment'))
      .map((d) => d.Properties as Record<string, unknown>)
      .find((d) => d.DestinationBucketKeyPrefix === undefined);
    const keys = (pages?.SourceObjectKeys ?? []) as string[];
    const dirs = keys.map((key) => join(built.outdir, `asset.${key.replace(/\.zip$/, '')}`));
    const configDir = dirs.find((d) => readdirSync(d).includes('config.json'));
    expect(configDir).toBeDefined();
    // Deploy-time values (client id, domain) are markers in the staged file, filled in by the deployment.
    const staged = JSON.parse(readFileSync(join(configDir ?? '', 'config.json'), 'utf8'));
    expect(staged.auth).toMatchObject({
      mode: 'cognito',
      redirectUri: 'https://console.example.com/auth/callback',
      logoutUri: 'https://console.example.com/',
    });
    const markers = Object.assign({}, ...((pages?.SourceMarkers ?? []) as object[])) as Record<
      string,
      unknown
    >;
    expect(markers[staged.auth.clientId]).toEqual(stackOutput(/^PublishOutputRefConsoleUsersConsoleClient/));
    const [, domainMarker, regionMarker] =
      /^https:\/\/(<<marker:[^>]+>>)\.auth\.(<<marker:[^>]+>>)\.amazoncognito\.com$/.exec(
        staged.auth.domain,
      ) ?? [];
    expect(markers[domainMarker ?? '']).toEqual(stackOutput(/^PublishOutputRefConsoleUsersConsoleLogin/));
    expect(markers[regionMarker ?? '']).toEqual({ Ref: 'AWS::Region' });

    // The stateless stack's app client registers that callback and logout URL.
    built.templates.stateless.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      CallbackURLs: [staged.auth.redirectUri],
      LogoutURLs: [staged.auth.logoutUri],
      AllowedOAuthFlows: ['code'],
      GenerateSecret: false,
    });
  });
});

describe('cdk-nag', () => {
  it('has no unacknowledged findings on the console stack', () => {
    const report = new AwsSolutionsChecks().validateScope(built.consoleWeb);
    expect(
      report.violations.map((v) => `${v.ruleName} @ ${v.violatingResources.map((r) => r.constructPath)}`),
    ).toEqual([]);
  });
});
