/** POST /api/settings/connections/{connectionId}: changes a connection's policy (audited). */
import { audit, compose, connections, consoleUsers } from '../../shared/composition.js';
import { connectionPolicyBodySchema } from '../../shared/console-api.js';
import { httpHandler } from '../../shared/http/api.js';
import { authorized } from '../../shared/use-cases/console/access.js';
import { parseBody, pathParam } from '../../shared/use-cases/console/request.js';
import { updateConnectionPolicy } from '../../shared/use-cases/console/settings.js';

const ctx = compose({ connections, audit, consoleUsers });

export const handler = httpHandler('console-settings-update', { rawBody: true }, async (request) => {
  const principal = await authorized(ctx, 'console-settings-update', request);
  const connectionId = pathParam(request.event, 'connectionId');
  return {
    status: 200,
    body: await updateConnectionPolicy(
      ctx,
      connectionId,
      parseBody(connectionPolicyBodySchema, request.rawBody),
      principal,
    ),
  };
});
