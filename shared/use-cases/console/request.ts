/** Query strings and cursors of the console API: validated, with the stable error codes of the HTTP edge. */
import { createHash } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { addDays, addMonths, rangeProblem } from '../../console-api.js';
import { InvalidInput, Unauthenticated } from '../../domain/errors.js';
import type { Principal } from '../../domain/model/principal.js';
import type { ListPosition } from '../../ports/console-queries.js';
import * as z from '../../zod.js';

/**
 * Validates input with a schema from console-api.ts: 400 VALIDATION_FAILED with a sentence naming
 * the first field that is wrong (and every issue in `details`).
 */
export function parseWith<S extends z.ZodMiniType>(schema: S, input: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new InvalidInput('VALIDATION_FAILED', describeIssues(parsed.error.issues, what), issues);
  }
  return parsed.data;
}

/** What a value must be, from a zod issue, in words: "at most 10", "one of full, outcome_only". */
function expected(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'too_big':
      return issue.origin === 'string'
        ? `at most ${issue.maximum} characters`
        : issue.origin === 'array'
          ? `at most ${issue.maximum} items`
          : `at most ${issue.maximum}`;
    case 'too_small':
      return issue.origin === 'string'
        ? Number(issue.minimum) === 1
          ? 'filled in'
          : `at least ${issue.minimum} characters`
        : issue.origin === 'array'
          ? `at least ${issue.minimum} item${Number(issue.minimum) === 1 ? '' : 's'}`
          : `at least ${issue.minimum}`;
    case 'invalid_type':
      return issue.expected === 'int' ? 'a whole number' : `a ${issue.expected}`;
    case 'invalid_value':
      return `one of ${issue.values.map(String).join(', ')}`;
    case 'not_multiple_of':
      return `a multiple of ${issue.divisor}`;
    case 'unrecognized_keys':
      return 'left out';
    default:
      return issue.message.replace(/^Invalid input: expected /i, '').replace(/^Invalid /i, 'a valid ');
  }
}

/** "`to` must be a date like 2026-01-31." rather than a schema path. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], what: string): string {
  const first = issues[0];
  if (!first) return `The ${what} is invalid.`;
  let sentence: string;
  if (first.code === 'unrecognized_keys')
    sentence = `${first.keys.map((k) => `\`${k}\``).join(', ')} ${first.keys.length > 1 ? 'are' : 'is'} not something this request takes`;
  else {
    const field = [...first.path].reverse().find((p) => typeof p === 'string');
    // A refinement's message is already a sentence; a format check says what it wants.
    if (first.code === 'custom' || !field) sentence = first.message;
    else sentence = `\`${String(field)}\` must be ${expected(first)}`;
  }
  const more =
    issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
  return `${sentence.replace(/\.$/, '')}${more}.`;
}

/**
 * Parses and validates a JSON body (the edge has checked its size and content type) with a
 * sentence for the first problem: 400 MALFORMED_JSON or VALIDATION_FAILED.
 */
export function parseBody<S extends z.ZodMiniType>(schema: S, rawBody: string): z.infer<S> {
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    throw new InvalidInput('MALFORMED_JSON', 'The body is not valid JSON');
  }
  return parseWith(schema, json, 'request body');
}

/** Validates the query string with a schema from console-api.ts (400 VALIDATION_FAILED otherwise). */
export function parseQuery<S extends z.ZodMiniType>(schema: S, event: APIGatewayProxyEventV2): z.infer<S> {
  return parseWith(schema, event.queryStringParameters ?? {}, 'query string');
}

/**
 * The range a request covers, checked by the contract's one rule (console-api.ts `rangeProblem`):
 * `to` defaults to today, `from` to `defaultDays` before it (or to the retention's oldest day).
 * A refused range is a 400 with a stable code and a sentence, before any read.
 */
export function checkedRange(
  query: { from?: string; to?: string },
  now: Date,
  rules: { maxMonths: number; defaultFrom: (to: string) => string },
): { from: string; to: string } {
  const today = now.toISOString().slice(0, 10);
  const to = query.to ?? today;
  // A default start never makes a range longer than allowed.
  const earliest = addDays(addMonths(to, -rules.maxMonths), 1);
  const defaultFrom = rules.defaultFrom(to);
  const from = query.from ?? (defaultFrom > earliest ? defaultFrom : earliest);
  const problem = rangeProblem({ from, to }, { today, maxMonths: rules.maxMonths });
  if (problem) throw new InvalidInput(problem.code, problem.message);
  return { from, to };
}

export { addDays };

/** The console user of a console route (the HTTP edge has checked the token and the role). */
export function signedIn(principal: Principal | undefined): Principal {
  if (!principal) throw new Unauthenticated('UNAUTHENTICATED', 'Sign in first');
  return principal;
}

/** A path parameter ('' when absent: the use case then finds nothing and answers 404). */
export function pathParam(event: APIGatewayProxyEventV2, name: string): string {
  return event.pathParameters?.[name] ?? '';
}

const partition = /^(VERS#\d{4}-\d{2}|AUDIT#\d{4}-\d{2}-\d{2})$/;
/** A sort key: `<ISO timestamp>#<ULID>`, or the end of a day (`...T23:59:59.999Z#~`). */
const sortKey = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z#([0-9A-HJKMNP-TV-Z]{26}|~)$/;
const cursorSchema = z.strictObject({
  v: z.literal(1),
  h: z.string().check(z.regex(/^[0-9a-f]{16}$/)),
  p: z.optional(z.string().check(z.regex(partition))),
  b: z.string().check(z.regex(sortKey)),
});

/** Binds a cursor to the filters it was made for: reusing it with other filters is refused. */
const filterHash = (filters: Record<string, unknown>) =>
  createHash('sha256')
    .update(
      JSON.stringify(
        Object.entries(filters)
          .filter(([, v]) => v !== undefined)
          .sort(),
      ),
    )
    .digest('hex')
    .slice(0, 16);

/** Opaque to clients: base64url JSON of where the next page starts and which filters it belongs to. */
export function encodeCursor(
  next: ListPosition | undefined,
  filters: Record<string, unknown>,
): string | null {
  if (!next) return null;
  const body = { v: 1, h: filterHash(filters), p: next.partition, b: next.before };
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

/**
 * Reads a cursor back. It only ever becomes a bound in a key condition of the same filtered query
 * (never a raw DynamoDB key), so the strict shape check is what keeps it tamper-safe.
 */
export function decodeCursor(
  cursor: string | undefined,
  filters: Record<string, unknown>,
): ListPosition | undefined {
  if (cursor === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidInput('INVALID_CURSOR', 'The cursor is not one this API issued');
  }
  const parsed = cursorSchema.safeParse(json);
  if (!parsed.success) throw new InvalidInput('INVALID_CURSOR', 'The cursor is not one this API issued');
  if (parsed.data.h !== filterHash(filters))
    throw new InvalidInput(
      'CURSOR_FILTER_MISMATCH',
      'The cursor belongs to other filters; start from the first page',
    );
  return { partition: parsed.data.p, before: parsed.data.b };
}

/** The oldest day a listing reaches back to: nothing older is kept (retention). */
export function oldestDay(now: Date, retentionDays: number): string {
  return new Date(now.getTime() - (retentionDays + 1) * 86_400_000).toISOString().slice(0, 10);
}
