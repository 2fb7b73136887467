/** POST /api/settings/connections/{connectionId}/secrets: replaces a connection's secrets (write-only, audited). */
import { audit, compose, connections, consoleUsers, secretWriter } from '../../shared/composition.js';
import { connectionSecretsBodySchema } from '../../shared/console-api.js';
import { httpHandler } from '../../shared/http/api.js';
import { authorized } from '../../shared/use-cases/console/access.js';
import { parseBody, pathParam } from '../../shared/use-cases/console/request.js';
import { putConnectionSecrets } from '../../shared/use-cases/console/settings.js';

const ctx = compose({ connections, audit, secretWriter, consoleUsers });

export const handler = httpHandler('console-secrets-put', { rawBody: true }, async (request) => {
  const principal = await authorized(ctx, 'console-secrets-put', request);
  const connectionId = pathParam(request.event, 'connectionId');
  return {
    status: 200,
    body: await putConnectionSecrets(
      ctx,
      connectionId,
      parseBody(connectionSecretsBodySchema, request.rawBody),
      principal,
    ),
  };
});
