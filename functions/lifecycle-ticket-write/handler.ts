/** Lifecycle tasks WriteBack, RecordAction, AutoClose and the trail notes: the writes to the ticket. */
import { audit, compose, connections, ticketSystems, verifications } from '../../shared/composition.js';
import { taskHandler } from '../../shared/http/task.js';
import { ticketInputSchema } from '../../shared/use-cases/lifecycle/inputs.js';
import { ticketWriteTask } from '../../shared/use-cases/lifecycle/ticket-write.js';

const ctx = compose({ verifications, connections, audit, ticketSystems });

export const handler = taskHandler('TicketWrite', ticketInputSchema, (input) => ticketWriteTask(ctx, input));
