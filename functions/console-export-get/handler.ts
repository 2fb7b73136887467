/** GET /api/exports/{exportId}: the job, and a short-lived download URL once it is done. */
import { audit, compose, consoleQueries, consoleUsers, exportFiles } from '../../shared/composition.js';
import { httpHandler } from '../../shared/http/api.js';
import { pathSchema } from '../../shared/http/validation.js';
import { getExport } from '../../shared/use-cases/console/export.js';

const ctx = compose({ audit, consoleQueries, exportFiles, consoleUsers });

export const handler = httpHandler(
  'console-export-get',
  { ctx, path: pathSchema('exportId') },
  async ({ path, principal }) => ({ status: 200, body: await getExport(ctx, path.exportId, principal) }),
);
