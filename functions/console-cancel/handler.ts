/** POST /api/verifications/{verificationId}/cancel: its sender or an admin cancels an open verification. */

import { compose, store, workflow } from '../../shared/composition.js';
import { cancelBodySchema } from '../../shared/console-api.js';
import { httpHandler } from '../../shared/http/api.js';
import { pathParam, signedIn } from '../../shared/use-cases/console/request.js';
import { cancelVerification } from '../../shared/use-cases/console/send.js';

const ctx = compose({ store, workflow });

export const handler = httpHandler(
  'console-cancel',
  { body: cancelBodySchema },
  async ({ event, body, principal }) => ({
    status: 200,
    body: await cancelVerification(ctx, pathParam(event, 'verificationId'), signedIn(principal), body.reason),
  }),
);
