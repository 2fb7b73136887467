/** Lifecycle tasks MarkTimedOut, ExpireAction, RecordDeliveryFailure, RecordWriteBackFailure. */
import { compose, store } from '../../shared/composition.js';
import { taskHandler } from '../../shared/http/task.js';
import { recordEvent, recordInputSchema } from '../../shared/use-cases/lifecycle.js';

const ctx = compose({ store });

export const handler = taskHandler('RecordEvent', recordInputSchema, (input) => recordEvent(ctx, input));
