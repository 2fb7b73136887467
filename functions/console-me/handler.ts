/** GET /api/me: the signed-in console user and their roles (the console shows what they may do). */
import { httpHandler } from '../../shared/http/api.js';

export const handler = httpHandler('console-me', {}, async ({ principal }) => ({
  status: 200,
  body: { username: principal?.username, roles: principal?.roles ?? [] },
}));
