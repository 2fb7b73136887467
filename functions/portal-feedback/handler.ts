/** POST /portal/feedback (Authorization: Bearer <session>): optional feedback after the outcome. */

import { audit, compose, counters, secrets, verifications } from '../../shared/composition.js';
import { httpHandler } from '../../shared/http/api.js';
import { feedbackSchema } from '../../shared/portal-api.js';
import { leaveFeedback } from '../../shared/use-cases/portal/feedback.js';

const ctx = compose({ verifications, counters, audit, secrets });

export const handler = httpHandler(
  'portal-feedback',
  { ctx, body: feedbackSchema },
  async ({ bearer, body }) => ({
    status: 201,
    body: await leaveFeedback(ctx, bearer, body),
  }),
);
