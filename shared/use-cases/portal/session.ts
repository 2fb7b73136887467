/**
 * The requester's session, shared by every portal use case after the link is opened.
 *
 * Primary course: the session token's signature and expiry are checked (no table read for a forged one),
 * the call is counted against the session's budget, the verification is loaded (NotFound when gone), and a
 * link that ran out while the page was open answers as an expired link.
 */
import { Expired, Unauthenticated } from '../../domain/errors.js';
import type { Verification } from '../../domain/model/verification.js';
import { verifySession } from '../../domain/tokens.js';
import type { Ctx } from '../../ports/context.js';
import { secretNames } from '../../ports/secrets.js';
import { loadVerification } from '../load.js';
import { type Budget, guardSession } from './guard.js';

/**
 * The verification a session token is for. The token is checked first (no store access for a
 * forged one), then the call is counted against the session's and the link's budget.
 */
export async function sessionVerification(
  ctx: Ctx<'secrets' | 'counters' | 'audit' | 'verifications'>,
  sessionToken: string | undefined,
  budget: Budget = 'calls',
): Promise<Verification> {
  if (!sessionToken) throw new Unauthenticated('SESSION_MISSING', 'Open the link from your message again');
  const check = verifySession(sessionToken, await sessionKey(ctx), ctx.clock.now());
  if (!check.ok) {
    throw new Unauthenticated(
      check.reason === 'expired' ? 'SESSION_EXPIRED' : 'SESSION_INVALID',
      'Your session has ended; open the link again',
    );
  }
  await guardSession(ctx, sessionToken, check.verificationId, budget);
  const v = await loadVerification(ctx, check.verificationId);
  // The link ran out while the page was open: the same answer as opening an expired link.
  if (v.status === 'timed_out') throw new Expired('LINK_EXPIRED', 'This link has expired');
  return v;
}

export const sessionKey = (ctx: Ctx<'secrets'>) => ctx.secrets.get(secretNames.portalSessionKey);
