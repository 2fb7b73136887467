/**
 * Hosts a built single-page app: a private S3 bucket read by CloudFront through origin access
 * control, a response-headers policy with the app's CSP and the security headers the local
 * gateway sends too (local/static-site.ts), optionally the API's path patterns routed to the HTTP
 * API on the same origin (the console; the portal calls the API on its own origin, so the API sees
 * the requester's address rather than CloudFront's), an SPA fallback, and a deployment of the
 * build plus a runtime `config.json` (branding, settings) written by CDK.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  type BehaviorOptions,
  CachePolicy,
  Function as CloudFrontFunction,
  Distribution,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { flattenForNag } from './project-function.js';

/** Same values as local/static-site.ts securityHeaders() (test/infra/web-hosting.test.ts compares them). */
const HSTS_MAX_AGE = Duration.days(730);

export interface WebHostingProps {
  /** The build output (index.html and `assets/` with content-hashed names). */
  readonly siteDir: string;
  /** The command that produces siteDir, named in the error when it is missing. */
  readonly buildCommand: string;
  /** Written next to index.html as `config.json`; read by the app at start. */
  readonly runtimeConfig: object;
  readonly contentSecurityPolicy: string;
  /**
   * The HTTP API behind the app's API paths on the app's origin, e.g. `/api/*`. Requests then
   * reach the API from CloudFront's addresses: leave it out where the API must see the viewer's.
   */
  readonly api?: { readonly domainName: string; readonly pathPatterns: readonly string[] };
  /** A custom domain with its ACM certificate (us-east-1); the CloudFront domain otherwise. */
  readonly customDomain?: { readonly domainName: string; readonly certificateArn: string };
  /** Access logs (S3 and CloudFront) expire after this many days. @default 90 */
  readonly accessLogDays?: number;
  /** @default RETAIN */
  readonly logRemovalPolicy?: RemovalPolicy;
}

export class WebHosting extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  /** `https://<custom domain or CloudFront domain>`, no trailing slash. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: WebHostingProps) {
    super(scope, id);
    if (!existsSync(join(props.siteDir, 'index.html'))) {
      throw new Error(
        `${props.siteDir} has no index.html: run \`${props.buildCommand}\` before synthesizing`,
      );
    }

    const logs = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // CloudFront standard logging writes with an ACL, so the bucket must accept ACLs.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(props.accessLogDays ?? 90) }],
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    Validations.of(logs).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This is the access-log bucket of the site bucket and the distribution; logging its own ' +
        'access would log into itself. It is private, encrypted, TLS-only and expires its objects.',
    });

    this.bucket = new Bucket(this, 'Site', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: false,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 's3/',
      // Rebuilt by every deployment from the repository: nothing in it needs keeping.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'CSP, HSTS, no referrer, nosniff, no framing',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: props.contentSecurityPolicy, override: true },
        strictTransportSecurity: {
          accessControlMaxAge: HSTS_MAX_AGE,
          includeSubdomains: true,
          override: true,
        },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
      },
    });

    // Paths without a file extension are the app's own: serve index.html (not an error-response
    // rewrite, which would also swallow the API's own 403/404 answers).
    const spaFallback = new CloudFrontFunction(this, 'SpaFallback', {
      runtime: FunctionRuntime.JS_2_0,
      comment: 'Serves index.html for app paths without a file extension',
      code: FunctionCode.fromInline(
        [
          'function handler(event) {',
          '  var request = event.request;',
          "  var last = request.uri.split('/').pop();",
          "  if (last.indexOf('.') === -1) request.uri = '/index.html';",
          '  return request;',
          '}',
        ].join('\n'),
      ),
    });

    const apiBehaviors: Record<string, BehaviorOptions> = {};
    if (props.api) {
      const origin = new HttpOrigin(props.api.domainName, {
        protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
      });
      for (const pattern of props.api.pathPatterns) {
        apiBehaviors[pattern] = {
          origin,
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          // Every answer is per session: never cached; tokens travel in Authorization, which
          // AllViewerExceptHostHeader forwards (API Gateway needs its own Host).
          cachePolicy: CachePolicy.CACHING_DISABLED,
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: headers,
        };
      }
    }
    const custom = props.customDomain;
    this.distribution = new Distribution(this, 'Distribution', {
      comment: `${Stack.of(this).stackName} ${id}`,
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      ...(custom
        ? {
            // Settable only with a custom certificate (the default one's policy is fixed).
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
            domainNames: [custom.domainName],
            certificate: Certificate.fromCertificateArn(this, 'Certificate', custom.certificateArn),
          }
        : {}),
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        compress: true,
        functionAssociations: [{ function: spaFallback, eventType: FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: apiBehaviors,
    });
    this.url = `https://${custom?.domainName ?? this.distribution.distributionDomainName}`;

    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason:
          'No geo restriction on purpose: requesters travel and work from anywhere; an unusual country ' +
          'is a scored network signal of the verification engine, not a block at the edge.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'No WAF web ACL: a CloudFront web ACL must live in us-east-1 (a separate stack); the HTTP API the app calls ' +
          'has stage throttling, per-network request limits and per-link open limits in the handlers.',
      },
      ...(custom
        ? []
        : [
            {
              id: 'AwsSolutions-CFR4',
              reason:
                'Without a custom domain the distribution uses the default *.cloudfront.net certificate, ' +
                'whose security policy CloudFront fixes; with a custom domain it requires TLSv1.2_2021.',
            },
          ]),
    );

    // Hashed assets first (cached for a year, old ones kept for pages still open), then index.html
    // and config.json (revalidated on every load), so a new index never points at missing assets.
    const assets = new BucketDeployment(this, 'DeployAssets', {
      sources: [Source.asset(join(props.siteDir, 'assets'))],
      destinationBucket: this.bucket,
      destinationKeyPrefix: 'assets/',
      prune: false,
      cacheControl: [CacheControl.fromString('public, max-age=31536000, immutable')],
    });
    const pages = new BucketDeployment(this, 'DeployPages', {
      sources: [
        Source.asset(props.siteDir, { exclude: ['assets', 'assets/**'] }),
        Source.jsonData('config.json', props.runtimeConfig),
      ],
      destinationBucket: this.bucket,
      prune: false,
      cacheControl: [CacheControl.noCache()],
      distribution: this.distribution,
      distributionPaths: ['/', '/index.html', '/config.json'],
    });
    pages.node.addDependency(assets);
    this.acknowledgeDeploymentHandler();
  }

  /** BucketDeployment's handler is one CDK-managed function per stack, shared by both deployments. */
  private acknowledgeDeploymentHandler() {
    const stack = Stack.of(this);
    const handler = stack.node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
    if (!handler) throw new Error('BucketDeployment handler not found');
    const copy =
      "CDK's BucketDeployment grants on the deployment's own buckets only: read of the CDK asset bucket " +
      'and write of the site bucket (its objects, `<bucket>/*`); the s3:GetObject*/List*/DeleteObject*/' +
      'Abort*/GetBucket* families are what its sync needs (aws s3 sync, multipart uploads).';
    const assetObjects = `arn:${stack.partition}:s3:::cdk-hnb659fds-assets-${stack.account}-${stack.region}/*`;
    Validations.of(handler).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          "CDK's BucketDeployment handler uses the AWS managed basic execution policy (CloudWatch Logs " +
          'write only) and offers no way to replace it.',
      },
      ...['s3:GetBucket*', 's3:GetObject*', 's3:List*', 's3:Abort*', 's3:DeleteObject*'].map((action) => ({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason: copy,
      })),
      {
        id: `AwsSolutions-IAM5[Resource::${flattenForNag(stack.resolve(assetObjects))}]`,
        reason: `${copy} The asset bucket is the CDK bootstrap bucket holding the build's zip files.`,
      },
      {
        id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(this.bucket.node.defaultChild as CfnBucket)}.Arn>/*]`,
        reason: `${copy} Objects of the site bucket only.`,
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'cloudfront:CreateInvalidation/GetInvalidation, for invalidating index.html and config.json ' +
          'after a deployment, support no narrower resource in the policy CDK generates.',
      },
      {
        id: 'AwsSolutions-L1',
        reason:
          "CDK's BucketDeployment handler (Python, with the AWS CLI layer) runs on the runtime the installed " +
          'aws-cdk-lib pins; it moves with aws-cdk-lib upgrades, not with this project.',
      },
    );
  }
}
