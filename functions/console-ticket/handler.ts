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
import { authorized } from '../../shared/use-cases/console/access.js';
import { prefillFor } from '../../shared/use-cases/console/list.js';
import { pathParam } from '../../shared/use-cases/console/request.js';
import { ticketPrefill } from '../../shared/use-cases/console/send.js';

const ctx = compose({ verifications, tickets, connections, directory, ticketSystems, consoleUsers });

export const handler = httpHandler('console-ticket', {}, async (request) => {
  const principal = await authorized(ctx, 'console-ticket', request);
  const { event } = request;
  const connectionId = pathParam(event, 'connectionId');
  const prefill = await ticketPrefill(ctx, connectionId, pathParam(event, 'ticketId'));
  return { status: 200, body: await prefillFor(ctx, prefill, principal) };
});
