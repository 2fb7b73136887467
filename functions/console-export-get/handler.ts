/** GET /api/exports/{exportId}: the job, and a short-lived download URL once it is done. */
import { audit, compose, consoleQueries, consoleUsers, exportFiles } from '../../shared/composition.js';
import { httpHandler } from '../../shared/http/api.js';
import { authorized } from '../../shared/use-cases/console/access.js';
import { getExport } from '../../shared/use-cases/console/export.js';
import { pathParam } from '../../shared/use-cases/console/request.js';

const ctx = compose({ audit, consoleQueries, exportFiles, consoleUsers });

export const handler = httpHandler('console-export-get', {}, async (request) => {
  const principal = await authorized(ctx, 'console-export-get', request);
  return { status: 200, body: await getExport(ctx, pathParam(request.event, 'exportId'), principal) };
});
