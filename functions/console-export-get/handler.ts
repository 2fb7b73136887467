/** GET /api/exports/{exportId}: the job, and a short-lived download URL once it is done. */
import { compose, consoleQueries, exportFiles, store } from '../../shared/composition.js';
import { httpHandler } from '../../shared/http/api.js';
import { getExport } from '../../shared/use-cases/console/export.js';
import { pathParam, signedIn } from '../../shared/use-cases/console/request.js';

const ctx = compose({ store, consoleQueries, exportFiles });

export const handler = httpHandler('console-export-get', {}, async ({ event, principal }) => ({
  status: 200,
  body: await getExport(ctx, pathParam(event, 'exportId'), signedIn(principal)),
}));
