/**
 * The portal's hosting (infra/web-hosting.ts): a private bucket behind CloudFront with origin
 * access control, the security headers the local gateway sends too (the CSP letting the page call
 * the HTTP API on the API's own origin, which CloudFront does not front, so the API sees the
 * requester's address), an SPA fallback, the build and its config.json (naming the API) deployed,
 * and the links in messages pointing at the distribution.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../infra/helpdesk-verify.js';
import { WebHosting, type WebHostingProps } from '../../infra/web-hosting.js';
import { securityHeaders } from '../../local/static-site.js';
import { PORTAL_CSP, PORTAL_DIST, portalCsp } from '../../web/portal/build.js';
import {
  type CfnResource,
  defaultTestApp,
  functionLogicalId,
  resourcesOf,
  type TestApp,
} from './build-app.js';

/** AWS managed policies, by their fixed ids. */
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

let built: TestApp;
let template: Template;

beforeAll(() => {
  built = defaultTestApp();
  template = built.templates.stateless;
});

interface Behavior {
  PathPattern?: string;
  TargetOriginId: string;
  ViewerProtocolPolicy: string;
  AllowedMethods?: string[];
  CachePolicyId: unknown;
  OriginRequestPolicyId?: unknown;
  ResponseHeadersPolicyId: unknown;
  FunctionAssociations?: { EventType: string; FunctionARN: unknown }[];
}

interface DistributionConfig {
  DefaultRootObject: string;
  DefaultCacheBehavior: Behavior;
  CacheBehaviors?: Behavior[];
  Origins: {
    Id: string;
    DomainName: unknown;
    OriginAccessControlId?: unknown;
    S3OriginConfig?: { OriginAccessIdentity: string };
    CustomOriginConfig?: { OriginProtocolPolicy: string };
  }[];
  Logging?: { Bucket: unknown; Prefix: string };
  Aliases?: string[];
  ViewerCertificate?: { AcmCertificateArn: string; MinimumProtocolVersion: string; SslSupportMethod: string };
}

const only = (t: Template, type: string): [string, CfnResource] => {
  const entries = Object.entries(resourcesOf(t, type));
  expect(entries, type).toHaveLength(1);
  return entries[0] as [string, CfnResource];
};
const distributionOf = (t: Template) =>
  only(t, 'AWS::CloudFront::Distribution')[1].Properties.DistributionConfig as DistributionConfig;
/** The HTTP API's `https://<api id>.execute-api.<region>.amazonaws.com`, as the template says it. */
const apiEndpoint = () => ({ 'Fn::GetAtt': [only(template, 'AWS::ApiGatewayV2::Api')[0], 'ApiEndpoint'] });

/** Resource ids each resource of a template waits for: its Ref, Fn::GetAtt and DependsOn targets. */
function dependencies(t: Template): Map<string, Set<string>> {
  const resources = t.toJSON().Resources as Record<
    string,
    { Properties?: unknown; DependsOn?: string | string[] }
  >;
  const collect = (value: unknown, into: Set<string>) => {
    if (Array.isArray(value)) for (const v of value) collect(v, into);
    else if (value && typeof value === 'object') {
      const node = value as Record<string, unknown>;
      if (typeof node.Ref === 'string' && node.Ref in resources) into.add(node.Ref);
      const getAtt = node['Fn::GetAtt'];
      if (Array.isArray(getAtt) && typeof getAtt[0] === 'string' && getAtt[0] in resources)
        into.add(getAtt[0]);
      for (const v of Object.values(node)) collect(v, into);
    }
  };
  return new Map(
    Object.entries(resources).map(([id, r]) => {
      const into = new Set<string>([r.DependsOn ?? []].flat());
      collect(r.Properties, into);
      return [id, into];
    }),
  );
}

/** A dependency cycle (CloudFormation refuses the template), as the ids around it; undefined if none. */
function findCycle(graph: Map<string, Set<string>>): string[] | undefined {
  const done = new Set<string>();
  const visit = (id: string, path: string[]): string[] | undefined => {
    if (path.includes(id)) return [...path.slice(path.indexOf(id)), id];
    if (done.has(id)) return undefined;
    for (const next of graph.get(id) ?? []) {
      const cycle = visit(next, [...path, id]);
      if (cycle) return cycle;
    }
    done.add(id);
    return undefined;
  };
  for (const id of graph.keys()) {
    const cycle = visit(id, []);
    if (cycle) return cycle;
  }
  return undefined;
}

describe('portal bucket', () => {
  it('is private, encrypted, TLS-only and logged', () => {
    const [siteId] = Object.entries(resourcesOf(template, 'AWS::S3::Bucket')).find(([id]) =>
      id.startsWith('PortalSite'),
    ) ?? [''];
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: Match.objectLike({}),
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 's3/' }),
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
    const policy = Object.values(resourcesOf(template, 'AWS::S3::BucketPolicy')).find(
      (p) => JSON.stringify(p.Properties.Bucket) === JSON.stringify({ Ref: siteId }),
    );
    const document = policy?.Properties.PolicyDocument as
      | { Statement: Record<string, unknown>[] }
      | undefined;
    const statements = document?.Statement ?? [];
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
  });

  it('is readable by this distribution only, through origin access control', () => {
    const [distributionId] = only(template, 'AWS::CloudFront::Distribution');
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Action: 's3:GetObject',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Condition: { StringEquals: { 'AWS:SourceArn': Match.objectLike({}) } },
          }),
        ]),
      },
    });
    const oac = only(template, 'AWS::CloudFront::OriginAccessControl')[1];
    expect(oac.Properties.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    const s3Origin = distributionOf(template).Origins.find((o) => o.S3OriginConfig);
    expect(s3Origin?.S3OriginConfig?.OriginAccessIdentity).toBe('');
    expect(s3Origin?.OriginAccessControlId).toBeDefined();
    expect(JSON.stringify(template.toJSON())).toContain(distributionId);
  });
});

describe('portal distribution', () => {
  it('serves the app from S3 over HTTPS with the security headers and the SPA fallback', () => {
    const config = distributionOf(template);
    expect(config.DefaultRootObject).toBe('index.html');
    const s3Origin = config.Origins.find((o) => o.S3OriginConfig);
    expect(config.DefaultCacheBehavior.TargetOriginId).toBe(s3Origin?.Id);
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(config.DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual({
      Ref: only(template, 'AWS::CloudFront::ResponseHeadersPolicy')[0],
    });
    expect(config.DefaultCacheBehavior.FunctionAssociations).toEqual([
      {
        EventType: 'viewer-request',
        FunctionARN: { 'Fn::GetAtt': [only(template, 'AWS::CloudFront::Function')[0], 'FunctionARN'] },
      },
    ]);
    expect(config.Logging?.Prefix).toBe('cloudfront/');
  });

  it("routes nothing to the HTTP API: the portal calls it on the API's own origin", () => {
    const config = distributionOf(template);
    expect(config.CacheBehaviors ?? []).toEqual([]);
    expect(config.Origins).toHaveLength(1);
    expect(config.Origins[0]?.S3OriginConfig).toBeDefined();
    expect(JSON.stringify(config)).not.toContain('execute-api');
  });

  it('lets the page connect to its own origin and the HTTP API only (CSP connect-src)', () => {
    const policy = only(template, 'AWS::CloudFront::ResponseHeadersPolicy')[1].Properties
      .ResponseHeadersPolicyConfig as {
      SecurityHeadersConfig: {
        ContentSecurityPolicy: { ContentSecurityPolicy: { 'Fn::Join': [string, unknown[]] } };
      };
    };
    const [, parts] = policy.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy['Fn::Join'];
    const csp = parts.map((p) => (typeof p === 'string' ? p : '<API>')).join('');
    expect(parts.filter((p) => typeof p !== 'string')).toEqual([apiEndpoint()]);
    const directives = csp.split('; ');
    expect(directives.filter((d) => d.startsWith('connect-src'))).toEqual(["connect-src 'self' <API>"]);
    expect(directives).toContain("default-src 'none'");
  });

  it('has no dependency cycle (the API names the portal in CORS, the portal names the API in its CSP)', () => {
    expect(findCycle(dependencies(template))).toBeUndefined();
    // The check finds one where there is one.
    const cyclic = new Map([
      ['Api', new Set(['Distribution'])],
      ['Distribution', new Set(['Headers'])],
      ['Headers', new Set(['Api'])],
    ]);
    expect(findCycle(cyclic)).toEqual(['Api', 'Distribution', 'Headers', 'Api']);
  });

  it('sends the same security headers as the local gateway', () => {
    // The same definition the local static site uses, for the deployed API's origin.
    const local = securityHeaders(portalCsp(built.stateless.api.apiEndpoint));
    const policy = only(template, 'AWS::CloudFront::ResponseHeadersPolicy')[1].Properties
      .ResponseHeadersPolicyConfig as {
      SecurityHeadersConfig: {
        ContentSecurityPolicy: { ContentSecurityPolicy: unknown; Override: boolean };
        StrictTransportSecurity: { AccessControlMaxAgeSec: number; IncludeSubdomains: boolean };
        ReferrerPolicy: { ReferrerPolicy: string };
        ContentTypeOptions: { Override: boolean };
        FrameOptions: { FrameOption: string };
      };
    };
    const h = policy.SecurityHeadersConfig;
    expect(h.ContentSecurityPolicy).toEqual({
      ContentSecurityPolicy: built.stateless.resolve(local['content-security-policy']),
      Override: true,
    });
    const csp = JSON.stringify(h.ContentSecurityPolicy.ContentSecurityPolicy);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    const hsts = `max-age=${h.StrictTransportSecurity.AccessControlMaxAgeSec}${h.StrictTransportSecurity.IncludeSubdomains ? '; includeSubDomains' : ''}`;
    expect(hsts).toBe(local['strict-transport-security']);
    expect(h.ReferrerPolicy.ReferrerPolicy).toBe(local['referrer-policy']);
    expect(h.ContentTypeOptions.Override).toBe(true);
    expect(local['x-content-type-options']).toBe('nosniff');
    expect(h.FrameOptions.FrameOption).toBe(local['x-frame-options']);
  });

  it('falls back to index.html for app paths only (the function code, run)', () => {
    const code = only(template, 'AWS::CloudFront::Function')[1].Properties.FunctionCode as string;
    const handler = new Function(`${code}; return handler;`)() as (e: { request: { uri: string } }) => {
      uri: string;
    };
    const rewrite = (uri: string) => handler({ request: { uri } }).uri;
    expect(rewrite('/')).toBe('/index.html');
    expect(rewrite('/start')).toBe('/index.html');
    expect(rewrite('/index.html')).toBe('/index.html');
    expect(rewrite('/config.json')).toBe('/config.json');
    expect(rewrite('/assets/index-abc123.js')).toBe('/assets/index-abc123.js');
  });
});

describe('portal deployment', () => {
  it('deploys hashed assets as immutable, then the pages and config.json revalidated, invalidating them', () => {
    const deployments = Object.values(resourcesOf(template, 'Custom::CDKBucketDeployment')).map(
      (d) => d.Properties as Record<string, unknown>,
    );
    const assets = deployments.find((d) => d.DestinationBucketKeyPrefix === 'assets/');
    const pages = deployments.find((d) => d.DestinationBucketKeyPrefix === undefined);
    expect(assets?.SystemMetadata).toEqual({ 'cache-control': 'public, max-age=31536000, immutable' });
    expect(assets?.Prune).toBe(false);
    expect(pages?.SystemMetadata).toEqual({ 'cache-control': 'no-cache' });
    expect(pages?.DistributionPaths).toEqual(['/', '/index.html', '/config.json']);
    expect(pages?.Prune).toBe(false);
    // Two sources: the build without assets/, and the config.json made from the settings.
    const staged = ((pages?.SourceObjectKeys ?? []) as string[]).map((key) =>
      join(built.outdir, `asset.${key.replace(/\.zip$/, '')}`),
    );
    expect(staged).toHaveLength(2);
    const [build, config] = staged.map((dir) => readdirSync(dir).sort());
    expect(build).toEqual(expect.arrayContaining(['index.html', 'logo.svg']));
    expect(build).not.toContain('assets');
    expect(config).toEqual(['config.json']);
    const written = JSON.parse(readFileSync(join(staged[1] ?? '', 'config.json'), 'utf8'));
    // The defaults set no self-service connection: the start page sends people to the help desk.
    // apiBaseUrl is a marker the deployment replaces with the HTTP API's endpoint.
    expect(written).toEqual({
      ...DEFAULT_SETTINGS.portalBranding,
      selfService: false,
      apiBaseUrl: expect.stringMatching(/^<<marker:/),
    });
    expect(pages?.SourceMarkers).toEqual([{}, { [written.apiBaseUrl]: apiEndpoint() }]);
  });

  it('points the links in messages at the distribution', () => {
    const [distributionId] = only(template, 'AWS::CloudFront::Distribution');
    const fn = resourcesOf(template, 'AWS::Lambda::Function')[
      functionLogicalId(built, 'lifecycle-send-link')
    ];
    const env =
      (fn?.Properties.Environment as { Variables: Record<string, unknown> } | undefined)?.Variables ?? {};
    expect(env.PORTAL_BASE_URL).toEqual({
      'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }]],
    });
    expect(built.stateless.portal.url).toContain('https://');
  });
});

describe('WebHosting construct', () => {
  const props = (siteDir = PORTAL_DIST): WebHostingProps => ({
    siteDir,
    buildCommand: 'npm run build:web',
    runtimeConfig: { companyName: 'Acme' },
    contentSecurityPolicy: PORTAL_CSP,
  });

  it('routes the API paths to the HTTP API when given (the console), uncached, every viewer header but Host', () => {
    const stack = new Stack(new App(), 'Scratch', { env: { region: 'eu-west-1' } });
    new WebHosting(stack, 'Console', {
      ...props(),
      api: { domainName: 'abc123.execute-api.eu-west-1.amazonaws.com', pathPatterns: ['/api/*'] },
    });
    const config = distributionOf(Template.fromStack(stack));
    expect(config.CacheBehaviors).toHaveLength(1);
    const [api] = config.CacheBehaviors ?? [];
    expect(api).toMatchObject({
      PathPattern: '/api/*',
      ViewerProtocolPolicy: 'https-only',
      CachePolicyId: CACHING_DISABLED,
      OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
      AllowedMethods: expect.arrayContaining(['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE']),
    });
    const origin = config.Origins.find((o) => o.Id === api?.TargetOriginId);
    expect(origin?.CustomOriginConfig?.OriginProtocolPolicy).toBe('https-only');
    expect(origin?.DomainName).toBe('abc123.execute-api.eu-west-1.amazonaws.com');
  });

  it('serves a custom domain with its certificate and TLS 1.2 at least', () => {
    const stack = new Stack(new App(), 'Scratch', { env: { account: '111111111111', region: 'us-east-1' } });
    const hosting = new WebHosting(stack, 'Portal', {
      ...props(),
      customDomain: {
        domainName: 'verify.acme.com',
        certificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/abc',
      },
    });
    const config = distributionOf(Template.fromStack(stack));
    expect(config.Aliases).toEqual(['verify.acme.com']);
    expect(config.ViewerCertificate).toEqual({
      AcmCertificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/abc',
      MinimumProtocolVersion: 'TLSv1.2_2021',
      SslSupportMethod: 'sni-only',
    });
    expect(hosting.url).toBe('https://verify.acme.com');
  });

  it('has no unacknowledged cdk-nag finding in a pinned environment (as `cdk synth` with credentials)', () => {
    const stack = new Stack(new App(), 'Scratch', { env: { region: 'eu-west-1' } });
    new WebHosting(stack, 'Portal', props());
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(report.violations.map((v) => v.ruleName)).toEqual([]);
  });

  it('refuses to synthesize without a build, naming the command to run', () => {
    const stack = new Stack(new App(), 'Scratch');
    const empty = mkdtempSync(join(tmpdir(), 'hv-no-build-'));
    expect(() => new WebHosting(stack, 'Portal', props(empty))).toThrow(/npm run build:web/);
  });
});
