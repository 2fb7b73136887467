/**
 * The wrapper for state-machine task functions: validates the task input and logs failures by name
 * (the name is what the ASL's Retry and Catch match), then rethrows so Step Functions sees them.
 */
import middy from '@middy/core';
import { type $ZodType, type output, parse } from 'zod/v4/core';
import { assertIsError } from '../domain/errors.js';
import { logger } from '../logger.js';

export function taskHandler<S extends $ZodType, R>(
  task: string,
  schema: S,
  fn: (input: output<S>) => Promise<R>,
) {
  return middy<unknown, R>().handler(async (event) => {
    const input = parse(schema, event);
    try {
      return await fn(input);
    } catch (error) {
      assertIsError(error);
      logger.warn('task failed', { task, errorName: error.name, detail: error.message });
      throw error;
    }
  });
}
