/** POST /api/users: invites a console user with roles (audited). */
import { audit, compose, consoleUsers } from '../../shared/composition.js';
import { createUserBodySchema } from '../../shared/console-api/users.js';
import { httpHandler } from '../../shared/http/api.js';
import { createUser } from '../../shared/use-cases/console/users.js';

const ctx = compose({ audit, consoleUsers });

export const handler = httpHandler(
  'console-users-create',
  { ctx, body: createUserBodySchema, explain: true },
  async ({ body, principal }) => ({ status: 201, body: await createUser(ctx, body, principal) }),
);
