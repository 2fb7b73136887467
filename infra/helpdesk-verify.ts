/**
 * Builds the whole deployment into an App: used by infra/app.ts and by the infra tests, so the
 * tests check exactly what `cdk synth` produces (including the cdk-nag checks).
 */
import { type App, type Environment, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DEMO_BRANDING, type PortalBranding } from '../web/portal/build.js';
import { ConsoleWebStack } from './console-web-stack.js';
import { StatefulStack } from './stateful-stack.js';
import { StatelessStack } from './stateless-stack.js';

export interface DeploymentSettings {
  /** `prod` keeps log groups on delete; any other stage lets them go. Data is always retained. */
  readonly stage: string;
  readonly senderEmail: string;
  readonly secretsPrefix: string;
  /** A custom portal URL; the portal's CloudFront domain when unset. */
  readonly portalBaseUrl?: string;
  /** ACM certificate (us-east-1) for portalBaseUrl's host, so the portal's CloudFront serves it. */
  readonly portalCertificateArn?: string;
  /** The portal's branding (its runtime config.json): `portalBranding` in cdk.json, as an object. */
  readonly portalBranding: PortalBranding;
  readonly consoleBaseUrl: string;
  /** ACM certificate (us-east-1) for consoleBaseUrl's host, so the console's CloudFront serves it. */
  readonly consoleCertificateArn?: string;
  readonly retentionDays: number;
  readonly smsSenderId?: string;
  readonly authDomainPrefix?: string;
  /** Where people are looked up: the table (demo data), Entra ID or Okta (DIRECTORY in shared/config.ts). */
  readonly directory?: string;
  readonly entraTenantId?: string;
  readonly oktaOrgUrl?: string;
  /** The connection whose policy the portal's self-service start page follows; unset turns it off. */
  readonly selfServiceConnectionId?: string;
  /** The connection whose policy "Verify a caller" follows without a ticket (default: the self-service one). */
  readonly callerConnectionId?: string;
}

export const DEFAULT_SETTINGS: DeploymentSettings = {
  stage: 'prod',
  senderEmail: 'verify@example.com',
  secretsPrefix: 'helpdesk-verify/',
  portalBranding: DEMO_BRANDING,
  consoleBaseUrl: 'https://console.example.com',
  retentionDays: 365,
};

/** Reads the settings from CDK context (`cdk.json` or `-c key=value`), falling back to the defaults. */
export function settingsFromContext(app: App): DeploymentSettings {
  const read = (key: string): string | undefined => {
    const value: unknown = app.node.tryGetContext(key);
    return value === undefined || value === null || value === '' ? undefined : String(value);
  };
  const retentionDays = Number(read('retentionDays') ?? DEFAULT_SETTINGS.retentionDays);
  if (!Number.isInteger(retentionDays) || retentionDays < 1 || retentionDays > 3650)
    throw new Error(`Context retentionDays must be an integer from 1 to 3650, got ${retentionDays}`);
  return {
    stage: read('stage') ?? DEFAULT_SETTINGS.stage,
    senderEmail: read('senderEmail') ?? DEFAULT_SETTINGS.senderEmail,
    secretsPrefix: read('secretsPrefix') ?? DEFAULT_SETTINGS.secretsPrefix,
    portalBaseUrl: read('portalBaseUrl'),
    portalCertificateArn: read('portalCertificateArn'),
    portalBranding: portalBranding(app.node.tryGetContext('portalBranding')),
    consoleBaseUrl: read('consoleBaseUrl') ?? DEFAULT_SETTINGS.consoleBaseUrl,
    consoleCertificateArn: read('consoleCertificateArn'),
    retentionDays,
    smsSenderId: read('smsSenderId'),
    authDomainPrefix: read('authDomainPrefix'),
    directory: read('directory'),
    entraTenantId: read('entraTenantId'),
    oktaOrgUrl: read('oktaOrgUrl'),
    selfServiceConnectionId: read('selfServiceConnectionId'),
    callerConnectionId: read('callerConnectionId'),
  };
}

export function buildHelpdeskVerify(app: App, settings: DeploymentSettings, env?: Environment) {
  for (const key of ['portalBaseUrl', 'consoleBaseUrl'] as const) {
    if (settings[key] === undefined) continue;
    const url = new URL(settings[key]);
    if (url.protocol !== 'https:') throw new Error(`${key} must be an https URL, got ${settings[key]}`);
  }
  const stateful = new StatefulStack(app, 'HelpdeskVerify-Stateful', {
    env,
    description: 'Helpdesk Verify: table, secrets, SES identity (retained)',
    senderEmail: settings.senderEmail,
    secretsPrefix: settings.secretsPrefix,
  });
  const stateless = new StatelessStack(app, 'HelpdeskVerify-Stateless', {
    env,
    description: 'Helpdesk Verify: functions, HTTP API, lifecycle state machine, console user pool',
    stateful,
    portalBaseUrl: settings.portalBaseUrl,
    portalCertificateArn: settings.portalCertificateArn,
    // The start page offers self-service only where the deployment turns it on.
    portalConfig: { ...settings.portalBranding, selfService: settings.selfServiceConnectionId !== undefined },
    consoleBaseUrl: settings.consoleBaseUrl,
    retentionDays: settings.retentionDays,
    smsSenderId: settings.smsSenderId,
    authDomainPrefix: settings.authDomainPrefix,
    directoryEnvironment: {
      ...(settings.directory ? { DIRECTORY: settings.directory } : {}),
      ...(settings.entraTenantId ? { ENTRA_TENANT_ID: settings.entraTenantId } : {}),
      ...(settings.oktaOrgUrl ? { OKTA_ORG_URL: settings.oktaOrgUrl } : {}),
    },
    selfServiceConnectionId: settings.selfServiceConnectionId,
    callerConnectionId: settings.callerConnectionId,
    logRemovalPolicy: settings.stage === 'prod' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
  });
  const consoleWeb = new ConsoleWebStack(app, 'HelpdeskVerify-Console', {
    env,
    description: 'Helpdesk Verify: the help-desk console web app (S3 + CloudFront)',
    stateless,
    consoleBaseUrl: settings.consoleBaseUrl,
    consoleCertificateArn: settings.consoleCertificateArn,
    logRemovalPolicy: settings.stage === 'prod' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
  });
  // cdk-nag v3 runs as a CDK policy-validation plugin: any unacknowledged finding fails synth.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { stateful, stateless, consoleWeb };
}

/** `portalBranding` from context (an object in cdk.json, a JSON string with `-c`) over the defaults. */
function portalBranding(value: unknown): PortalBranding {
  const given = (typeof value === 'string' ? JSON.parse(value) : (value ?? {})) as Partial<PortalBranding>;
  const branding = { ...DEFAULT_SETTINGS.portalBranding, ...given };
  for (const key of ['companyName', 'helpDeskName', 'helpDeskPhone'] as const) {
    if (typeof branding[key] !== 'string' || branding[key].trim() === '')
      throw new Error(`Context portalBranding.${key} must be a non-empty string`);
  }
  if (!/^#[0-9a-fA-F]{6}$/.test(branding.brandColor))
    throw new Error(`Context portalBranding.brandColor must be #rrggbb, got ${branding.brandColor}`);
  if (
    branding.logoUrl !== undefined &&
    /^[a-z][a-z0-9+.-]*:/i.test(branding.logoUrl) &&
    !branding.logoUrl.startsWith('data:')
  )
    throw new Error(
      'Context portalBranding.logoUrl must be a path on the portal or a data: URL (the CSP allows no other origin)',
    );
  return branding;
}
