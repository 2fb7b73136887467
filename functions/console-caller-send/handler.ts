/** POST /api/people/{userId}/verifications: "Verify a caller" sends a link, with or without a ticket. */
import {
  compose,
  connections,
  consoleUsers,
  directory,
  ticketSystems,
  tickets,
  verifications,
  workflow,
} from '../../shared/composition.js';
import { callerSendBodySchema } from '../../shared/console-api/people.js';
import { httpHandler } from '../../shared/http/api.js';
import { pathSchema } from '../../shared/http/validation.js';
import { sendForCaller } from '../../shared/use-cases/console/caller-send.js';

const ctx = compose({
  verifications,
  tickets,
  connections,
  directory,
  ticketSystems,
  workflow,
  consoleUsers,
});

export const handler = httpHandler(
  'console-caller-send',
  { ctx, path: pathSchema('userId'), body: callerSendBodySchema },
  async ({ principal, path, body }) => ({
    status: 202,
    body: await sendForCaller(ctx, principal.username, path.userId, body),
  }),
);
