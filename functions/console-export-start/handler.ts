/** POST /api/exports: queues a CSV export of the filtered (or full) verifications table. */
import { audit, compose, consoleQueries, consoleUsers } from '../../shared/composition.js';
import { exportBodySchema } from '../../shared/console-api/export.js';
import { httpHandler } from '../../shared/http/api.js';
import { startExport } from '../../shared/use-cases/console/export.js';

const ctx = compose({ audit, consoleQueries, consoleUsers });

export const handler = httpHandler(
  'console-export-start',
  { ctx, body: exportBodySchema, explain: true },
  async ({ principal, body }) => ({
    status: 202,
    body: await startExport(ctx, principal, body.filters ?? {}),
  }),
);
