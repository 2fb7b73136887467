/** Table stream: runs each newly queued CSV export into the export bucket. */
import { audit, compose, consoleQueries, exportFiles } from '../../shared/composition.js';
import { powertools } from '../../shared/http/observability.js';
import { streamHandler } from '../../shared/http/stream.js';
import { exportBudget, runExport } from '../../shared/use-cases/console/export.js';

const ctx = compose({ audit, consoleQueries, exportFiles });

export const handler = streamHandler('console-export-run', async ({ eventName, after, remainingMs }) => {
  if (eventName !== 'INSERT' || typeof after?.exportId !== 'string') return;
  // Stop writing with time to spare for marking the job failed (a minute, or a fifth when short).
  await runExport(ctx, after.exportId, exportBudget(remainingMs));
}).use(powertools());
