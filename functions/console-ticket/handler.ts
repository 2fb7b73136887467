/** GET /api/tickets/{connectionId}/{ticketId}: what the send page pre-fills. */
import { compose, directory, store, ticketSystems } from '../../shared/composition.js';
import { httpHandler } from '../../shared/http/api.js';
import { pathParam } from '../../shared/use-cases/console/request.js';
import { ticketPrefill } from '../../shared/use-cases/console/send.js';

const ctx = compose({ store, directory, ticketSystems });

export const handler = httpHandler('console-ticket', {}, async ({ event }) => ({
  status: 200,
  body: await ticketPrefill(ctx, pathParam(event, 'connectionId'), pathParam(event, 'ticketId')),
}));
