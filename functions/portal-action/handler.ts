/** POST /portal/action (Authorization: Bearer <session>): the verified requester resets their password. */

import { compose, directory, messenger, secrets, store, workflow } from '../../shared/composition.js';
import { httpHandler } from '../../shared/http/api.js';
import { actionSchema, guardPortalSource, performAction } from '../../shared/use-cases/portal.js';

const ctx = compose({ store, directory, secrets, workflow, messenger });

export const handler = httpHandler(
  'portal-action',
  { body: actionSchema },
  async ({ event, bearer, body }) => {
    await guardPortalSource(ctx, event.requestContext.http.sourceIp);
    return { status: 200, body: await performAction(ctx, bearer, body) };
  },
);
