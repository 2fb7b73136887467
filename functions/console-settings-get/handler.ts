/** GET /api/settings: every connection's policy; secrets are never returned. */
import { compose, consoleQueries, consoleUsers } from '../../shared/composition.js';
import { httpHandler } from '../../shared/http/api.js';
import { getSettings } from '../../shared/use-cases/console/settings.js';

const ctx = compose({ consoleQueries, consoleUsers });

export const handler = httpHandler('console-settings-get', { ctx }, async () => ({
  status: 200,
  body: await getSettings(ctx),
}));
