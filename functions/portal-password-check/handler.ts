/** POST /portal/password-check (Authorization: Bearer <session>): strength feedback while typing. */

import { audit, compose, counters, directory, secrets, verifications } from '../../shared/composition.js';
import { httpHandler } from '../../shared/http/api.js';
import { passwordCheckSchema } from '../../shared/portal-api.js';
import { checkNewPassword } from '../../shared/use-cases/portal/password-check.js';

const ctx = compose({ verifications, counters, audit, directory, secrets });

export const handler = httpHandler(
  'portal-password-check',
  { ctx, body: passwordCheckSchema },
  async ({ bearer, body }) => {
    return { status: 200, body: await checkNewPassword(ctx, bearer, body) };
  },
);
