/**
 * Configuration, validated once when a function's module loads: a missing or malformed variable
 * fails the cold start, not a request.
 */
import * as z from './zod.js';

const nonEmpty = () => z.string().check(z.minLength(1));
const int = (min: number, max: number, fallback: number) =>
  z._default(z.coerce.number().check(z.int(), z.gte(min), z.lte(max)), fallback);

const schema = z.object({
  TABLE_NAME: nonEmpty(),
  AWS_REGION: z._default(z.string(), 'us-east-1'),
  /** Set locally to DynamoDB Local; unset in AWS. */
  DYNAMODB_ENDPOINT: z.optional(z.url()),
  STATE_MACHINE_ARN: nonEmpty(),
  /** Set locally to the local Step Functions endpoint; unset in AWS. */
  SFN_ENDPOINT: z.optional(z.url()),
  MESSENGER: z._default(z.enum(['aws', 'outbox']), 'aws'),
  /** Where people are looked up and passwords reset: the table (local, demos), Entra ID or Okta. */
  DIRECTORY: z._default(z.enum(['table', 'entra', 'okta']), 'table'),
  ENTRA_TENANT_ID: z.optional(z.string()),
  OKTA_ORG_URL: z.optional(z.url()),
  OUTBOX_DIR: z.optional(z.string()),
  EMAIL_FROM: z._default(z.string(), 'verify@example.com'),
  SMS_SENDER_ID: z.optional(z.string()),
  SECRETS: z._default(z.enum(['aws', 'file']), 'aws'),
  SECRETS_PREFIX: z._default(z.string(), 'helpdesk-verify/'),
  SECRETS_FILE: z.optional(z.string()),
  PORTAL_BASE_URL: z.url(),
  CONSOLE_BASE_URL: z.url(),
  RETENTION_DAYS: int(1, 3650, 365),
  SESSION_MINUTES: int(1, 60, 15),
  /**
   * Unauthenticated portal requests (the self-service start, links that do not open) per source
   * network (/24 or /48) per 15 minutes. Sized for an office or a carrier's NAT, where hundreds of
   * people share one address; calls with a session are limited per session and per link instead.
   */
  PORTAL_REQUESTS_PER_SOURCE: int(10, 10_000, 600),
  /** Link tokens that do not open (unknown) per source address (IPv4, or IPv6 /64) per 15 minutes. */
  PORTAL_INVALID_LINKS_PER_HOST: int(5, 10_000, 30),
  /** Calls one portal session may make per 15 minutes (a verification takes about ten). */
  PORTAL_REQUESTS_PER_SESSION: int(10, 10_000, 120),
  /** Calls all the sessions of one link may make together per 15 minutes. */
  PORTAL_REQUESTS_PER_LINK: int(10, 10_000, 300),
  /** Strength checks while typing a new password, per session per 15 minutes (typing debounced). */
  PORTAL_PASSWORD_CHECKS_PER_SESSION: int(10, 10_000, 200),
  /** Times one link may be opened (reloads included). */
  MAX_OPENS_PER_LINK: int(1, 100, 10),
  /** The connection whose policy self-service requests (the portal's start page) follow; unset turns them off. */
  SELF_SERVICE_CONNECTION_ID: z.optional(z.string().check(z.minLength(1))),
  /**
   * The connection whose policy (link lifetime, retention, action window) an agent-led verification
   * without a ticket follows ("Verify a caller"); default SELF_SERVICE_CONNECTION_ID. Unset with it:
   * a ticket is needed.
   */
  CALLER_CONNECTION_ID: z.optional(z.string().check(z.minLength(1))),
  /** Directory searches per agent per minute on "Verify a caller" (one per search; typing is debounced). */
  PEOPLE_SEARCHES_PER_MINUTE: int(1, 1_000, 30),
  /**
   * The least time a start-page request takes, known address or not, so its timing does not tell
   * accounts apart; set above the slowest real send (the handler logs when one overruns it).
   */
  SELF_SERVICE_MIN_MS: int(0, 10_000, 400),
  /** Where the scheduled refresh fetches Tor exit addresses (default: the Tor Project's bulk exit list). */
  TOR_EXIT_LIST_URL: z.optional(z.url()),
  /** Challenge questions per verification (the most private facts the directory has come first). */
  QUESTIONS_PER_VERIFICATION: int(3, 10, 5),
  /**
   * The recent-ticket question only asks about tickets opened at least this many days before the
   * ticket being verified: a caller cannot file one in the person's name first and know the answer.
   */
  RECENT_TICKET_MIN_AGE_DAYS: int(0, 60, 3),
  /** Answers faster than this on average (server-timed, from opening to completing) add risk; 0 turns it off. */
  MIN_MS_PER_ANSWER: int(0, 60_000, 1500),
  /** The company's own egress networks (comma-separated AS numbers): a credit that vouches. */
  CORPORATE_ASNS: z._default(z.string(), ''),
  /** `redact` keeps grades and timings in transcripts but not the requester's responses. */
  TRANSCRIPT_RESPONSES: z._default(z.enum(['keep', 'redact']), 'keep'),
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
  if (config.DIRECTORY === 'entra' && !config.ENTRA_TENANT_ID) {
    throw new Error('Invalid configuration: ENTRA_TENANT_ID is required with DIRECTORY=entra');
  }
  if (config.DIRECTORY === 'okta' && !config.OKTA_ORG_URL) {
    throw new Error('Invalid configuration: OKTA_ORG_URL is required with DIRECTORY=okta');
  }
  return config;
}
