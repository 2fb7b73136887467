/** POST /api/settings/connections/{connectionId}: changes a connection's policy (audited). */

import { compose, store } from '../../shared/composition.js';
import { connectionPolicyBodySchema } from '../../shared/console-api.js';
import { httpHandler } from '../../shared/http/api.js';
import { pathParam, signedIn } from '../../shared/use-cases/console/request.js';
import { updateConnectionPolicy } from '../../shared/use-cases/console/settings.js';

const ctx = compose({ store });

export const handler = httpHandler(
  'console-settings-update',
  { body: connectionPolicyBodySchema },
  async ({ event, body, principal }) => ({
    status: 200,
    body: await updateConnectionPolicy(ctx, pathParam(event, 'connectionId'), body, signedIn(principal)),
  }),
);
