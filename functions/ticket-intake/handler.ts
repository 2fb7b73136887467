/** POST /webhooks/{connectionId}: a ticket was created in the ITSM. */
import {
  audit,
  compose,
  connections,
  counters,
  secrets,
  ticketSystems,
  tickets,
} from '../../shared/composition.js';
import { httpHandler } from '../../shared/http/api.js';
import { pathSchema } from '../../shared/http/validation.js';
import { intakeTicket } from '../../shared/use-cases/intake-ticket.js';

const ctx = compose({ tickets, connections, counters, audit, secrets, ticketSystems });

export const handler = httpHandler(
  'ticket-intake',
  { rawBody: true, path: pathSchema('connectionId') },
  async ({ event, path, rawBody }) => {
    const result = await intakeTicket(ctx, {
      connectionId: path.connectionId,
      rawBody,
      signature: event.headers?.['x-helpdesk-verify-signature'],
      authorization: event.headers?.authorization,
    });
    return { status: result.result === 'link_entry_written' ? 201 : 200, body: result };
  },
);
