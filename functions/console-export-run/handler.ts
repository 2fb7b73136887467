/** Table stream: runs each newly queued CSV export into the export bucket. */
import { compose, consoleQueries, exportFiles, store } from '../../shared/composition.js';
import { runExport } from '../../shared/use-cases/console/export.js';
import { streamHandler } from '../../shared/use-cases/console/stream.js';

const ctx = compose({ store, consoleQueries, exportFiles });

export const handler = streamHandler('console-export-run', async ({ eventName, after }) => {
  if (eventName !== 'INSERT' || typeof after?.exportId !== 'string') return;
  await runExport(ctx, after.exportId);
});
