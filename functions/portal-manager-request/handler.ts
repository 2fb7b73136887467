/** POST /portal/manager/request (the manager's link token in the body): what they are asked to approve. */
import { audit, compose, counters, linkTokens, verifications } from '../../shared/composition.js';
import { httpHandler } from '../../shared/http/api.js';
import { managerViewSchema } from '../../shared/portal-api.js';
import { viewManagerRequest } from '../../shared/use-cases/portal/manager-view.js';

const ctx = compose({ verifications, linkTokens, counters, audit });

export const handler = httpHandler(
  'portal-manager-request',
  { ctx, body: managerViewSchema },
  async ({ event, body }) => ({
    status: 200,
    body: await viewManagerRequest(ctx, body.token, event.requestContext.http.sourceIp),
  }),
);
