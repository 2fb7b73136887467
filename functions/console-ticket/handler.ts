/** GET /api/tickets/{connectionId}/{ticketId}: what the send page pre-fills. */
import {
  compose,
  connections,
  consoleUsers,
  directory,
  ticketSystems,
  tickets,
  verifications,
} from '../../shared/composition.js';
import { httpHandler } from '../../shared/http/api.js';
import { pathSchema } from '../../shared/http/validation.js';
import { prefillFor } from '../../shared/use-cases/console/list.js';
import { ticketPrefill } from '../../shared/use-cases/console/send.js';

const ctx = compose({ verifications, tickets, connections, directory, ticketSystems, consoleUsers });

export const handler = httpHandler(
  'console-ticket',
  { ctx, path: pathSchema('connectionId', 'ticketId') },
  async ({ path, principal }) => {
    const prefill = await ticketPrefill(ctx, path.connectionId, path.ticketId);
    return { status: 200, body: await prefillFor(ctx, prefill, principal) };
  },
);
