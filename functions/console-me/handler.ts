/** GET /api/me: the signed-in console user and their roles now (the console shows what they may do). */
import { compose, consoleUsers } from '../../shared/composition.js';
import { httpHandler } from '../../shared/http/api.js';

const ctx = compose({ consoleUsers });

export const handler = httpHandler('console-me', { ctx }, async ({ principal: { username, roles } }) => ({
  status: 200,
  body: { username, roles },
}));
