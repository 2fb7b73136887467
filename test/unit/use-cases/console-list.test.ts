import { describe, expect, it } from 'vitest';
import { memoryContext } from '../../../shared/adapters/memory/context.js';
import { listVerifications } from '../../../shared/use-cases/console/list.js';
import { cancelVerification } from '../../../shared/use-cases/console/send.js';
import { admin, alice, sent } from './journey.js';

describe('the verifications table over the in-memory read side', () => {
  it('lists newest first a page at a time, filters by status, and finds by ticket number or name', async () => {
    const ctx = memoryContext();
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      ids.push((await sent(ctx)).verificationId);
      ctx.clock.advance(60_000);
    }
    await cancelVerification(ctx, ids[0] ?? '', alice, undefined);
    const first = (await ctx.verifications.getVerification(ids[1] ?? ''))?.ticketNumber ?? '';

    const page1 = await listVerifications(ctx, { limit: 2 }, admin);
    const page2 = await listVerifications(ctx, { limit: 2, cursor: page1.nextCursor ?? undefined }, admin);
    const cancelled = await listVerifications(ctx, { status: 'cancelled' }, admin);
    const byNumber = await listVerifications(ctx, { q: first }, admin);
    const byName = await listVerifications(ctx, { q: 'zoe mar' }, admin);

    expect(page1.items.map((r) => r.verificationId)).toEqual([ids[2], ids[1]]);
    expect(page2.items.map((r) => r.verificationId)).toEqual([ids[0]]);
    expect(page2.nextCursor).toBeNull();
    expect(cancelled.items.map((r) => r.verificationId)).toEqual([ids[0]]);
    expect(byNumber.items.map((r) => r.verificationId)).toEqual([ids[1]]);
    expect(byName.items).toHaveLength(3);
  });
});
