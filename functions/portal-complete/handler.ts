/** POST /portal/complete (Authorization: Bearer <session>): the requester has answered; score it. */

import {
  audit,
  compose,
  connections,
  counters,
  directory,
  people,
  secrets,
  verifications,
  workflow,
} from '../../shared/composition.js';
import { httpHandler } from '../../shared/http/api.js';
import { completeSchema } from '../../shared/portal-api.js';
import { completeVerification } from '../../shared/use-cases/portal/complete.js';

const ctx = compose({ verifications, connections, counters, people, audit, directory, secrets, workflow });

export const handler = httpHandler('portal-complete', { ctx, body: completeSchema }, async ({ bearer }) => {
  return { status: 200, body: await completeVerification(ctx, bearer) };
});
