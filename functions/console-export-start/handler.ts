/** POST /api/exports: queues a CSV export of the filtered (or full) verifications table. */

import { compose, consoleQueries, store } from '../../shared/composition.js';
import { exportBodySchema } from '../../shared/console-api.js';
import { httpHandler } from '../../shared/http/api.js';
import { startExport } from '../../shared/use-cases/console/export.js';
import { signedIn } from '../../shared/use-cases/console/request.js';

const ctx = compose({ store, consoleQueries });

export const handler = httpHandler(
  'console-export-start',
  { body: exportBodySchema },
  async ({ body, principal }) => ({
    status: 202,
    body: await startExport(ctx, signedIn(principal), body.filters ?? {}),
  }),
);
