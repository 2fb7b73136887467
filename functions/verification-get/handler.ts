/** GET /api/verifications/{verificationId}: the summary panel (timeline, reasons by category, what the caller may do). */

import {
  audit,
  compose,
  connections,
  consoleQueries,
  consoleUsers,
  ticketSystems,
  verifications,
} from '../../shared/composition.js';
import { httpHandler } from '../../shared/http/api.js';
import { authorized } from '../../shared/use-cases/console/access.js';
import { verificationDetail } from '../../shared/use-cases/console/detail.js';
import { pathParam } from '../../shared/use-cases/console/request.js';

const ctx = compose({ verifications, connections, audit, consoleQueries, ticketSystems, consoleUsers });

export const handler = httpHandler('verification-get', {}, async (request) => {
  const principal = await authorized(ctx, 'verification-get', request);
  return {
    status: 200,
    body: await verificationDetail(ctx, pathParam(request.event, 'verificationId'), principal),
  };
});
