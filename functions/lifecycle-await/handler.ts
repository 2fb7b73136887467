/** Lifecycle tasks AwaitCompletion and AwaitAction (.waitForTaskToken): store the callback token. */
import { compose, connections, verifications, workflow } from '../../shared/composition.js';
import { taskHandler } from '../../shared/http/task.js';
import { awaitStage } from '../../shared/use-cases/lifecycle/await-stage.js';
import { awaitInputSchema } from '../../shared/use-cases/lifecycle/inputs.js';

const ctx = compose({ verifications, connections, workflow });

export const handler = taskHandler('AwaitStage', awaitInputSchema, (input) => awaitStage(ctx, input));
