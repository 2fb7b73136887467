/** Lifecycle task SendLink: creates the link token and delivers the link. */
import { audit, compose, linkTokens, messenger, verifications } from '../../shared/composition.js';
import { taskHandler } from '../../shared/http/task.js';
import { taskInputSchema } from '../../shared/use-cases/lifecycle/inputs.js';
import { sendLink } from '../../shared/use-cases/lifecycle/send-link.js';

const ctx = compose({ verifications, linkTokens, audit, messenger });

export const handler = taskHandler('SendLink', taskInputSchema, (input) =>
  sendLink(ctx, input.verificationId),
);
