/**
 * The wrapper for state-machine task functions: the same Logger, Tracer and Metrics as the HTTP
 * edge; validates the task input, appends its correlation keys, counts the lifecycle events that
 * are metrics (./observability.ts), and logs failures by name (the name is what the ASL's Retry
 * and Catch match), then rethrows so Step Functions sees them.
 */
import middy from '@middy/core';
import { type $ZodType, type output, parse } from 'zod/v4/core';
import { assertIsError } from '../domain/errors.js';
import { logger } from '../logger.js';
import { logTaskFailure } from './error-map.js';
import { correlationKeys } from './middleware.js';
import { countTaskInput, powertools } from './observability.js';

export function taskHandler<S extends $ZodType, R>(
  task: string,
  schema: S,
  fn: (input: output<S>) => Promise<R>,
) {
  return middy<unknown, R>()
    .use(powertools())
    .handler(async (event) => {
      const input = parse(schema, event);
      logger.appendKeys(correlationKeys(input));
      try {
        const result = await fn(input);
        countTaskInput(task, input);
        return result;
      } catch (error) {
        assertIsError(error);
        logTaskFailure(task, error);
        throw error;
      }
    });
}
