/** POST /api/settings/connections/{connectionId}/secrets: replaces a connection's secrets (write-only, audited). */

import { compose, secretWriter, store } from '../../shared/composition.js';
import { connectionSecretsBodySchema } from '../../shared/console-api.js';
import { httpHandler } from '../../shared/http/api.js';
import { pathParam, signedIn } from '../../shared/use-cases/console/request.js';
import { putConnectionSecrets } from '../../shared/use-cases/console/settings.js';

const ctx = compose({ store, secretWriter });

export const handler = httpHandler(
  'console-secrets-put',
  { body: connectionSecretsBodySchema },
  async ({ event, body, principal }) => ({
    status: 200,
    body: await putConnectionSecrets(ctx, pathParam(event, 'connectionId'), body, signedIn(principal)),
  }),
);
