/** Lifecycle tasks StartStepUp (ask the manager) and StepUpTimedOut (the manager did not answer). */
import {
  audit,
  compose,
  connections,
  directory,
  linkTokens,
  messenger,
  people,
  verifications,
} from '../../shared/composition.js';
import { taskHandler } from '../../shared/http/task.js';
import { stepUpInputSchema } from '../../shared/use-cases/lifecycle/inputs.js';
import { startStepUp } from '../../shared/use-cases/lifecycle/start-step-up.js';
import { stepUpTimedOut } from '../../shared/use-cases/lifecycle/step-up-timeout.js';

const ctx = compose({ verifications, connections, linkTokens, audit, directory, people, messenger });

export const handler = taskHandler('StepUp', stepUpInputSchema, (input) =>
  input.step === 'start' ? startStepUp(ctx, input.verificationId) : stepUpTimedOut(ctx, input.verificationId),
);
