/**
 * The one Lambda shape of the project: every function under functions/<name>/handler.ts is
 * deployed through this class, so runtime, architecture, bundling, tracing, timeout and logging
 * are decided once.
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { FUNCTIONS, type FunctionName, type FunctionSpec, LIFECYCLE_TASKS } from '../shared/manifest.js';

/** The repository root: esbuild runs there and resolves functions/ and shared/ from it. */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** ESM output still meets CommonJS dependencies that call `require`; give them one. */
export const REQUIRE_BANNER =
  "import { createRequire as __projectCreateRequire } from 'node:module'; const require = __projectCreateRequire(import.meta.url);";

export interface ProjectFunctionProps {
  /** Folder under functions/ holding handler.ts. */
  readonly name: FunctionName;
  readonly description?: string;
  /** @default 30 s for Step Functions tasks (the ASL's TimeoutSeconds), 10 s for HTTP handlers */
  readonly timeout?: Duration;
  /** @default 512 */
  readonly memorySize?: number;
  readonly environment?: Record<string, string>;
  /** @default one month */
  readonly logRetention?: RetentionDays;
  /** What happens to the log group when the function is removed. @default RETAIN */
  readonly logRemovalPolicy?: RemovalPolicy;
  /** Paths under node_modules copied beside the bundle (data files read at run time). */
  readonly nodeModuleFiles?: readonly string[];
}

export class ProjectFunction extends NodejsFunction {
  /** The function's own log group (retention and removal policy set here, not by Lambda). */
  readonly functionLogGroup: LogGroup;
  /** The execution role (the function's `role`, typed as the concrete Role). */
  readonly executionRole: Role;
  readonly functionFolder: FunctionName;

  constructor(scope: Construct, id: string, props: ProjectFunctionProps) {
    // Created in the parent scope because `this` does not exist before super().
    const logGroup = new LogGroup(scope, `${id}LogGroup`, {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    // An own role instead of AWSLambdaBasicExecutionRole: logs may only go to this function's
    // log group (the managed policy allows any log group in the account).
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.name}`,
    });
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );

    super(scope, id, {
      description: props.description,
      entry: `${REPO_ROOT}functions/${props.name}/handler.ts`,
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: `${REPO_ROOT}package-lock.json`,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? defaultTimeout(props.name),
      tracing: Tracing.ACTIVE,
      logGroup,
      role,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        // The CloudWatch namespace of the EMF metrics the edge writes (shared/http/observability.ts).
        POWERTOOLS_METRICS_NAMESPACE: 'HelpdeskVerify',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        minify: true,
        // Error classes keep their names when minified: logs and the domain errors' `name` read them.
        keepNames: true,
        sourceMap: true,
        // Stack traces only need the mappings; leaving the sources out keeps the bundle small.
        sourcesContent: false,
        mainFields: ['module', 'main'],
        banner: REQUIRE_BANNER,
        // Bundle the AWS SDK too: the version tested is the version deployed, and tree-shaken
        // ESM clients start faster than the runtime's full SDK.
        bundleAwsSDK: true,
        // The installed esbuild, never Docker: synth must work offline on these machines.
        forceDockerBundling: false,
        ...(props.nodeModuleFiles?.length
          ? {
              commandHooks: {
                beforeBundling: () => [],
                beforeInstall: () => [],
                afterBundling: (inputDir: string, outputDir: string) =>
                  (props.nodeModuleFiles ?? []).flatMap((file) => [
                    `mkdir -p "${outputDir}/node_modules/${dirname(file)}"`,
                    `cp "${inputDir}/node_modules/${file}" "${outputDir}/node_modules/${file}"`,
                  ]),
              },
            }
          : {}),
      },
    });
    this.functionLogGroup = logGroup;
    this.executionRole = role;
    this.functionFolder = props.name;
  }
}

const LIFECYCLE_FUNCTIONS: ReadonlySet<FunctionName> = new Set(Object.values(LIFECYCLE_TASKS));

/**
 * Lifecycle tasks 30 s (Step Functions retries them). Request handlers that call a ticket system or
 * a directory (an OAuth token, a slow ITSM) 28 s, inside the HTTP API's 30 s integration limit, so a
 * slow dependency gives the caller a clear error rather than a Lambda timeout mid-write. Others 10 s.
 */
function defaultTimeout(name: FunctionName): Duration {
  if (LIFECYCLE_FUNCTIONS.has(name)) return Duration.seconds(30);
  const spec = (FUNCTIONS as readonly FunctionSpec[]).find((f) => f.name === name);
  const callsOut = spec?.access.secrets.some((s) => s === 'outbound' || s === 'directory') ?? false;
  return Duration.seconds(callsOut ? 28 : 10);
}

/** A resolved ARN as cdk-nag names it in IAM5 findings (`<AWS::Region>` for a Ref, JSON for other tokens). */
export function flattenForNag(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const node = value as Record<string, unknown>;
    if ('Ref' in node) return `<${String(node.Ref)}>`;
    const join = node['Fn::Join'];
    if (Array.isArray(join)) {
      const [delimiter, parts] = join as [string, unknown[]];
      return parts.map(flattenForNag).join(delimiter);
    }
  }
  return JSON.stringify(value);
}
