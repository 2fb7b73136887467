/** GET /portal/session (Authorization: Bearer <link token>): the requester opened the link. */

import { compose, directory, secrets, store, ticketSystems, workflow } from '../../shared/composition.js';
import { httpHandler } from '../../shared/http/api.js';
import { guardPortalSource, openPortalSession } from '../../shared/use-cases/portal.js';

const ctx = compose({ store, directory, secrets, workflow, ticketSystems });

export const handler = httpHandler('portal-open', {}, async ({ event, bearer }) => {
  await guardPortalSource(ctx, event.requestContext.http.sourceIp);
  return { status: 200, body: await openPortalSession(ctx, bearer) };
});
