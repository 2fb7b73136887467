/** GET /portal/session (Authorization: Bearer <link token>): the requester opened the link. */

import { appContext } from '../../shared/composition.js';
import { httpHandler } from '../../shared/http/api.js';
import { openPortalSession } from '../../shared/use-cases/portal.js';

const ctx = appContext();

export const handler = httpHandler('portal-open', {}, async ({ bearer }) => ({
  status: 200,
  body: await openPortalSession(ctx, bearer),
}));
