/** GET /api/audit: the audit log, filtered by actor, action, verification and days. */
import { compose, consoleQueries, consoleUsers } from '../../shared/composition.js';
import { auditQuerySchema } from '../../shared/console-api.js';
import { httpHandler } from '../../shared/http/api.js';
import { authorized } from '../../shared/use-cases/console/access.js';
import { listAuditLog } from '../../shared/use-cases/console/audit.js';
import { parseQuery } from '../../shared/use-cases/console/request.js';

const ctx = compose({ consoleQueries, consoleUsers });

export const handler = httpHandler('console-audit', {}, async (request) => {
  await authorized(ctx, 'console-audit', request);
  return { status: 200, body: await listAuditLog(ctx, parseQuery(auditQuerySchema, request.event)) };
});
