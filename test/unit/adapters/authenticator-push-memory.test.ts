/** MemoryAuthenticatorPush: scripted answers (approve, deny, never) and the rules the real adapters keep. */
import { describe, expect, it } from 'vitest';
import { MemoryAuthenticatorPush } from '../../../shared/adapters/memory/authenticator-push.js';
import { isFinalPushResult, type PushResult } from '../../../shared/ports/authenticator-push.js';

const zoe = { userId: 'u-zoe', email: 'zoe@example.com' };
const reason = { reason: 'Helpdesk Verify: ticket INC0012345, MFA reset' };

function clock() {
  let now = Date.parse('2026-12-01T10:00:00Z');
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

async function pollUntilFinal(push: MemoryAuthenticatorPush, transactionId: string, advance?: () => void) {
  const factor = await push.findPushFactor(zoe);
  if (!factor) throw new Error('not enrolled');
  const seen: PushResult[] = [];
  for (let i = 0; i < 10; i++) {
    const { result } = await push.pollPush(zoe, factor, transactionId);
    seen.push(result);
    if (isFinalPushResult(result)) break;
    advance?.();
  }
  return seen;
}

describe('MemoryAuthenticatorPush', () => {
  it('has no factor for a person not enrolled', async () => {
    expect(await new MemoryAuthenticatorPush().findPushFactor(zoe)).toBeUndefined();
  });

  it.each([
    ['approve', ['waiting', 'approved']],
    ['deny', ['waiting', 'rejected']],
  ] as const)('a push scripted %s ends %o', async (answer, expected) => {
    const push = new MemoryAuthenticatorPush();
    const factor = push.enroll(zoe.userId, answer);
    const { transactionId } = await push.startPush(zoe, factor, reason);
    expect(await pollUntilFinal(push, transactionId)).toEqual(expected);
    expect(push.sent).toEqual([
      { userId: zoe.userId, factorId: factor.factorId, reason: reason.reason, transactionId },
    ]);
  });

  it('a push never answered times out at its expiry, and stays timed out', async () => {
    const c = clock();
    const push = new MemoryAuthenticatorPush({ now: c.now, lifetimeSeconds: 60, vendor: 'duo' });
    const factor = push.enroll(zoe.userId, 'never');
    const { transactionId, expiresAt } = await push.startPush(zoe, factor, reason);
    expect(expiresAt).toBe('2026-12-01T10:01:00.000Z');
    const seen = await pollUntilFinal(push, transactionId, () => c.advance(20_000));
    expect(seen).toEqual(['waiting', 'waiting', 'waiting', 'timed_out']);
    push.script(zoe.userId, 'approve');
    expect((await push.pollPush(zoe, factor, transactionId)).result).toBe('timed_out');
  });

  it('gives a number challenge’s answer while waiting', async () => {
    const push = new MemoryAuthenticatorPush();
    const factor = push.enroll(zoe.userId, 'approve', true);
    const started = await push.startPush(zoe, factor, reason);
    expect(started.correctAnswer).toMatch(/^\d{2}$/);
    expect(await push.pollPush(zoe, factor, started.transactionId)).toEqual({
      result: 'waiting',
      correctAnswer: started.correctAnswer,
    });
  });

  it('refuses a factor that is not the person’s own, and a transaction of someone else', async () => {
    const push = new MemoryAuthenticatorPush();
    const factor = push.enroll(zoe.userId);
    const other = { userId: 'u-mallory', email: 'm@example.com' };
    await expect(push.startPush(other, factor, reason)).rejects.toThrow(/not enrolled/);
    const { transactionId } = await push.startPush(zoe, factor, reason);
    await expect(push.pollPush(other, factor, transactionId)).rejects.toThrow(/not found/);
  });
});
