/** GET /api/users: console users and their roles. */
import { compose, consoleUsers } from '../../shared/composition.js';
import { httpHandler } from '../../shared/http/api.js';
import { listUsers } from '../../shared/use-cases/console/users.js';

const ctx = compose({ consoleUsers });

export const handler = httpHandler('console-users-list', { ctx }, async () => ({
  status: 200,
  body: await listUsers(ctx),
}));
