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
import { authorized } from '../../shared/use-cases/console/access.js';
import { pathParam } from '../../shared/use-cases/console/request.js';
import { resendVerification } from '../../shared/use-cases/console/send.js';

const ctx = compose({ verifications, tickets, connections, directory, workflow, consoleUsers });

export const handler = httpHandler('console-resend', {}, async (request) => {
  const principal = await authorized(ctx, 'console-resend', request);
  return {
    status: 202,
    body: await resendVerification(ctx, pathParam(request.event, 'verificationId'), principal),
  };
});
