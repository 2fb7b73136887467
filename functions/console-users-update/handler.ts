/** POST /api/users/{username}: changes a console user's roles, disables or enables them, or ends their sessions (audited). */
import { audit, compose, consoleUsers } from '../../shared/composition.js';
import { updateUserBodySchema } from '../../shared/console-api/users.js';
import { httpHandler } from '../../shared/http/api.js';
import { pathSchema } from '../../shared/http/validation.js';
import { updateUser } from '../../shared/use-cases/console/users.js';

const ctx = compose({ audit, consoleUsers });

export const handler = httpHandler(
  'console-users-update',
  { ctx, body: updateUserBodySchema, explain: true, path: pathSchema('username') },
  async ({ path, body, principal }) => ({
    status: 200,
    body: await updateUser(ctx, path.username, body, principal),
  }),
);
