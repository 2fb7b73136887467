import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Ctx } from '../../../shared/ports/context.js';
import type { TorExitList } from '../../../shared/ports/tor-exits.js';
import {
  forgetTorExits,
  MIN_PLAUSIBLE_EXITS,
  parseExitList,
  refreshTorExits,
  torExits,
} from '../../../shared/use-cases/tor-exits.js';

const NOW = new Date('2026-11-21T10:00:00Z');

function ctxWith(stored?: TorExitList) {
  const store = {
    putTorExits: vi.fn(async (list: TorExitList) => {
      stored = list;
    }),
    getTorExits: vi.fn(async () => stored),
  };
  const ctx = { torExits: store, clock: { now: () => NOW }, config: {} } as unknown as Ctx<'torExits'>;
  return { ctx, store, stored: () => stored };
}

const plausible = Array.from({ length: MIN_PLAUSIBLE_EXITS }, (_, i) => `185.220.${i >> 8}.${i & 255}`);

afterEach(() => forgetTorExits());

describe('parseExitList', () => {
  it('keeps IPv4 and IPv6 addresses, lower-cased and once, and drops comments and junk', () => {
    expect(
      parseExitList('# exits\n185.220.101.1\r\n\n2A0B:F4C2::1\n185.220.101.1\n<html>\nnot-an-ip\n'),
    ).toEqual(['185.220.101.1', '2a0b:f4c2::1']);
  });
});

describe('refreshTorExits', () => {
  it('replaces the stored list with the fetched one', async () => {
    const { ctx, stored } = ctxWith({ addresses: ['1.1.1.1'], fetchedAt: '2026-11-20T00:00:00Z' });
    const fetched: string[] = [];
    const result = await refreshTorExits(ctx, async (url) => {
      fetched.push(url);
      return plausible.join('\n');
    });
    expect(result).toEqual({ updated: true, count: MIN_PLAUSIBLE_EXITS });
    expect(fetched).toEqual(['https://check.torproject.org/torbulkexitlist']);
    expect(stored()).toEqual({ addresses: plausible, fetchedAt: NOW.toISOString() });
  });

  it('keeps the previous list when the fetch fails or returns something implausible', async () => {
    const previous = { addresses: ['185.220.101.1'], fetchedAt: '2026-11-20T00:00:00Z' };
    const { ctx, store } = ctxWith(previous);
    expect(await refreshTorExits(ctx, async () => '<html>Service Unavailable</html>')).toMatchObject({
      updated: false,
    });
    expect(
      await refreshTorExits(ctx, async () => {
        throw new Error('ECONNRESET');
      }),
    ).toMatchObject({ updated: false });
    expect(store.putTorExits).not.toHaveBeenCalled();
  });
});

describe('torExits', () => {
  it('reads the stored list once per few minutes, and no list means no Tor check', async () => {
    const empty = ctxWith();
    expect(await torExits(empty.ctx)).toBeUndefined();
    forgetTorExits();
    const { ctx, store } = ctxWith({ addresses: ['185.220.101.1'], fetchedAt: NOW.toISOString() });
    expect((await torExits(ctx))?.has('185.220.101.1')).toBe(true);
    await torExits(ctx);
    expect(store.getTorExits).toHaveBeenCalledTimes(1);
  });
});
