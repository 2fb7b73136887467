/** Table stream: keeps the per-day dashboard aggregates as verifications are created and finish. */
import { compose, consoleQueries } from '../../shared/composition.js';
import type { Verification } from '../../shared/domain/model/verification.js';
import { countStepUp, powertools } from '../../shared/http/observability.js';
import { streamHandler } from '../../shared/http/stream.js';
import { applyAggregates } from '../../shared/use-cases/console/dashboard.js';

const ctx = compose({ consoleQueries });

export const handler = streamHandler('console-aggregate', async ({ before, after }) => {
  if (after?.sk !== 'VER') return;
  const [was, now] = [before as Verification | undefined, after as unknown as Verification];
  await applyAggregates(ctx, was, now);
  // The one place that sees every verdict as it is recorded, with its recommendation.
  countStepUp(was, now);
}).use(powertools());
