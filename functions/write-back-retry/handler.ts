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
import { pathSchema } from '../../shared/http/validation.js';
import { retryWriteBack } from '../../shared/use-cases/lifecycle/retry-write-back.js';
import { toView } from '../../shared/use-cases/send-verification.js';

const ctx = compose({ verifications, connections, audit, ticketSystems, consoleUsers });

export const handler = httpHandler(
  'write-back-retry',
  { ctx, path: pathSchema('verificationId') },
  async ({ path, principal }) => ({
    status: 200,
    body: toView(await retryWriteBack(ctx, path.verificationId, principal.username)),
  }),
);
