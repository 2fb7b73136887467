/** POST /api/settings/connections/{connectionId}/secrets: replaces a connection's secrets (write-only, audited). */
import { audit, compose, connections, consoleUsers, secretWriter } from '../../shared/composition.js';
import { connectionSecretsBodySchema } from '../../shared/console-api/settings.js';
import { httpHandler } from '../../shared/http/api.js';
import { pathSchema } from '../../shared/http/validation.js';
import { putConnectionSecrets } from '../../shared/use-cases/console/settings.js';

const ctx = compose({ connections, audit, secretWriter, consoleUsers });

export const handler = httpHandler(
  'console-secrets-put',
  { ctx, body: connectionSecretsBodySchema, explain: true, path: pathSchema('connectionId') },
  async ({ path, body, principal }) => ({
    status: 200,
    body: await putConnectionSecrets(ctx, path.connectionId, body, principal),
  }),
);
