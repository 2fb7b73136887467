/**
 * Abuse limits on the portal (README "Portal"): every call is counted against whoever could abuse it.
 *
 * Primary course: an unauthenticated call is counted against its source network (and a link that does not
 * open, against its host first); a call with a session against its session and its link; over a limit the
 * call is refused with RateLimited, and the first refusal of a session or link is audited.
 */
import { createHash } from 'node:crypto';
import { RateLimited } from '../../domain/errors.js';
import { ipPrefix } from '../../domain/ip-address.js';
import { requesterAudit } from '../../domain/model/audit-event.js';
import { hashLinkToken } from '../../domain/tokens.js';
import type { Ctx } from '../../ports/context.js';
import { loadVerification } from '../load.js';

/**
 * Abuse limits (README "Portal"). They are aimed at whoever abuses, not at the people who share
 * their address:
 * - Unauthenticated entry points are limited per source network (/24 or /48), sized for an office
 *   or a carrier's NAT: the self-service start (every request) and links that do not open (only
 *   those: a valid link is limited per link, so a neighbour spraying junk never locks it out).
 *   Junk links are also limited per host, so one host is cut off long before its network.
 * - Calls with a session are limited per session and per link, never per network.
 * - A person who passed can always finish: the action and "I did not ask for this" are never cut off.
 */
const WINDOW_SECONDS = 900;

export function refuse(code: string, message: string): never {
  throw new RateLimited(code, message);
}

/** Per source network, for the unauthenticated entry points (the self-service start calls this). */
export async function guardPortalSource(ctx: Ctx<'counters'>, sourceIp: string): Promise<void> {
  const attempts = await ctx.counters.countAttempt(`SOURCE#${ipPrefix(sourceIp)}`, WINDOW_SECONDS);
  if (attempts > ctx.config.PORTAL_REQUESTS_PER_SOURCE) {
    refuse(
      'NETWORK_RATE_LIMITED',
      'Too many requests without a working link came from your network; try again in 15 minutes',
    );
  }
}

/**
 * The host behind an address: the IPv4 address itself (also when IPv4-mapped), or the IPv6 /64
 * (one home or phone). Hashed: counters never hold a full address (DESIGN.md §6, privacy).
 */
function hostKey(sourceIp: string): string {
  const ip = sourceIp.trim().toLowerCase();
  let host = ip;
  if (ip.includes(':') && !ip.includes('.')) {
    const [head = '', tail = ''] = ip.split('::');
    const left = head ? head.split(':') : [];
    const right = tail ? tail.split(':') : [];
    const groups = ip.includes('::')
      ? [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
      : left;
    host = `${groups.slice(0, 4).join(':')}::/64`;
  } else if (ip.includes(':')) {
    host = ip.slice(ip.lastIndexOf(':') + 1);
  }
  return createHash('sha256').update(`host:${host}`).digest('hex').slice(0, 32);
}

/** A link token that does not open: counted against the host, then its network. */
export async function countInvalidLink(ctx: Ctx<'counters'>, sourceIp: string): Promise<void> {
  const byHost = await ctx.counters.countAttempt(`BADLINK#${hostKey(sourceIp)}`, WINDOW_SECONDS);
  if (byHost > ctx.config.PORTAL_INVALID_LINKS_PER_HOST) {
    refuse(
      'TOO_MANY_INVALID_LINKS',
      'Too many links that do not work were tried from this device; try again in 15 minutes. A link from your message still opens.',
    );
  }
  await guardPortalSource(ctx, sourceIp);
}

export type Budget = 'calls' | 'password_checks' | 'none';

/** Per session and per link (all its sessions), for calls that carry a session token. */
export async function guardSession(
  ctx: Ctx<'counters' | 'audit' | 'verifications'>,
  sessionToken: string,
  verificationId: string,
  budget: Budget,
): Promise<void> {
  if (budget === 'none') return;
  const session = hashLinkToken(sessionToken).slice(0, 32);
  if (budget === 'password_checks') {
    const checks = await ctx.counters.countAttempt(`PWCHECK#${session}`, WINDOW_SECONDS);
    if (checks > ctx.config.PORTAL_PASSWORD_CHECKS_PER_SESSION) {
      refuse(
        'PASSWORD_CHECKS_RATE_LIMITED',
        'Live password feedback is paused for a few minutes; you can still choose your password',
      );
    }
    return;
  }
  const [bySession, byLink] = await Promise.all([
    ctx.counters.countAttempt(`PSESSION#${session}`, WINDOW_SECONDS),
    ctx.counters.countAttempt(`PLINK#${verificationId}`, WINDOW_SECONDS),
  ]);
  const over =
    bySession > ctx.config.PORTAL_REQUESTS_PER_SESSION
      ? { code: 'SESSION_RATE_LIMITED', first: bySession === ctx.config.PORTAL_REQUESTS_PER_SESSION + 1 }
      : byLink > ctx.config.PORTAL_REQUESTS_PER_LINK
        ? { code: 'LINK_RATE_LIMITED', first: byLink === ctx.config.PORTAL_REQUESTS_PER_LINK + 1 }
        : undefined;
  if (!over) return;
  if (over.first) {
    const v = await loadVerification(ctx, verificationId);
    await ctx.audit.appendAudit(
      requesterAudit(
        v,
        over.code === 'SESSION_RATE_LIMITED' ? 'portal.session_rate_limited' : 'portal.link_rate_limited',
        ctx.clock.now(),
      ),
    );
  }
  refuse(
    over.code,
    over.code === 'SESSION_RATE_LIMITED'
      ? 'This page sent too many requests in a short time; wait 15 minutes, then open your link again'
      : 'Your link was used for too many requests in a short time; wait 15 minutes, then open it again',
  );
}
