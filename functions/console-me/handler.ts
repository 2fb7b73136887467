/** GET /api/me: the signed-in console user and their roles now (the console shows what they may do). */
import { compose, consoleUsers } from '../../shared/composition.js';
import { httpHandler } from '../../shared/http/api.js';
import { authorized } from '../../shared/use-cases/console/access.js';

const ctx = compose({ consoleUsers });

export const handler = httpHandler('console-me', {}, async (request) => {
  const { username, roles } = await authorized(ctx, 'console-me', request);
  return { status: 200, body: { username, roles } };
});
