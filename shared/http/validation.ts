/**
 * Validation of what a request carries (body, path parameters, query string) with zod schemas:
 * 400 MALFORMED_JSON or VALIDATION_FAILED, with a sentence naming the first field that is wrong
 * (and every issue in `details`).
 */
import { type $ZodType, type output, safeParse } from 'zod/v4/core';
import { InvalidInput } from '../domain/errors.js';
import * as z from '../zod.js';

/**
 * Validates input with a schema from the API contracts (shared/console-api/, shared/portal-api.ts): 400 VALIDATION_FAILED with a sentence naming
 * the first field that is wrong (and every issue in `details`).
 */
export function parseWith<S extends $ZodType>(schema: S, input: unknown, what: string): output<S> {
  const parsed = safeParse(schema, input);
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
function describeIssues(issues: readonly z.core.$ZodIssue[], what: string): string {
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

/** Path parameters by name, each a string ('' when absent: the use case then finds nothing, 404). */
export function pathSchema<const N extends string>(...names: N[]) {
  const shape = Object.fromEntries(names.map((n) => [n, z._default(z.string(), '')]));
  return z.object(shape as Record<N, z.ZodMiniDefault<z.ZodMiniString>>);
}
