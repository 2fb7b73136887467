/**
 * The verifications table (primary course): the filters from the query string, newest first, one
 * page at a time from an opaque cursor. The search box takes a ticket number, or the requester's
 * email or full name.
 */

import { PAGE_SIZE_DEFAULT, type Page } from '../../console-api/common.js';
import type { Filters, ListQuery, TicketPrefill, VerificationRow } from '../../console-api/verifications.js';
import type { Principal } from '../../domain/model/principal.js';
import type { ConsoleVerification } from '../../domain/model/verification.js';
import { normalizeTerm } from '../../domain/search-term.js';
import type { ListPosition, VerificationFilters } from '../../ports/console-queries.js';
import type { Ctx } from '../../ports/context.js';
import { consoleSettings } from './config.js';
import { analysisHiddenFor, ROW_ATTRIBUTES, toRow, withoutAnalysis } from './model.js';
import { checkedRange, decodeCursor, encodeCursor, oldestDay } from './request.js';

/**
 * The filters' date range after the contract's rule (400 before any read when refused): the table
 * and the export default to the retention's oldest day, within `maxMonths`.
 */
export function rangeOf(ctx: Ctx, f: Filters, maxMonths: number): { from: string; to: string } {
  const oldest = oldestDay(ctx.clock.now(), ctx.config.RETENTION_DAYS);
  return checkedRange(f, ctx.clock.now(), { maxMonths, defaultFrom: () => oldest });
}

const VERIFICATION_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/i;

function toStoreFilters(f: Filters): VerificationFilters {
  return {
    status: f.status,
    riskLevel: f.riskLevel,
    category: f.category,
    agent: f.agent,
    from: f.from,
    to: f.to,
    // A Verification ID (what the portal shows the requester) is looked up by key, any case.
    ...(f.q !== undefined && VERIFICATION_ID.test(f.q.trim())
      ? { verificationId: f.q.trim().toUpperCase() }
      : { term: f.q === undefined ? undefined : normalizeTerm(f.q) }),
    reported: f.reported,
  };
}

export async function listVerifications(
  ctx: Ctx<'consoleQueries'>,
  query: ListQuery,
  principal: Principal,
): Promise<Page<VerificationRow>> {
  const { cursor, limit, ...filters } = query;
  const range = rangeOf(ctx, filters, consoleSettings().CONSOLE_MAX_RANGE_MONTHS);
  const position = decodeCursor(cursor, filters);
  const [page, connections] = await Promise.all([
    ctx.consoleQueries.listVerifications(
      toStoreFilters({ ...filters, ...range }),
      position,
      limit ?? PAGE_SIZE_DEFAULT,
      oldestDay(ctx.clock.now(), ctx.config.RETENTION_DAYS),
    ),
    ctx.consoleQueries.listConnections(),
  ]);
  // The server, not the page, keeps the analysis from agents where the connection says so.
  const hidden = new Set(
    connections.filter((c) => analysisHiddenFor(principal, c)).map((c) => c.connectionId),
  );
  return {
    items: page.items.map((v) => toRow(v as ConsoleVerification, hidden.has(v.ticket.connectionId))),
    nextCursor: encodeCursor(page.next, filters),
  };
}

/**
 * Every row the filters match, page by page (the export): the next page is read while this one's
 * rows are written, and memory stays at two pages.
 */
export async function* allRows(ctx: Ctx<'consoleQueries'>, filters: Filters, pageSize = 1000) {
  const storeFilters = toStoreFilters(filters);
  const oldest = oldestDay(ctx.clock.now(), ctx.config.RETENTION_DAYS);
  const read = (position: ListPosition | undefined) => {
    const page = ctx.consoleQueries.listVerifications(
      storeFilters,
      position,
      pageSize,
      oldest,
      ROW_ATTRIBUTES,
    );
    // If the writer fails first, nobody awaits the read ahead: its failure must not go unhandled.
    page.catch(() => undefined);
    return page;
  };
  let pending: ReturnType<typeof read> | undefined = read(undefined);
  while (pending) {
    const page: Awaited<ReturnType<typeof read>> = await pending;
    pending = page.next ? read(page.next) : undefined;
    for (const v of page.items) yield toRow(v as ConsoleVerification);
  }
}

/** The send page's ticket history as this caller may see it (the connection may hide the analysis from agents). */
export async function prefillFor(
  ctx: Ctx<'connections'>,
  prefill: TicketPrefill,
  principal: Principal,
): Promise<TicketPrefill> {
  if (!analysisHiddenFor(principal, await ctx.connections.getConnection(prefill.connectionId)))
    return prefill;
  return {
    ...prefill,
    ...(prefill.openVerification ? { openVerification: withoutAnalysis(prefill.openVerification) } : {}),
    history: prefill.history.map(withoutAnalysis),
  };
}
