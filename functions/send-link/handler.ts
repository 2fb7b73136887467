/** POST /api/verifications: an agent sends a verification link for a ticket (email, or SMS to an E.164 number). */

import { compose, directory, store, workflow } from '../../shared/composition.js';
import { sendBodySchema } from '../../shared/console-api.js';
import { httpHandler } from '../../shared/http/api.js';
import { sendFromConsole } from '../../shared/use-cases/console/send.js';

const ctx = compose({ store, directory, workflow });

export const handler = httpHandler('send-link', { body: sendBodySchema }, async ({ body, principal }) => ({
  status: 202,
  body: await sendFromConsole(ctx, principal?.username ?? 'unknown', body),
}));
