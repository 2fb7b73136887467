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
import { guardPortalSource } from '../../shared/use-cases/portal/guard.js';
import { startSelfService } from '../../shared/use-cases/self-service.js';

const ctx = compose({ verifications, tickets, connections, counters, directory, workflow });

export const handler = httpHandler('portal-start', { body: selfServiceSchema }, async ({ event, body }) => {
  await guardPortalSource(ctx, event.requestContext.http.sourceIp);
  return { status: 202, body: await startSelfService(ctx, body) };
});
