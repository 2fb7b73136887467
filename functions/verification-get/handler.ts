/** GET /api/verifications/{verificationId}: one verification, as the console shows it. */

import { compose, store } from '../../shared/composition.js';
import { httpHandler } from '../../shared/http/api.js';
import { getVerificationView } from '../../shared/use-cases/send-verification.js';

const ctx = compose({ store });

export const handler = httpHandler('verification-get', {}, async ({ event }) => ({
  status: 200,
  body: await getVerificationView(ctx, event.pathParameters?.verificationId ?? ''),
}));
