/** GET /api/verifications: the verifications table, filtered, newest first, by cursor. */
import { compose, consoleQueries, consoleUsers } from '../../shared/composition.js';
import { listQuerySchema } from '../../shared/console-api.js';
import { httpHandler } from '../../shared/http/api.js';
import { authorized } from '../../shared/use-cases/console/access.js';
import { listVerifications } from '../../shared/use-cases/console/list.js';
import { parseQuery } from '../../shared/use-cases/console/request.js';

const ctx = compose({ consoleQueries, consoleUsers });

export const handler = httpHandler('console-list', {}, async (request) => {
  const principal = await authorized(ctx, 'console-list', request);
  return {
    status: 200,
    body: await listVerifications(ctx, parseQuery(listQuerySchema, request.event), principal),
  };
});
