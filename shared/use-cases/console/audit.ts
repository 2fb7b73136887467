/** The audit log (primary course): filtered by actor, action, verification and days, newest first, by cursor. */

import type { Ctx } from '../../composition.js';
import type { AuditEventView, AuditQuery, Page } from '../../console-api.js';
import { PAGE_SIZE_DEFAULT } from '../../console-api.js';
import { decodeCursor, encodeCursor, oldestDay } from './request.js';

export async function listAuditLog(
  ctx: Ctx<'consoleQueries'>,
  query: AuditQuery,
): Promise<Page<AuditEventView>> {
  const { cursor, limit, ...filters } = query;
  const page = await ctx.consoleQueries.listAudit(
    filters,
    decodeCursor(cursor, filters),
    limit ?? PAGE_SIZE_DEFAULT,
    // Without a start day the log reaches back 30 days (the daily partitions are walked one by one).
    filters.from ??
      (filters.verificationId || filters.actor
        ? oldestDay(ctx.clock.now(), ctx.config.RETENTION_DAYS)
        : oldestDay(ctx.clock.now(), 30)),
  );
  return {
    items: page.items.map(({ eventId, verificationId, ticket, actor, action, at, details }) => ({
      eventId,
      ...(verificationId ? { verificationId } : {}),
      ...(ticket ? { ticket } : {}),
      actor,
      action,
      at,
      ...(details ? { details } : {}),
    })),
    nextCursor: encodeCursor(page.next, filters),
  };
}
