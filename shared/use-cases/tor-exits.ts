/**
 * Tor exit addresses for the network checks. No offline list exists on npm, and the Tor Project
 * publishes the current exits (about 1,500) at check.torproject.org/torbulkexitlist, so a scheduled
 * function fetches it every 30 minutes and replaces one table item; the portal reads that item,
 * cached per container for a few minutes. A failed or implausible fetch keeps the previous list.
 */
import { isIP } from 'node:net';
import { logger } from '../logger.js';
import type { Ctx } from '../ports/context.js';
import type { TorExitList } from '../ports/tor-exits.js';

const DEFAULT_TOR_EXIT_LIST_URL = 'https://check.torproject.org/torbulkexitlist';
/** Fewer addresses than this is a broken fetch (an error page, a truncated body), not the Tor network. */
export const MIN_PLAUSIBLE_EXITS = 100;
/** A list older than this is logged as stale when it is loaded (the checks still use it). */
const STALE_AFTER_HOURS = 6;

/** One address per line; comments, blanks and anything that is not an IP address are dropped. */
export function parseExitList(body: string): string[] {
  const addresses = new Set<string>();
  for (const line of body.split(/\r?\n/)) {
    const value = line.trim().toLowerCase();
    if (value && !value.startsWith('#') && isIP(value)) addresses.add(value);
  }
  return [...addresses];
}

export async function refreshTorExits(
  ctx: Ctx<'torExits'>,
  fetchList: (url: string) => Promise<string> = defaultFetch,
): Promise<{ updated: boolean; count: number }> {
  const url = ctx.config.TOR_EXIT_LIST_URL ?? DEFAULT_TOR_EXIT_LIST_URL;
  let addresses: string[];
  try {
    addresses = parseExitList(await fetchList(url));
  } catch (error) {
    logger.warn('tor exit list fetch failed; keeping the previous list', { error: (error as Error).message });
    return { updated: false, count: 0 };
  }
  if (addresses.length < MIN_PLAUSIBLE_EXITS) {
    logger.warn('tor exit list implausibly short; keeping the previous list', { count: addresses.length });
    return { updated: false, count: addresses.length };
  }
  await ctx.torExits.putTorExits({ addresses, fetchedAt: ctx.clock.now().toISOString() });
  logger.info('tor exit list refreshed', { count: addresses.length });
  return { updated: true, count: addresses.length };
}

async function defaultFetch(url: string): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return res.text();
}

const CACHE_MS = 5 * 60_000;
let cached: { at: number; set: ReadonlySet<string> | undefined } | undefined;

/** The current exits for the network checks (undefined when no list was ever fetched: no Tor check). */
export async function torExits(ctx: Ctx<'torExits'>): Promise<ReadonlySet<string> | undefined> {
  const now = ctx.clock.now();
  if (cached && now.getTime() - cached.at < CACHE_MS) return cached.set;
  const list: TorExitList | undefined = await ctx.torExits.getTorExits();
  if (list && now.getTime() - Date.parse(list.fetchedAt) > STALE_AFTER_HOURS * 3_600_000) {
    logger.warn('tor exit list is stale', { fetchedAt: list.fetchedAt });
  }
  cached = { at: now.getTime(), set: list ? new Set(list.addresses) : undefined };
  return cached.set;
}

/** Tests: forget the per-container cache. */
export function forgetTorExits(): void {
  cached = undefined;
}
