/** Date ranges and cursors of the console API, with the stable error codes of the HTTP edge. */
import { createHash } from 'node:crypto';
import { addDays, addMonths, rangeProblem } from '../../console-api/range.js';
import { InvalidInput, Unauthenticated } from '../../domain/errors.js';
import type { Principal } from '../../domain/model/principal.js';
import type { ListPosition } from '../../ports/console-queries.js';
import * as z from '../../zod.js';

/**
 * The range a request covers, checked by the contract's one rule (console-api/range.ts `rangeProblem`):
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

/** The console user of a console route (the HTTP edge has checked the token and the role). */
export function signedIn(principal: Principal | undefined): Principal {
  if (!principal) throw new Unauthenticated('UNAUTHENTICATED', 'Sign in first');
  return principal;
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
