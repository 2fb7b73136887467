/**
 * Code and wiring, safe to destroy and redeploy: one function per manifest entry with grants
 * derived from its declared access, the HTTP API built from the route manifest, the lifecycle
 * state machine from the shared ASL file, and the console's Cognito user pool.
 */
import { join } from 'node:path';
import {
  ArnFormat,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  type HttpRoute,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import {
  AccountRecovery,
  FeaturePlan,
  Mfa,
  OAuthScope,
  StandardThreatProtectionMode,
  UserPool,
  type UserPoolClient,
  UserPoolClientIdentityProvider,
  UserPoolGroup,
} from 'aws-cdk-lib/aws-cognito';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { TABLE } from '../shared/adapters/dynamodb/table.js';
import { IP_DATA_SHIPPED_FILES } from '../shared/adapters/ip-data.js';
import { ROLES } from '../shared/domain/model/principal.js';
import { apiCors } from '../shared/http/cors.js';
import {
  FUNCTIONS,
  type FunctionName,
  type FunctionSpec,
  LIFECYCLE_TASKS,
  ROUTES,
  type RouteSpec,
  STATE_MACHINE_FILE,
} from '../shared/manifest.js';
import { secretNames } from '../shared/ports/secrets.js';
import { PORTAL_DIST, type PortalConfig, portalCsp } from '../web/portal/build.js';
import { ApiCorsConfiguration } from './api-cors.js';
import { wireConsoleResources } from './console-resources.js';
import { flattenForNag, ProjectFunction, REPO_ROOT } from './project-function.js';
import { type StatefulResources, secretArnPattern } from './stateful-stack.js';
import { WebHosting } from './web-hosting.js';

/** The functions the state machine invokes. */
const LIFECYCLE_FUNCTIONS: ReadonlySet<FunctionName> = new Set(Object.values(LIFECYCLE_TASKS));

/** Data-plane actions the store actually uses (no Scan: every access pattern is a key or index query). */
const TABLE_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
const TABLE_WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
];
/** What DynamoDB needs from the caller on a customer-managed key (CDK's set, wildcards spelled out). */
const KEY_READ_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey'];
const KEY_WRITE_ACTIONS = [
  'kms:Encrypt',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
];

export interface StatelessStackProps extends StackProps {
  readonly stateful: StatefulResources;
  /**
   * Base URL of the self-service portal, used in links (never taken from the Host header).
   * @default the portal's CloudFront domain (or its custom domain, with portalCertificateArn)
   */
  readonly portalBaseUrl?: string;
  /** ACM certificate (us-east-1) for portalBaseUrl's host name, which CloudFront then serves. */
  readonly portalCertificateArn?: string;
  /** The portal's runtime config.json: company name, help-desk phone, colour, logo. */
  readonly portalConfig: PortalConfig;
  /** Base URL of the console, used in ticket notes and as the OAuth callback origin. */
  readonly consoleBaseUrl: string;
  /** @default 365 */
  readonly retentionDays?: number;
  /** Alphanumeric SMS sender id where the destination country supports it. */
  readonly smsSenderId?: string;
  /** DIRECTORY, ENTRA_TENANT_ID, OKTA_ORG_URL (shared/config.ts); the table directory when empty. */
  readonly directoryEnvironment?: Readonly<Record<string, string>>;
  /** SELF_SERVICE_CONNECTION_ID for the self-service start page (off when unset). */
  readonly selfServiceConnectionId?: string;
  /** CALLER_CONNECTION_ID: "Verify a caller" without a ticket (default: SELF_SERVICE_CONNECTION_ID). */
  readonly callerConnectionId?: string;
  /** Cognito hosted-login domain prefix (globally unique). @default helpdesk-verify-<account> */
  readonly authDomainPrefix?: string;
  /** @default RETAIN; non-production stages may pass DESTROY */
  readonly logRemovalPolicy?: RemovalPolicy;
  /** @default ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** Default-stage throttling of the HTTP API. @default 50 requests/s, burst 100 */
  readonly apiThrottle?: { readonly rateLimit: number; readonly burstLimit: number };
}

export class StatelessStack extends Stack {
  readonly functions: Readonly<Record<FunctionName, ProjectFunction>>;
  readonly api: HttpApi;
  readonly apiStage: HttpStage;
  readonly routes: readonly HttpRoute[];
  readonly stateMachine: StateMachine;
  /** Known before the state machine exists (fixed name), which breaks the functions <-> state machine cycle. */
  readonly stateMachineArn: string;
  readonly userPool: UserPool;
  readonly userPoolClient: UserPoolClient;
  /** The self-service portal: S3 + CloudFront; it calls the HTTP API on the API's own origin. */
  readonly portal: WebHosting;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { stateful } = props;
    const logRemovalPolicy = props.logRemovalPolicy ?? RemovalPolicy.RETAIN;
    const logRetention = props.logRetention ?? RetentionDays.ONE_MONTH;

    // Every function reads STATE_MACHINE_ARN at cold start, and the state machine references the
    // lifecycle functions' ARNs: a token reference would be circular. The name is fixed, so the
    // ARN is a plain string built from it, and StartExecution is granted on that same string.
    const stateMachineName = `${this.stackName}-lifecycle`;
    this.stateMachineArn = this.formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: stateMachineName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });

    const environment: Record<string, string> = {
      TABLE_NAME: stateful.table.tableName,
      STATE_MACHINE_ARN: this.stateMachineArn,
      MESSENGER: 'aws',
      SECRETS: 'aws',
      SECRETS_PREFIX: stateful.secretsPrefix,
      EMAIL_FROM: stateful.senderEmail,
      CONSOLE_BASE_URL: props.consoleBaseUrl,
      RETENTION_DAYS: String(props.retentionDays ?? 365),
      ...(props.smsSenderId ? { SMS_SENDER_ID: props.smsSenderId } : {}),
      ...props.directoryEnvironment,
      ...(props.selfServiceConnectionId ? { SELF_SERVICE_CONNECTION_ID: props.selfServiceConnectionId } : {}),
      ...(props.callerConnectionId ? { CALLER_CONNECTION_ID: props.callerConnectionId } : {}),
    };

    const functions = {} as Record<FunctionName, ProjectFunction>;
    for (const spec of FUNCTIONS as readonly FunctionSpec[]) {
      const name = spec.name as FunctionName;
      const fn = new ProjectFunction(this, pascal(name), {
        name,
        description: spec.description,
        environment,
        logRemovalPolicy,
        logRetention,
        ...(spec.ipData
          ? { nodeModuleFiles: IP_DATA_SHIPPED_FILES, memorySize: 1024, timeout: Duration.seconds(10) }
          : {}),
      });
      this.grantAccess(fn, spec, stateful);
      if (spec.schedule) {
        new Rule(this, `${pascal(name)}Schedule`, {
          description: `Runs ${name}: ${spec.description}`,
          schedule: Schedule.expression(spec.schedule),
          targets: [new LambdaFunction(fn, { retryAttempts: 2 })],
        });
      }
      functions[name] = fn;
    }
    this.functions = functions;

    // ---- Lifecycle state machine (the same ASL file runs locally) -------------------------
    const lifecycleLogGroup = new LogGroup(this, 'LifecycleLogGroup', {
      // The /aws/vendedlogs/ prefix keeps Step Functions from growing the account-wide
      // CloudWatch Logs resource policy with one entry per log group.
      logGroupName: `/aws/vendedlogs/states/${stateMachineName}`,
      retention: logRetention,
      removalPolicy: logRemovalPolicy,
    });
    this.stateMachine = new StateMachine(this, 'Lifecycle', {
      stateMachineName,
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromFile(join(REPO_ROOT, STATE_MACHINE_FILE)),
      definitionSubstitutions: Object.fromEntries(
        Object.entries(LIFECYCLE_TASKS).map(([key, name]) => [key, functions[name].functionArn]),
      ),
      tracingEnabled: true,
      // Execution data would put verification payloads (and callback tokens) in the logs.
      logs: { destination: lifecycleLogGroup, level: LogLevel.ALL, includeExecutionData: false },
    });
    // Explicit grant on the unqualified ARNs the ASL uses (grantInvoke would add `<arn>:*` too).
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [...LIFECYCLE_FUNCTIONS].map((name) => functions[name].functionArn),
      }),
    );
    Validations.of(this.stateMachine.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Added by CDK for logging and tracing: the CloudWatch Logs delivery actions ' +
        '(logs:CreateLogDelivery, PutResourcePolicy, ...) and xray:PutTraceSegments/' +
        'PutTelemetryRecords/GetSampling* support no resource-level permissions.',
    });

    // ---- Console identity ------------------------------------------------------------------
    this.userPool = new UserPool(this, 'ConsoleUsers', {
      userPoolName: `${this.stackName}-console`,
      // Agents are invited by an admin; nobody signs themselves up to a help-desk console.
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      // Console users can send verifications and read transcripts: MFA is required, TOTP only
      // (SMS MFA is phishable and would need an SNS role).
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      // Plus tier for threat protection (compromised credentials, adaptive authentication) in
      // enforcement mode: billed per monthly active user, and console users are a few help-desk
      // staff, so it costs little for the accounts most worth protecting.
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      // Holds the console accounts: kept when the stack is deleted.
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const role of ROLES) {
      new UserPoolGroup(this, `Group${pascal(role)}`, {
        userPool: this.userPool,
        groupName: role,
        description: `Helpdesk Verify console role: ${role}`,
      });
    }
    const loginDomain = this.userPool.addDomain('ConsoleLogin', {
      cognitoDomain: { domainPrefix: props.authDomainPrefix ?? `helpdesk-verify-${this.account}` },
    });
    const consoleOrigin = new URL(props.consoleBaseUrl).origin;
    this.userPoolClient = this.userPool.addClient('ConsoleClient', {
      userPoolClientName: 'console',
      // A browser SPA: public client, authorization code flow with PKCE, no client secret.
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: [`${consoleOrigin}/auth/callback`],
        logoutUrls: [`${consoleOrigin}/`],
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    });

    wireConsoleResources(this, { functions, stateful, userPool: this.userPool });

    // ---- HTTP API from the route manifest --------------------------------------------------
    const accessLogGroup = new LogGroup(this, 'ApiAccessLogs', {
      retention: logRetention,
      removalPolicy: logRemovalPolicy,
    });
    this.api = new HttpApi(this, 'HttpApi', {
      apiName: `${this.stackName}-api`,
      description: 'Helpdesk Verify: ITSM webhooks, console API and portal API',
      createDefaultStage: false,
      // No corsPreflight here: ApiCorsConfiguration sets it once the portal's distribution exists.
    });
    this.apiStage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.apiThrottle ?? { rateLimit: 50, burstLimit: 100 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogGroup),
        // No query string, headers or body: tokens travel in the Authorization header only.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            ip: '$context.identity.sourceIp',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            integrationStatus: '$context.integrationStatus',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
          }),
        ),
      },
    });

    const consoleAuthorizer = new HttpJwtAuthorizer(
      'ConsoleJwtAuthorizer',
      this.userPool.userPoolProviderUrl,
      { authorizerName: 'console-cognito', jwtAudience: [this.userPoolClient.userPoolClientId] },
    );
    const integrations = new Map<FunctionName, HttpLambdaIntegration>();
    const routes: HttpRoute[] = [];
    for (const route of ROUTES as readonly RouteSpec[]) {
      let integration = integrations.get(route.function);
      if (!integration) {
        integration = new HttpLambdaIntegration(
          `${pascal(route.function)}Integration`,
          functions[route.function],
        );
        integrations.set(route.function, integration);
      }
      const [added] = this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration,
        authorizer: route.auth === 'console' ? consoleAuthorizer : undefined,
      });
      if (!added) throw new Error(`No route created for ${route.method} ${route.path}`);
      if (route.auth !== 'console') {
        Validations.of(added).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            route.auth === 'webhook'
              ? 'ITSM webhook: callers cannot present a Cognito JWT; the handler verifies the ' +
                "connection's timestamped HMAC-SHA256 signature (or Basic credentials) before anything else."
              : 'Self-service portal: requesters have no account; the handler verifies the link ' +
                'token (SHA-256 lookup) or the short-lived portal session token on every request.',
        });
      }
      routes.push(added);
    }
    this.routes = routes;

    // ---- Self-service portal ---------------------------------------------------------------
    // The portal calls the API on the API's own origin, not through CloudFront: API Gateway's
    // source IP is then the requester's, which the engine scores and rate-limits by.
    const customPortal = props.portalBaseUrl ? new URL(props.portalBaseUrl) : undefined;
    const portalConfig: PortalConfig = { ...props.portalConfig, apiBaseUrl: this.api.apiEndpoint };
    this.portal = new WebHosting(this, 'Portal', {
      siteDir: PORTAL_DIST,
      buildCommand: 'npm run build:web',
      runtimeConfig: portalConfig,
      contentSecurityPolicy: portalCsp(this.api.apiEndpoint),
      customDomain:
        customPortal && props.portalCertificateArn
          ? { domainName: customPortal.hostname, certificateArn: props.portalCertificateArn }
          : undefined,
      logRemovalPolicy,
    });
    // Links point at the portal; its URL is known only once the distribution exists.
    const portalBaseUrl = props.portalBaseUrl ?? this.portal.url;
    for (const fn of Object.values(functions)) fn.addEnvironment('PORTAL_BASE_URL', portalBaseUrl);
    const portalOrigin = customPortal?.origin ?? this.portal.url;
    new ApiCorsConfiguration(this, 'ApiCors', {
      api: this.api,
      cors: apiCors([consoleOrigin, portalOrigin]),
    });

    new CfnOutput(this, 'ApiUrl', { value: this.apiStage.url, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'PortalUrl', { value: portalBaseUrl, description: 'Self-service portal' });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.userPoolClient.userPoolClientId });
    new CfnOutput(this, 'LoginBaseUrl', {
      value: loginDomain.baseUrl(),
      description: 'Cognito hosted login',
    });
    new CfnOutput(this, 'TableName', { value: stateful.table.tableName });
    new CfnOutput(this, 'StateMachineArn', { value: this.stateMachine.stateMachineArn });
  }

  /** Turns a manifest entry's `access` into IAM statements on that function's role, and nothing more. */
  private grantAccess(fn: ProjectFunction, spec: FunctionSpec, stateful: StatefulResources): void {
    const { access } = spec;
    const wildcards: { finding: string; reason: string }[] = [
      {
        finding: 'Resource::*',
        reason:
          'xray:PutTraceSegments/PutTelemetryRecords (added by CDK for active tracing) support no ' +
          'resource-level permissions.',
      },
    ];
    const allow = (actions: string[], resources: string[]) =>
      fn.addToRolePolicy(new PolicyStatement({ actions, resources }));

    // Table and its indexes by name (no `index/*`), and the table's key.
    const table = stateful.table.tableArn;
    const tableResources = [table, ...TABLE.indexes.map((i) => `${table}/index/${i.indexName}`)];
    const write = access.table === 'readWrite';
    allow(write ? [...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS] : TABLE_READ_ACTIONS, tableResources);
    allow(write ? [...KEY_READ_ACTIONS, ...KEY_WRITE_ACTIONS] : KEY_READ_ACTIONS, [stateful.tableKey.keyArn]);

    if (access.startExecution) allow(['states:StartExecution'], [this.stateMachineArn]);

    if (access.sendTaskResult) {
      allow(['states:SendTaskSuccess'], ['*']);
      wildcards.push({
        finding: 'Resource::*',
        reason:
          'states:SendTaskSuccess supports no resource-level permissions (AWS Service ' +
          'Authorization Reference: no resource types); the task token itself names the one waiting task.',
      });
    }

    if (access.sendMessages) {
      stateful.senderIdentity.grantSendEmail(fn);
      // SMS straight to a phone number has no resource ARN, so AWS requires `*`. Pin it to this
      // region, and deny publishing to any topic or endpoint ARN so `*` means "SMS only".
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['sns:Publish'],
          resources: ['*'],
          conditions: { StringEquals: { 'aws:RequestedRegion': this.region } },
        }),
      );
      fn.addToRolePolicy(
        new PolicyStatement({
          effect: Effect.DENY,
          actions: ['sns:Publish'],
          resources: [`arn:${this.partition}:sns:*:*:*`],
        }),
      );
      wildcards.push({
        finding: 'Resource::*',
        reason:
          'sns:Publish to a phone number (SMS) has no resource ARN, so AWS requires `*`; the statement ' +
          'is pinned to this region by aws:RequestedRegion and publishing to any topic ARN is denied.',
      });
    }

    const secretArns: string[] = [];
    const connectionSecretArn = (name: string) => {
      const arn = secretArnPattern(this, stateful.secretsPrefix, name);
      wildcards.push({
        finding: `Resource::${flattenForNag(this.resolve(arn))}`,
        reason:
          `Per-connection secrets (${stateful.secretsPrefix}connections/<connectionId>/<kind>) are ` +
          'created by operators for each ITSM connection, so the ARN names the kind of secret and ' +
          'leaves only the connection id and the random suffix open.',
      });
      return arn;
    };
    for (const secret of new Set(access.secrets)) {
      if (secret === 'portal') secretArns.push(stateful.portalSessionSecret.secretArn);
      else if (secret === 'directory') {
        const arn = secretArnPattern(this, stateful.secretsPrefix, secretNames.directoryCredentials);
        wildcards.push({
          finding: `Resource::${flattenForNag(this.resolve(arn))}`,
          reason:
            'The directory credentials secret is created by operators (Entra ID or Okta); the ARN names it ' +
            'exactly and leaves open only the six random characters Secrets Manager appends.',
        });
        secretArns.push(arn);
      } else if (secret === 'webhook') secretArns.push(connectionSecretArn(secretNames.webhookSecrets('*')));
      else secretArns.push(connectionSecretArn(secretNames.outboundCredentials('*')));
    }
    if (secretArns.length > 0) allow(['secretsmanager:GetSecretValue'], secretArns);

    // cdk-nag reports `Resource::*` once per role, whatever the actions; the reasons are joined.
    // test/infra/iam.test.ts pins down which actions may appear with `*`.
    const star = wildcards.filter((w) => w.finding === 'Resource::*').map((w) => w.reason);
    const others = wildcards.filter((w) => w.finding !== 'Resource::*');
    Validations.of(fn.executionRole).acknowledge(
      { id: 'AwsSolutions-IAM5[Resource::*]', reason: star.join(' ') },
      ...others.map((w) => ({ id: `AwsSolutions-IAM5[${w.finding}]`, reason: w.reason })),
    );
    Validations.of(fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 on purpose: the design fixes one Node version for Lambda, the local stack and ' +
        'the tests (the node@22 devDependency); moving to a newer runtime is a deliberate upgrade.',
    });
  }
}

/** `ticket-intake` -> `TicketIntake`. */
function pascal(name: string): string {
  return name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
