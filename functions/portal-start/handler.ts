/** POST /portal/start (public): a person asks for a password-reset link to the contact on record. */

import {
  compose,
  connections,
  counters,
  directory,
  tickets,
  verifications,
  workflow,
} from '../../shared/composition.js';
import { httpHandler } from '../../shared/http/api.js';
import { selfServiceSchema } from '../../shared/portal-api.js';
import { startSelfService } from '../../shared/use-cases/self-service.js';

const ctx = compose({ verifications, tickets, connections, counters, directory, workflow });

export const handler = httpHandler('portal-start', { ctx, body: selfServiceSchema }, async ({ body }) => ({
  status: 202,
  body: await startSelfService(ctx, body),
}));
