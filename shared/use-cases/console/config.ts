/**
 * The console's own configuration, validated once per cold start like shared/config.ts: where
 * export files go and where console users live.
 */
import { EXPORT_MAX_RANGE_MONTHS, MAX_RANGE_MONTHS } from '../../console-api/range.js';
import * as z from '../../zod.js';

const schema = z.object({
  /** `s3` in AWS (presigned downloads); `local`: a directory the local gateway serves. */
  EXPORT_FILES: z._default(z.enum(['s3', 'local']), 's3'),
  EXPORT_BUCKET: z.optional(z.string().check(z.minLength(1))),
  EXPORT_DIR: z.optional(z.string().check(z.minLength(1))),
  /** Local only: the gateway's base URL for signed download links. */
  EXPORT_URL_BASE: z.optional(z.url()),
  /** Local only: signs download links (random per start of the local stack). */
  EXPORT_SIGNING_KEY: z.optional(z.string().check(z.minLength(32))),
  /** `cognito` in AWS; `table`: the local issuer's users, kept in the table. */
  CONSOLE_USERS: z._default(z.enum(['cognito', 'table']), 'cognito'),
  USER_POOL_ID: z.optional(z.string().check(z.minLength(1))),
  /** The longest date range (months) of the dashboard, the table and the audit log. */
  CONSOLE_MAX_RANGE_MONTHS: z._default(
    z.coerce.number().check(z.int(), z.gte(1), z.lte(120)),
    MAX_RANGE_MONTHS,
  ),
  /** The longest date range (months) of a CSV export. */
  EXPORT_MAX_RANGE_MONTHS: z._default(
    z.coerce.number().check(z.int(), z.gte(1), z.lte(120)),
    EXPORT_MAX_RANGE_MONTHS,
  ),
  /**
   * How long one export invocation may write before it stops and queues its continuation (ms);
   * keep it well under the export function's timeout.
   */
  EXPORT_BUDGET_MS: z._default(z.coerce.number().check(z.int(), z.gte(1000), z.lte(900_000)), 720_000),
  /** How long a console user's lookup (enabled, roles, sessions ended) is reused (seconds). */
  CONSOLE_USER_CACHE_SECONDS: z._default(z.coerce.number().check(z.int(), z.gte(0), z.lte(60)), 5),
});

export type ConsoleConfig = z.infer<typeof schema>;

/** Parsed once; each factory then asks only for what it needs (`required`). */
export function loadConsoleConfig(env: NodeJS.ProcessEnv = process.env): ConsoleConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  return parsed.data;
}

/** A variable the chosen adapter cannot do without: a missing one fails the cold start. */
export function required<K extends keyof ConsoleConfig>(config: ConsoleConfig, key: K, why: string) {
  const value = config[key];
  if (value === undefined) throw new Error(`Invalid configuration: ${String(key)} is required ${why}`);
  return value as NonNullable<ConsoleConfig[K]>;
}

let loaded: ConsoleConfig | undefined;
/** The console's settings, read once per cold start. */
export function consoleSettings(): ConsoleConfig {
  loaded ??= loadConsoleConfig();
  return loaded;
}
