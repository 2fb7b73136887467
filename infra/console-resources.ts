/**
 * What the console's functions need beyond the table (see `access` and `stream` in
 * shared/manifest.ts): the export bucket, the user pool, writing connection secrets, and the
 * table-stream subscriptions, each granted only to the functions that declare it.
 */
import { Duration, type Stack, Validations } from 'aws-cdk-lib';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { type CfnFunction, FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { FUNCTIONS, type FunctionName, type FunctionSpec } from '../shared/manifest.js';
import { secretNames } from '../shared/ports/secrets.js';
import { flattenForNag, type ProjectFunction } from './project-function.js';
import { exportBucketName, type StatefulResources, secretArnPattern } from './stateful-stack.js';

export const USER_POOL_READ_ACTIONS = [
  'cognito-idp:ListUsers',
  'cognito-idp:AdminGetUser',
  'cognito-idp:AdminListGroupsForUser',
];
export const USER_POOL_WRITE_ACTIONS = [
  'cognito-idp:AdminCreateUser',
  'cognito-idp:AdminAddUserToGroup',
  'cognito-idp:AdminRemoveUserFromGroup',
  'cognito-idp:AdminUserGlobalSignOut',
  'cognito-idp:AdminEnableUser',
  'cognito-idp:AdminDisableUser',
];
/** How long a consumer may take on one batch: an export of a year of verifications. */
const STREAM_CONSUMER_TIMEOUT = Duration.minutes(15);

export interface ConsoleResourcesProps {
  readonly functions: Readonly<Record<FunctionName, ProjectFunction>>;
  readonly stateful: StatefulResources;
  readonly userPool: IUserPool;
}

export function wireConsoleResources(stack: Stack, props: ConsoleResourcesProps): void {
  const { stateful, userPool } = props;
  const bucketName = exportBucketName(stack);
  const exportObjects = `arn:${stack.partition}:s3:::${bucketName}/exports/*`;
  // Records a consumer still fails after its retries are kept here for an operator to replay.
  let failures: Queue | undefined;
  const failureQueue = () => {
    failures ??= new Queue(stack, 'StreamConsumerFailures', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(failures).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the failure destination of the table-stream consumers.',
    });
    return failures;
  };

  for (const spec of FUNCTIONS as readonly FunctionSpec[]) {
    const fn = props.functions[spec.name as FunctionName];
    const { access } = spec;
    const acknowledged: { id: string; reason: string }[] = [];

    if (access.exportFiles) {
      fn.addEnvironment('EXPORT_FILES', 's3');
      fn.addEnvironment('EXPORT_BUCKET', bucketName);
      fn.addToRolePolicy(
        new PolicyStatement({
          actions:
            access.exportFiles === 'write' ? ['s3:PutObject', 's3:AbortMultipartUpload'] : ['s3:GetObject'],
          resources: [exportObjects],
        }),
      );
      acknowledged.push({
        id: `AwsSolutions-IAM5[Resource::${flattenForNag(stack.resolve(exportObjects))}]`,
        reason:
          'Export files are named by export job (exports/<id>.csv); the grant is limited to that prefix.',
      });
    }

    if (access.consoleUsers) {
      fn.addEnvironment('CONSOLE_USERS', 'cognito');
      fn.addEnvironment('USER_POOL_ID', userPool.userPoolId);
      fn.addToRolePolicy(
        new PolicyStatement({
          actions:
            access.consoleUsers === 'write'
              ? [...USER_POOL_READ_ACTIONS, ...USER_POOL_WRITE_ACTIONS]
              : USER_POOL_READ_ACTIONS,
          resources: [userPool.userPoolArn],
        }),
      );
    }

    if (access.writeSecrets) {
      const arns = [secretNames.webhookSecrets('*'), secretNames.outboundCredentials('*')].map((name) =>
        secretArnPattern(stack, stateful.secretsPrefix, name),
      );
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['secretsmanager:PutSecretValue', 'secretsmanager:CreateSecret'],
          resources: arns,
        }),
      );
      for (const arn of arns)
        acknowledged.push({
          id: `AwsSolutions-IAM5[Resource::${flattenForNag(stack.resolve(arn))}]`,
          reason:
            'Connection secrets are named per connection (connections/<connectionId>/<kind>): the ARN names ' +
            'the kind and leaves open only the connection id and the six characters Secrets Manager appends.',
        });
    }

    if (spec.stream) {
      const cfn = fn.node.defaultChild as CfnFunction;
      cfn.timeout = STREAM_CONSUMER_TIMEOUT.toSeconds();
      fn.addEventSource(
        new DynamoEventSource(stateful.table, {
          startingPosition: StartingPosition.TRIM_HORIZON,
          batchSize: 100,
          maxBatchingWindow: Duration.seconds(1),
          // The consumers report the first record they failed; Lambda retries from there.
          reportBatchItemFailures: true,
          bisectBatchOnError: true,
          retryAttempts: 10,
          filters: [FilterCriteria.filter(spec.stream.filter)],
          onFailure: new SqsDlq(failureQueue()),
        }),
      );
      acknowledged.push({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'dynamodb:ListStreams (added by the event source mapping) supports no resource-level permissions; ' +
          'xray:PutTraceSegments/PutTelemetryRecords (active tracing) neither.',
      });
    }

    if (acknowledged.length > 0) Validations.of(fn.executionRole).acknowledge(...acknowledged);
  }
}
