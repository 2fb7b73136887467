/** POST /portal/action (Authorization: Bearer <session>): the verified requester resets their password. */

import {
  audit,
  compose,
  connections,
  counters,
  directory,
  messenger,
  secrets,
  verifications,
  workflow,
} from '../../shared/composition.js';
import { httpHandler } from '../../shared/http/api.js';
import { actionSchema } from '../../shared/portal-api.js';
import { performAction } from '../../shared/use-cases/portal/action.js';

const ctx = compose({ verifications, connections, counters, audit, directory, secrets, workflow, messenger });

export const handler = httpHandler('portal-action', { ctx, body: actionSchema }, async ({ bearer, body }) => {
  return { status: 200, body: await performAction(ctx, bearer, body) };
});
