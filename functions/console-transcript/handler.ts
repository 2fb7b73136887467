/** GET /api/verifications/{verificationId}/transcript: every question and response; the view is audited. */
import { audit, compose, connections, consoleUsers, verifications } from '../../shared/composition.js';
import { httpHandler } from '../../shared/http/api.js';
import { authorized } from '../../shared/use-cases/console/access.js';
import { viewTranscript } from '../../shared/use-cases/console/detail.js';
import { pathParam } from '../../shared/use-cases/console/request.js';

const ctx = compose({ verifications, connections, audit, consoleUsers });

export const handler = httpHandler('console-transcript', {}, async (request) => {
  const principal = await authorized(ctx, 'console-transcript', request);
  return {
    status: 200,
    body: await viewTranscript(ctx, pathParam(request.event, 'verificationId'), principal),
  };
});
