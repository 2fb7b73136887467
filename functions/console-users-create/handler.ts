/** POST /api/users: invites a console user with roles (audited). */
import { audit, compose, consoleUsers } from '../../shared/composition.js';
import { createUserBodySchema } from '../../shared/console-api.js';
import { httpHandler } from '../../shared/http/api.js';
import { authorized } from '../../shared/use-cases/console/access.js';
import { parseBody } from '../../shared/use-cases/console/request.js';
import { createUser } from '../../shared/use-cases/console/users.js';

const ctx = compose({ audit, consoleUsers });

export const handler = httpHandler('console-users-create', { rawBody: true }, async (request) => {
  const principal = await authorized(ctx, 'console-users-create', request);
  return {
    status: 201,
    body: await createUser(ctx, parseBody(createUserBodySchema, request.rawBody), principal),
  };
});
