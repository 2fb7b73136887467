/**
 * Configuration, validated once when a function's module loads: a missing or malformed variable
 * fails the cold start, not a request.
 */
import { z } from 'zod';

const schema = z.object({
  TABLE_NAME: z.string().min(1),
  AWS_REGION: z.string().default('us-east-1'),
  /** Set locally to DynamoDB Local; unset in AWS. */
  DYNAMODB_ENDPOINT: z.url().optional(),
  STATE_MACHINE_ARN: z.string().min(1),
  /** Set locally to the local Step Functions endpoint; unset in AWS. */
  SFN_ENDPOINT: z.url().optional(),
  MESSENGER: z.enum(['aws', 'outbox']).default('aws'),
  OUTBOX_DIR: z.string().optional(),
  EMAIL_FROM: z.string().default('verify@example.com'),
  SMS_SENDER_ID: z.string().optional(),
  SECRETS: z.enum(['aws', 'file']).default('aws'),
  SECRETS_PREFIX: z.string().default('helpdesk-verify/'),
  SECRETS_FILE: z.string().optional(),
  PORTAL_BASE_URL: z.url(),
  CONSOLE_BASE_URL: z.url(),
  RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
  SESSION_MINUTES: z.coerce.number().int().min(1).max(60).default(15),
});

export type Config = z.infer<typeof schema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  const config = parsed.data;
  if (config.MESSENGER === 'outbox' && !config.OUTBOX_DIR)
    throw new Error('Invalid configuration: OUTBOX_DIR is required');
  if (config.SECRETS === 'file' && !config.SECRETS_FILE)
    throw new Error('Invalid configuration: SECRETS_FILE is required');
  return config;
}
