/**
 * Everything that holds data or identity and must outlive a redeploy of the code: the single
 * table (and its key), the portal session secret and the SES sender identity. Nothing here is
 * ever deleted with the stack.
 */
import {
  ArnFormat,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  type ITable,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { type IKey, Key } from 'aws-cdk-lib/aws-kms';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type IBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { EmailIdentity, Identity, type IEmailIdentity } from 'aws-cdk-lib/aws-ses';
import type { Construct } from 'constructs';
import { TABLE } from '../shared/adapters/dynamodb/table.js';
import { secretNames } from '../shared/ports/secrets.js';

/**
 * The export bucket's name, fixed per account and region so the stateless stack can grant on it
 * by name (a cross-stack ARN token would appear in IAM as an opaque stack output).
 */
export const exportBucketName = (stack: Stack) => `helpdesk-verify-exports-${stack.account}-${stack.region}`;

/**
 * The ARN of the secret `name` (`*` allowed) under `secretsPrefix`, for grants on secrets that
 * operators or the console create: Secrets Manager appends "-" and six random characters to every
 * secret ARN.
 */
export const secretArnPattern = (stack: Stack, secretsPrefix: string, name: string) =>
  stack.formatArn({
    service: 'secretsmanager',
    resource: 'secret',
    resourceName: `${secretsPrefix}${name}-??????`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });

/** What the stateless stack needs from this one, passed by typed props. */
export interface StatefulResources {
  readonly table: ITable;
  /** The customer-managed key the table is encrypted with (callers need kms:Decrypt on it). */
  readonly tableKey: IKey;
  readonly portalSessionSecret: ISecret;
  readonly senderIdentity: IEmailIdentity;
  /** The From address of every email (EMAIL_FROM). */
  readonly senderEmail: string;
  /** Prefix of every secret the functions read (SECRETS_PREFIX). */
  readonly secretsPrefix: string;
  /** The console's CSV exports (private, encrypted, expiring), downloaded by presigned URL. */
  readonly exportBucket: IBucket;
}

export interface StatefulStackProps extends StackProps {
  /** @default 'verify@example.com' */
  readonly senderEmail?: string;
  /** @default 'helpdesk-verify/' */
  readonly secretsPrefix?: string;
}

export class StatefulStack extends Stack implements StatefulResources {
  readonly table: Table;
  readonly tableKey: Key;
  readonly portalSessionSecret: Secret;
  readonly senderIdentity: EmailIdentity;
  readonly senderEmail: string;
  readonly secretsPrefix: string;
  readonly exportBucket: Bucket;

  constructor(scope: Construct, id: string, props: StatefulStackProps = {}) {
    super(scope, id, props);
    this.senderEmail = props.senderEmail ?? 'verify@example.com';
    this.secretsPrefix = props.secretsPrefix ?? 'helpdesk-verify/';

    // Customer-managed key rather than AWS_MANAGED: the table holds PII (transcripts, contact
    // details, audit trail). A key we own can be restricted by key policy, audited on its own,
    // and disabled to make the data (and its PITR backups) unreadable at once. The cost is
    // $1/month plus requests, which is small for what it buys. Rotated yearly by KMS.
    this.tableKey = new Key(this, 'TableKey', {
      description: 'Helpdesk Verify: encrypts the verification table',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
      pendingWindow: Duration.days(30),
    });

    // Built from the shared definition (also used by the local stack), so the two cannot drift.
    this.table = new Table(this, 'Table', {
      partitionKey: { name: TABLE.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.tableKey,
      timeToLiveAttribute: TABLE.ttlAttribute,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      // Feeds the console's dashboard aggregates and export jobs (shared/manifest.ts `stream`).
      stream: StreamViewType[TABLE.stream],
    });
    for (const index of TABLE.indexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      });
    }

    // Signs the short-lived portal session tokens. Read as `${SECRETS_PREFIX}portal-session-key`.
    this.portalSessionSecret = new Secret(this, 'PortalSessionKey', {
      secretName: `${this.secretsPrefix}${secretNames.portalSessionKey}`,
      description: 'Helpdesk Verify: HMAC key for portal session tokens',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.portalSessionSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The portal session key signs tokens that live 15 minutes; rotating it by hand (put a new ' +
        'random value) only ends open portal sessions, so a rotation Lambda is not worth its own ' +
        'attack surface. Connection secrets are created and rotated per ITSM connection by operators.',
    });

    // The sender address. SES sends a verification email to it on deploy; until it is clicked
    // (and the account is out of the SES sandbox) emails to requesters are rejected.
    this.senderIdentity = new EmailIdentity(this, 'SenderIdentity', {
      identity: Identity.email(this.senderEmail),
    });
    // Kept like everything here: recreating it would need the address to be verified again.
    this.senderIdentity.applyRemovalPolicy(RemovalPolicy.RETAIN);

    // CSV exports of the console: evidence with personal data, so private, TLS only, encrypted,
    // and gone after a week (the download links live 15 minutes; each one issued is audited).
    this.exportBucket = new Bucket(this, 'ExportBucket', {
      bucketName: exportBucketName(this),
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      lifecycleRules: [
        {
          prefix: 'exports/',
          expiration: Duration.days(7),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.exportBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Every export request, completion and download link issued is an audit event in the table ' +
        '(who, when, which filters); S3 access logs would repeat that in a second bucket of their own.',
    });

    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'PortalSessionSecretName', { value: this.portalSessionSecret.secretName });
  }
}
