/** GET /api/verifications: the verifications table, filtered, newest first, by cursor. */

import { compose, consoleQueries } from '../../shared/composition.js';
import { listQuerySchema } from '../../shared/console-api.js';
import { httpHandler } from '../../shared/http/api.js';
import { listVerifications } from '../../shared/use-cases/console/list.js';
import { parseQuery } from '../../shared/use-cases/console/request.js';

const ctx = compose({ consoleQueries });

export const handler = httpHandler('console-list', {}, async ({ event }) => ({
  status: 200,
  body: await listVerifications(ctx, parseQuery(listQuerySchema, event)),
}));
