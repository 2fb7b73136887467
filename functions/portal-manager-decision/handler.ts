/** POST /portal/manager/decision (the manager's link token in the body): Approve, Deny or "This is not right". */
import {
  compose,
  connections,
  counters,
  directory,
  linkTokens,
  people,
  verifications,
  workflow,
} from '../../shared/composition.js';
import { httpHandler } from '../../shared/http/api.js';
import { managerDecisionSchema } from '../../shared/portal-api.js';
import { decideAsManager } from '../../shared/use-cases/portal/manager-decide.js';

const ctx = compose({ verifications, linkTokens, counters, directory, people, connections, workflow });

export const handler = httpHandler(
  'portal-manager-decision',
  { ctx, body: managerDecisionSchema },
  async ({ event, body }) => ({
    status: 200,
    body: await decideAsManager(ctx, body, event.requestContext.http.sourceIp),
  }),
);
