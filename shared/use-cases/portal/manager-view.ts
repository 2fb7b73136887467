/**
 * Show the manager what they are asked to approve (their page of the portal).
 *
 * Primary course: the manager's link token is checked (manager-link.ts); the answer says who asks,
 * for what, on which ticket and from where (country and network as the server saw them), and
 * until when; never the requester's answers or score. Viewing it is audited.
 */

import { actionWords, seenFrom } from '../../domain/step-up.js';
import type { ManagerRequest } from '../../portal-api.js';
import type { Ctx } from '../../ports/context.js';
import { managerVerification } from './manager-link.js';

export async function viewManagerRequest(
  ctx: Ctx<'linkTokens' | 'verifications' | 'counters' | 'audit'>,
  token: string,
  sourceIp: string,
): Promise<ManagerRequest> {
  const v = await managerVerification(ctx, token, sourceIp);
  await ctx.audit.appendAudit({
    verificationId: v.verificationId,
    ticket: v.ticket,
    actor: `manager:${v.stepUp?.managerId ?? 'unknown'}`,
    action: 'step_up.viewed',
    at: ctx.clock.now().toISOString(),
  });
  return {
    verificationId: v.verificationId,
    requesterName: v.requesterName,
    ticketNumber: v.ticketNumber,
    action: actionWords(v),
    ...seenFrom(v),
    requestedAt: v.stepUp?.requestedAt ?? v.updatedAt,
    expiresAt: v.stepUp?.expiresAt ?? v.updatedAt,
  };
}
