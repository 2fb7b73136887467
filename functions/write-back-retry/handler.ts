/** POST /api/verifications/{verificationId}/write-back: an agent retries a failed write-back. */
import {
  audit,
  compose,
  connections,
  consoleUsers,
  ticketSystems,
  verifications,
} from '../../shared/composition.js';
import { httpHandler } from '../../shared/http/api.js';
import { authorized } from '../../shared/use-cases/console/access.js';
import { pathParam } from '../../shared/use-cases/console/request.js';
import { retryWriteBack } from '../../shared/use-cases/lifecycle/retry-write-back.js';
import { toView } from '../../shared/use-cases/send-verification.js';

const ctx = compose({ verifications, connections, audit, ticketSystems, consoleUsers });

export const handler = httpHandler('write-back-retry', {}, async (request) => {
  const principal = await authorized(ctx, 'write-back-retry', request);
  const verificationId = pathParam(request.event, 'verificationId');
  return { status: 200, body: toView(await retryWriteBack(ctx, verificationId, principal.username)) };
});
