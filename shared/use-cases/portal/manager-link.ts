/**
 * The manager's approval link, shared by the manager's page and decision.
 *
 * Primary course: the token is hashed and looked up; it must be the one the step-up recorded for
 * this verification (the requester's own link, or anything else, is not), unexpired and unused.
 * A token that does not open is counted against its host and network, like a bad portal link.
 */
import { Expired, NotFound } from '../../domain/errors.js';
import type { Verification } from '../../domain/model/verification.js';
import { managerLinkProblem } from '../../domain/step-up.js';
import { hashLinkToken } from '../../domain/tokens.js';
import type { Ctx } from '../../ports/context.js';
import { loadVerification } from '../load.js';
import { countInvalidLink } from './guard.js';

export async function managerVerification(
  ctx: Ctx<'linkTokens' | 'verifications' | 'counters'>,
  token: string,
  sourceIp: string,
): Promise<Verification> {
  const tokenHash = hashLinkToken(token);
  const link = await ctx.linkTokens.findLinkToken(tokenHash);
  const v = link ? await ctx.verifications.getVerification(link.verificationId) : undefined;
  const problem = v
    ? managerLinkProblem(v, tokenHash, ctx.clock.now())
    : ({
        code: 'MANAGER_LINK_NOT_FOUND',
        message: 'This approval link is not valid',
        kind: 'not_found',
      } as const);
  if (!problem && v) return loadVerification(ctx, v.verificationId);
  if (!problem || problem.kind === 'not_found') {
    await countInvalidLink(ctx, sourceIp);
    throw new NotFound(problem?.code ?? 'MANAGER_LINK_NOT_FOUND', problem?.message ?? 'Not valid');
  }
  throw new Expired(problem.code, problem.message);
}
