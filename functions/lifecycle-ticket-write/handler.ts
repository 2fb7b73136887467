/** Lifecycle tasks WriteBack, RecordAction and AutoClose: the writes to the ticket. */
import { appContext } from '../../shared/composition.js';
import { taskHandler } from '../../shared/http/task.js';
import { ticketInputSchema, writeToTicket } from '../../shared/use-cases/lifecycle.js';

const ctx = appContext();

export const handler = taskHandler('TicketWrite', ticketInputSchema, (input) => writeToTicket(ctx, input));
