/** Lifecycle task SendLink: creates the link token and delivers the link. */
import { compose, messenger, store } from '../../shared/composition.js';
import { taskHandler } from '../../shared/http/task.js';
import { sendLink, taskInputSchema } from '../../shared/use-cases/lifecycle.js';

const ctx = compose({ store, messenger });

export const handler = taskHandler('SendLink', taskInputSchema, (input) =>
  sendLink(ctx, input.verificationId),
);
