/** POST /portal/complete (Authorization: Bearer <session>): the requester submits the answers. */

import { appContext } from '../../shared/composition.js';
import { httpHandler } from '../../shared/http/api.js';
import { completeSchema, completeVerification } from '../../shared/use-cases/portal.js';

const ctx = appContext();

export const handler = httpHandler('portal-complete', { body: completeSchema }, async ({ bearer, body }) => ({
  status: 200,
  body: await completeVerification(ctx, bearer, body),
}));
