/** GET /portal/session (Authorization: Bearer <link token>): the requester opened the link. */

import {
  audit,
  compose,
  connections,
  counters,
  directory,
  linkTokens,
  secrets,
  ticketSystems,
  verifications,
  workflow,
} from '../../shared/composition.js';
import { httpHandler } from '../../shared/http/api.js';
import { openPortalSession } from '../../shared/use-cases/portal/open.js';

const ctx = compose({
  verifications,
  connections,
  linkTokens,
  counters,
  audit,
  directory,
  secrets,
  workflow,
  ticketSystems,
});

// Limits live in the use case: a link that does not open counts against its host and network, a
// valid one only against itself (so a neighbour's junk never locks it out).
export const handler = httpHandler('portal-open', { ctx }, async ({ event, bearer }) => ({
  status: 200,
  body: await openPortalSession(ctx, bearer, event.requestContext.http.sourceIp),
}));
