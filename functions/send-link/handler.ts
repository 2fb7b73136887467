/** POST /api/verifications: an agent sends a verification link for a ticket (email, or SMS to an E.164 number). */
import {
  compose,
  connections,
  consoleUsers,
  directory,
  tickets,
  verifications,
  workflow,
} from '../../shared/composition.js';
import { sendBodySchema } from '../../shared/console-api/verifications.js';
import { httpHandler } from '../../shared/http/api.js';
import { sendFromConsole } from '../../shared/use-cases/console/send.js';

const ctx = compose({ verifications, tickets, connections, directory, workflow, consoleUsers });

export const handler = httpHandler(
  'send-link',
  { ctx, body: sendBodySchema },
  async ({ principal, body }) => ({
    status: 202,
    body: await sendFromConsole(ctx, principal.username, body),
  }),
);
