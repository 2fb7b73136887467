/** GET /api/dashboard?from&to: figures for the verifications started in the range, from the per-day aggregates. */

import { compose, consoleQueries } from '../../shared/composition.js';
import { dashboardQuerySchema } from '../../shared/console-api.js';
import { httpHandler } from '../../shared/http/api.js';
import { dashboard } from '../../shared/use-cases/console/dashboard.js';
import { parseQuery } from '../../shared/use-cases/console/request.js';

const ctx = compose({ consoleQueries });

export const handler = httpHandler('console-dashboard', {}, async ({ event }) => ({
  status: 200,
  body: await dashboard(ctx, parseQuery(dashboardQuerySchema, event)),
}));
