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
import { pathSchema } from '../../shared/http/validation.js';
import { verificationDetail } from '../../shared/use-cases/console/detail.js';

const ctx = compose({ verifications, connections, audit, consoleQueries, ticketSystems, consoleUsers });

export const handler = httpHandler(
  'verification-get',
  { ctx, path: pathSchema('verificationId') },
  async ({ path, principal }) => ({
    status: 200,
    body: await verificationDetail(ctx, path.verificationId, principal),
  }),
);
