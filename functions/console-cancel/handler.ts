/** POST /api/verifications/{verificationId}/cancel: its sender or an admin cancels an open verification. */

import { compose, connections, consoleUsers, verifications, workflow } from '../../shared/composition.js';
import { cancelBodySchema } from '../../shared/console-api.js';
import { httpHandler } from '../../shared/http/api.js';
import { authorized } from '../../shared/use-cases/console/access.js';
import { pathParam } from '../../shared/use-cases/console/request.js';
import { cancelVerification } from '../../shared/use-cases/console/send.js';

const ctx = compose({ verifications, connections, workflow, consoleUsers });

export const handler = httpHandler('console-cancel', { body: cancelBodySchema }, async (request) => {
  const principal = await authorized(ctx, 'console-cancel', request);
  const verificationId = pathParam(request.event, 'verificationId');
  return { status: 200, body: await cancelVerification(ctx, verificationId, principal, request.body.reason) };
});
