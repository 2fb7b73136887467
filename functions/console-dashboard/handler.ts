/** GET /api/dashboard?from&to: figures for the verifications started in the range, from the per-day aggregates. */
import { compose, consoleQueries, consoleUsers } from '../../shared/composition.js';
import { dashboardQuerySchema } from '../../shared/console-api/dashboard.js';
import { httpHandler } from '../../shared/http/api.js';
import { dashboard } from '../../shared/use-cases/console/dashboard.js';

const ctx = compose({ consoleQueries, consoleUsers });

export const handler = httpHandler(
  'console-dashboard',
  { ctx, query: dashboardQuerySchema },
  async ({ query }) => ({
    status: 200,
    body: await dashboard(ctx, query),
  }),
);
