/** The audit log (primary course): filtered by actor, action, verification and days, newest first, by cursor. */

import type { AuditEventView, AuditQuery } from '../../console-api/audit.js';
import { PAGE_SIZE_DEFAULT, type Page } from '../../console-api/common.js';
import type { StoredAuditEvent } from '../../domain/model/audit-event.js';
import type { Ctx } from '../../ports/context.js';
import { consoleSettings } from './config.js';
import { checkedRange, decodeCursor, encodeCursor, oldestDay } from './request.js';

/** An audit event as the API shows it (the log and a verification's timeline): nothing the store added. */
export const toAuditView = ({
  eventId,
  verificationId,
  ticket,
  actor,
  action,
  at,
  details,
}: StoredAuditEvent): AuditEventView => ({
  eventId,
  ...(verificationId ? { verificationId } : {}),
  ...(ticket ? { ticket } : {}),
  actor,
  action,
  at,
  ...(details ? { details } : {}),
});

export async function listAuditLog(
  ctx: Ctx<'consoleQueries'>,
  query: AuditQuery,
): Promise<Page<AuditEventView>> {
  const { cursor, limit, ...filters } = query;
  const now = ctx.clock.now();
  // Without a start day the log reaches back 30 days (the daily partitions are walked one by one);
  // one verification's or one actor's events are a single partition, read back to the retention.
  const range = checkedRange(filters, now, {
    maxMonths: consoleSettings().CONSOLE_MAX_RANGE_MONTHS,
    defaultFrom: () =>
      filters.verificationId || filters.actor
        ? oldestDay(now, ctx.config.RETENTION_DAYS)
        : oldestDay(now, 30),
  });
  const page = await ctx.consoleQueries.listAudit(
    { ...filters, ...range },
    decodeCursor(cursor, filters),
    limit ?? PAGE_SIZE_DEFAULT,
    range.from,
  );
  return {
    items: page.items.map(toAuditView),
    nextCursor: encodeCursor(page.next, filters),
  };
}
