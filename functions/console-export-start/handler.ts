/** POST /api/exports: queues a CSV export of the filtered (or full) verifications table. */
import { audit, compose, consoleQueries, consoleUsers } from '../../shared/composition.js';
import { exportBodySchema } from '../../shared/console-api.js';
import { httpHandler } from '../../shared/http/api.js';
import { authorized } from '../../shared/use-cases/console/access.js';
import { startExport } from '../../shared/use-cases/console/export.js';
import { parseBody } from '../../shared/use-cases/console/request.js';

const ctx = compose({ audit, consoleQueries, consoleUsers });

export const handler = httpHandler('console-export-start', { rawBody: true }, async (request) => {
  const principal = await authorized(ctx, 'console-export-start', request);
  return {
    status: 202,
    body: await startExport(ctx, principal, parseBody(exportBodySchema, request.rawBody).filters ?? {}),
  };
});
