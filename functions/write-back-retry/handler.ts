/** POST /api/verifications/{verificationId}/write-back: an agent retries a failed write-back. */
import { compose, store, ticketSystems } from '../../shared/composition.js';
import { httpHandler } from '../../shared/http/api.js';
import { retryWriteBack } from '../../shared/use-cases/lifecycle.js';
import { toView } from '../../shared/use-cases/send-verification.js';

const ctx = compose({ store, ticketSystems });

export const handler = httpHandler('write-back-retry', {}, async ({ event, principal }) => ({
  status: 200,
  body: toView(
    await retryWriteBack(ctx, event.pathParameters?.verificationId ?? '', principal?.username ?? 'unknown'),
  ),
}));
