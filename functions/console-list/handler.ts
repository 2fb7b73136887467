/** GET /api/verifications: the verifications table, filtered, newest first, by cursor. */
import { compose, consoleQueries, consoleUsers } from '../../shared/composition.js';
import { listQuerySchema } from '../../shared/console-api/verifications.js';
import { httpHandler } from '../../shared/http/api.js';
import { listVerifications } from '../../shared/use-cases/console/list.js';

const ctx = compose({ consoleQueries, consoleUsers });

export const handler = httpHandler(
  'console-list',
  { ctx, query: listQuerySchema },
  async ({ query, principal }) => ({ status: 200, body: await listVerifications(ctx, query, principal) }),
);
