/** GET /api/settings: every connection's policy; secrets are never returned. */
import { compose, consoleQueries } from '../../shared/composition.js';
import { httpHandler } from '../../shared/http/api.js';
import { getSettings } from '../../shared/use-cases/console/settings.js';

const ctx = compose({ consoleQueries });

export const handler = httpHandler('console-settings-get', {}, async () => ({
  status: 200,
  body: await getSettings(ctx),
}));
