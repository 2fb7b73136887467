/** POST /api/verifications/{verificationId}/resend: a fresh link to the same place; the open one is cancelled. */
import {
  compose,
  connections,
  consoleUsers,
  directory,
  tickets,
  verifications,
  workflow,
} from '../../shared/composition.js';
import { httpHandler } from '../../shared/http/api.js';
import { pathSchema } from '../../shared/http/validation.js';
import { resendVerification } from '../../shared/use-cases/console/send.js';

const ctx = compose({ verifications, tickets, connections, directory, workflow, consoleUsers });

export const handler = httpHandler(
  'console-resend',
  { ctx, path: pathSchema('verificationId') },
  async ({ path, principal }) => ({
    status: 202,
    body: await resendVerification(ctx, path.verificationId, principal),
  }),
);
