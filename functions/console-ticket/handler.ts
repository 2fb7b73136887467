/** GET /api/tickets/{connectionId}/{ticketId}: what the send page pre-fills. */
import { compose, consoleUsers, directory, store, ticketSystems } from '../../shared/composition.js';
import { httpHandler } from '../../shared/http/api.js';
import { authorized } from '../../shared/use-cases/console/access.js';
import { pathParam } from '../../shared/use-cases/console/request.js';
import { ticketPrefill } from '../../shared/use-cases/console/send.js';

const ctx = compose({ store, directory, ticketSystems, consoleUsers });

export const handler = httpHandler('console-ticket', {}, async (request) => {
  await authorized(ctx, 'console-ticket', request);
  const { event } = request;
  return {
    status: 200,
    body: await ticketPrefill(ctx, pathParam(event, 'connectionId'), pathParam(event, 'ticketId')),
  };
});
