/** POST /api/verifications: an agent sends a verification link for a ticket. */

import { compose, directory, store, workflow } from '../../shared/composition.js';
import { httpHandler } from '../../shared/http/api.js';
import { sendVerification, sendVerificationSchema } from '../../shared/use-cases/send-verification.js';

const ctx = compose({ store, directory, workflow });

export const handler = httpHandler(
  'send-link',
  { body: sendVerificationSchema },
  async ({ body, principal }) => ({
    status: 202,
    body: await sendVerification(ctx, principal?.username ?? 'unknown', body),
  }),
);
