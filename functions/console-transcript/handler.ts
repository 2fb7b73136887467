/** GET /api/verifications/{verificationId}/transcript: every question and response; the view is audited. */
import { compose, store } from '../../shared/composition.js';
import { httpHandler } from '../../shared/http/api.js';
import { viewTranscript } from '../../shared/use-cases/console/detail.js';
import { pathParam, signedIn } from '../../shared/use-cases/console/request.js';

const ctx = compose({ store });

export const handler = httpHandler('console-transcript', {}, async ({ event, principal }) => ({
  status: 200,
  body: await viewTranscript(ctx, pathParam(event, 'verificationId'), signedIn(principal)),
}));
