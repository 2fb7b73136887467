/** POST /api/verifications/{verificationId}/resend: a fresh link to the same place; the open one is cancelled. */
import { compose, directory, store, workflow } from '../../shared/composition.js';
import { httpHandler } from '../../shared/http/api.js';
import { pathParam, signedIn } from '../../shared/use-cases/console/request.js';
import { resendVerification } from '../../shared/use-cases/console/send.js';

const ctx = compose({ store, directory, workflow });

export const handler = httpHandler('console-resend', {}, async ({ event, principal }) => ({
  status: 202,
  body: await resendVerification(ctx, pathParam(event, 'verificationId'), signedIn(principal)),
}));
