/**
 * The console's hosting, a stack of its own beside the stateless one: the built React app in a
 * private bucket behind CloudFront (infra/web-hosting.ts: origin access control, CSP and security
 * headers, SPA fallback), `/api/*` routed to the HTTP API on the same origin, and a runtime
 * `config.json` that sends agents to the Cognito hosted UI (authorization code + PKCE) with the
 * user pool's app client. Served at `consoleBaseUrl` when its ACM certificate is given; the
 * distribution's own domain otherwise (point the console's DNS name at it once a certificate exists).
 */
import { CfnOutput, type RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { UserPoolDomain } from 'aws-cdk-lib/aws-cognito';
import type { Construct } from 'constructs';
import { CONSOLE_DIST, type ConsoleConfig, consoleCsp } from '../web/console/build.js';
import type { StatelessStack } from './stateless-stack.js';
import { WebHosting } from './web-hosting.js';

export interface ConsoleWebStackProps extends StackProps {
  /** The HTTP API, and the user pool with its hosted-UI domain (`ConsoleLogin`) and app client. */
  readonly stateless: Pick<StatelessStack, 'api' | 'userPool' | 'userPoolClient'>;
  /** Where agents open the console (ticket links, the Cognito callback): `https://console.example.com`. */
  readonly consoleBaseUrl: string;
  /** ACM certificate (us-east-1) for consoleBaseUrl's host name, which CloudFront then serves. */
  readonly consoleCertificateArn?: string;
  /** @default RETAIN */
  readonly logRemovalPolicy?: RemovalPolicy;
}

export class ConsoleWebStack extends Stack {
  readonly hosting: WebHosting;

  constructor(scope: Construct, id: string, props: ConsoleWebStackProps) {
    super(scope, id, props);
    const { stateless } = props;
    const consoleUrl = new URL(props.consoleBaseUrl);
    // The hosted UI's domain, added to the user pool by the stateless stack.
    const login = stateless.userPool.node.findChild('ConsoleLogin') as UserPoolDomain;
    const loginBaseUrl = login.baseUrl();
    const runtimeConfig: ConsoleConfig = {
      auth: {
        mode: 'cognito',
        domain: loginBaseUrl,
        clientId: stateless.userPoolClient.userPoolClientId,
        // The app client's registered callback and logout URLs (stateless-stack.ts).
        redirectUri: `${consoleUrl.origin}/auth/callback`,
        logoutUri: `${consoleUrl.origin}/`,
      },
    };
    this.hosting = new WebHosting(this, 'Console', {
      siteDir: CONSOLE_DIST,
      buildCommand: 'npm run build:web',
      runtimeConfig,
      // The page exchanges the sign-in code at the hosted UI's token endpoint.
      contentSecurityPolicy: consoleCsp(loginBaseUrl),
      api: {
        domainName: `${stateless.api.apiId}.execute-api.${this.region}.${this.urlSuffix}`,
        pathPatterns: ['/api/*'],
      },
      customDomain: props.consoleCertificateArn
        ? { domainName: consoleUrl.hostname, certificateArn: props.consoleCertificateArn }
        : undefined,
      logRemovalPolicy: props.logRemovalPolicy,
    });

    new CfnOutput(this, 'ConsoleUrl', {
      value: props.consoleCertificateArn ? consoleUrl.origin : this.hosting.url,
      description: props.consoleCertificateArn
        ? 'Help-desk console'
        : `Help-desk console's CloudFront domain: point ${consoleUrl.hostname} at it (with consoleCertificateArn)`,
    });
  }
}
