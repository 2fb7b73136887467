/** GET /api/users: console users and their roles. */
import { compose, consoleUsers } from '../../shared/composition.js';
import { httpHandler } from '../../shared/http/api.js';
import { authorized } from '../../shared/use-cases/console/access.js';
import { listUsers } from '../../shared/use-cases/console/users.js';

const ctx = compose({ consoleUsers });

export const handler = httpHandler('console-users-list', {}, async (request) => {
  await authorized(ctx, 'console-users-list', request);
  return { status: 200, body: await listUsers(ctx) };
});
