/** POST /api/users/{username}: changes a console user's roles, or disables or enables them (audited). */

import { compose, consoleUsers, store } from '../../shared/composition.js';
import { updateUserBodySchema } from '../../shared/console-api.js';
import { httpHandler } from '../../shared/http/api.js';
import { pathParam, signedIn } from '../../shared/use-cases/console/request.js';
import { updateUser } from '../../shared/use-cases/console/users.js';

const ctx = compose({ store, consoleUsers });

export const handler = httpHandler(
  'console-users-update',
  { body: updateUserBodySchema },
  async ({ event, body, principal }) => ({
    status: 200,
    body: await updateUser(ctx, pathParam(event, 'username'), body, signedIn(principal)),
  }),
);
