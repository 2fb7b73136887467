/** GET /api/audit: the audit log, filtered by actor, action, verification and days. */
import { compose, consoleQueries, consoleUsers } from '../../shared/composition.js';
import { auditQuerySchema } from '../../shared/console-api/audit.js';
import { httpHandler } from '../../shared/http/api.js';
import { listAuditLog } from '../../shared/use-cases/console/audit.js';

const ctx = compose({ consoleQueries, consoleUsers });

export const handler = httpHandler('console-audit', { ctx, query: auditQuerySchema }, async ({ query }) => ({
  status: 200,
  body: await listAuditLog(ctx, query),
}));
