/** Lifecycle tasks MarkTimedOut, ExpireAction, RecordDeliveryFailure, RecordWriteBackFailure. */
import { audit, compose, connections, verifications } from '../../shared/composition.js';
import { taskHandler } from '../../shared/http/task.js';
import { recordInputSchema } from '../../shared/use-cases/lifecycle/inputs.js';
import { recordEvent } from '../../shared/use-cases/lifecycle/record-event.js';

const ctx = compose({ verifications, connections, audit });

export const handler = taskHandler('RecordEvent', recordInputSchema, (input) => recordEvent(ctx, input));
