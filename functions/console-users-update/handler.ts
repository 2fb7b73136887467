/** POST /api/users/{username}: changes a console user's roles, disables or enables them, or ends their sessions (audited). */
import { audit, compose, consoleUsers } from '../../shared/composition.js';
import { updateUserBodySchema } from '../../shared/console-api.js';
import { httpHandler } from '../../shared/http/api.js';
import { authorized } from '../../shared/use-cases/console/access.js';
import { parseBody, pathParam } from '../../shared/use-cases/console/request.js';
import { updateUser } from '../../shared/use-cases/console/users.js';

const ctx = compose({ audit, consoleUsers });

export const handler = httpHandler('console-users-update', { rawBody: true }, async (request) => {
  const principal = await authorized(ctx, 'console-users-update', request);
  return {
    status: 200,
    body: await updateUser(
      ctx,
      pathParam(request.event, 'username'),
      parseBody(updateUserBodySchema, request.rawBody),
      principal,
    ),
  };
});
