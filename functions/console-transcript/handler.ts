/** GET /api/verifications/{verificationId}/transcript: every question and response; the view is audited. */
import { audit, compose, connections, consoleUsers, verifications } from '../../shared/composition.js';
import { httpHandler } from '../../shared/http/api.js';
import { pathSchema } from '../../shared/http/validation.js';
import { viewTranscript } from '../../shared/use-cases/console/detail.js';

const ctx = compose({ verifications, connections, audit, consoleUsers });

export const handler = httpHandler(
  'console-transcript',
  { ctx, path: pathSchema('verificationId') },
  async ({ path, principal }) => ({
    status: 200,
    body: await viewTranscript(ctx, path.verificationId, principal),
  }),
);
