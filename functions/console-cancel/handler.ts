/** POST /api/verifications/{verificationId}/cancel: its sender or an admin cancels an open verification. */
import { compose, connections, consoleUsers, verifications, workflow } from '../../shared/composition.js';
import { cancelBodySchema } from '../../shared/console-api/verifications.js';
import { httpHandler } from '../../shared/http/api.js';
import { pathSchema } from '../../shared/http/validation.js';
import { cancelVerification } from '../../shared/use-cases/console/send.js';

const ctx = compose({ verifications, connections, workflow, consoleUsers });

export const handler = httpHandler(
  'console-cancel',
  { ctx, body: cancelBodySchema, path: pathSchema('verificationId') },
  async ({ path, principal, body }) => ({
    status: 200,
    body: await cancelVerification(ctx, path.verificationId, principal, body.reason),
  }),
);
