/**
 * The console's own configuration, validated once per cold start like shared/config.ts: where
 * export files go and where console users live.
 */
import * as z from '../../zod.js';

const schema = z.object({
  /** `s3` in AWS (presigned downloads); `local`: a directory the local gateway serves. */
  EXPORT_FILES: z._default(z.enum(['s3', 'local']), 's3'),
  EXPORT_BUCKET: z.optional(z.string().check(z.minLength(3))),
  EXPORT_DIR: z.optional(z.string().check(z.minLength(1))),
  /** Local only: the gateway's base URL for signed download links. */
  EXPORT_URL_BASE: z.optional(z.url()),
  /** Local only: signs download links (random per start of the local stack). */
  EXPORT_SIGNING_KEY: z.optional(z.string().check(z.minLength(32))),
  /** `cognito` in AWS; `table`: the local issuer's users, kept in the table. */
  CONSOLE_USERS: z._default(z.enum(['cognito', 'table']), 'cognito'),
  USER_POOL_ID: z.optional(z.string().check(z.minLength(1))),
});

export type ConsoleConfig = z.infer<typeof schema>;

export function loadConsoleConfig(env: NodeJS.ProcessEnv = process.env): ConsoleConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  const c = parsed.data;
  const need = (ok: boolean, message: string) => {
    if (!ok) throw new Error(`Invalid configuration: ${message}`);
  };
  need(
    c.EXPORT_FILES !== 's3' || c.EXPORT_BUCKET !== undefined,
    'EXPORT_BUCKET is required with EXPORT_FILES=s3',
  );
  need(
    c.EXPORT_FILES !== 'local' ||
      (c.EXPORT_DIR !== undefined && c.EXPORT_URL_BASE !== undefined && c.EXPORT_SIGNING_KEY !== undefined),
    'EXPORT_DIR, EXPORT_URL_BASE and EXPORT_SIGNING_KEY are required with EXPORT_FILES=local',
  );
  need(
    c.CONSOLE_USERS !== 'cognito' || c.USER_POOL_ID !== undefined,
    'USER_POOL_ID is required with CONSOLE_USERS=cognito',
  );
  return c;
}
