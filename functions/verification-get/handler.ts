/** GET /api/verifications/{verificationId}: the summary panel (timeline, reasons by category, what the caller may do). */

import { compose, consoleQueries, store, ticketSystems } from '../../shared/composition.js';
import { httpHandler } from '../../shared/http/api.js';
import { verificationDetail } from '../../shared/use-cases/console/detail.js';
import { signedIn } from '../../shared/use-cases/console/request.js';

const ctx = compose({ store, consoleQueries, ticketSystems });

export const handler = httpHandler('verification-get', {}, async ({ event, principal }) => ({
  status: 200,
  body: await verificationDetail(ctx, event.pathParameters?.verificationId ?? '', signedIn(principal)),
}));
