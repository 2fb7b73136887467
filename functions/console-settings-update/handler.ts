/** POST /api/settings/connections/{connectionId}: changes a connection's policy (audited). */
import { audit, compose, connections, consoleUsers } from '../../shared/composition.js';
import { connectionPolicyBodySchema } from '../../shared/console-api/settings.js';
import { httpHandler } from '../../shared/http/api.js';
import { pathSchema } from '../../shared/http/validation.js';
import { updateConnectionPolicy } from '../../shared/use-cases/console/settings.js';

const ctx = compose({ connections, audit, consoleUsers });

export const handler = httpHandler(
  'console-settings-update',
  { ctx, body: connectionPolicyBodySchema, explain: true, path: pathSchema('connectionId') },
  async ({ path, body, principal }) => ({
    status: 200,
    body: await updateConnectionPolicy(ctx, path.connectionId, body, principal),
  }),
);
