/**
 * The page's silent checks, posted once after the link is opened.
 *
 * Primary course: the device hash becomes a per-person HMAC, a presented device credential is checked, the
 * source address (from the gateway, never X-Forwarded-For) is looked up in the offline IP data and scored
 * for network signals; the first device's report is kept and a report from a second device is flagged and
 * audited.
 */
import { createHmac } from 'node:crypto';
import { checkDeviceCredential } from '../../domain/device-credential.js';
import { StateConflict } from '../../domain/errors.js';
import { ipPrefix } from '../../domain/ip-address.js';
import { requesterAudit } from '../../domain/model/audit-event.js';
import type { ClientContext, Verification } from '../../domain/model/verification.js';
import { networkSignals } from '../../domain/network-signals.js';
import type { signalsSchema } from '../../portal-api.js';
import type { Ctx } from '../../ports/context.js';
import type * as z from '../../zod.js';
import { torExits } from '../tor-exits.js';
import { sessionKey, sessionVerification } from './session.js';

/**
 * The page's silent checks, posted once after the link is opened. The device hash becomes an HMAC
 * per person (comparable across verifications, not reversible); a report from a second device is
 * flagged. The source IP comes from the gateway's request context, never X-Forwarded-For.
 */
export async function recordSignals(
  ctx: Ctx<
    'secrets' | 'directory' | 'ipIntel' | 'verifications' | 'people' | 'audit' | 'torExits' | 'counters'
  >,
  sessionToken: string | undefined,
  input: z.infer<typeof signalsSchema>,
  request: { userAgent: string; sourceIp: string },
) {
  const v = await sessionVerification(ctx, sessionToken);
  if (v.status !== 'in_progress')
    throw new StateConflict('VERIFICATION_NOT_IN_PROGRESS', 'This verification is not in progress');
  const { deviceHash, deviceCredential: presented, ...signals } = input;
  const deviceHmac = deviceHash
    ? createHmac('sha256', await sessionKey(ctx))
        .update(`device:${v.requesterId}:${deviceHash}`)
        .digest('hex')
    : undefined;
  const now = ctx.clock.now();
  const requester = await ctx.directory.getUser(v.requesterId);
  const deviceCredential = presented ? await checkCredential(ctx, v, presented, now) : undefined;
  const ip = ctx.ipIntel.lookup(request.sourceIp);
  const previous = await ctx.people.lastSighting(v.requesterId);
  const networkReasons = networkSignals({
    ip,
    sourceIp: request.sourceIp,
    previous: previous ? [previous] : [],
    usualCountries: requester?.usualCountries ?? (requester ? [requester.country] : []),
    corporateAsns: ctx.config.CORPORATE_ASNS.split(',').map(Number).filter(Number.isInteger),
    now,
    dataAgeDays: ctx.ipIntel.dataAgeDays(now),
    torExitIps: await torExits(ctx),
  });
  const { secondDevice } = await ctx.verifications.recordClient(v.verificationId, {
    signals,
    deviceHmac,
    userAgent: request.userAgent.slice(0, 300),
    ipPrefix: ipPrefix(request.sourceIp),
    ipCountry: ip.country,
    asn: ip.asn,
    asOrg: ip.asOrg,
    networkReasons,
    deviceCredential,
    at: now.toISOString(),
  });
  if (!secondDevice && ip.country)
    await ctx.people.recordSighting(v.requesterId, { country: ip.country, at: now.toISOString() });
  if (secondDevice)
    await ctx.audit.appendAudit(requesterAudit(v, 'verification.second_device', ctx.clock.now()));
  return { received: true };
}

/** Checks a presented device credential: signature, person, connection, expiry, then the stored record. */
async function checkCredential(
  ctx: Ctx<'secrets' | 'people'>,
  v: Verification,
  credential: string,
  now: Date,
): Promise<NonNullable<ClientContext['deviceCredential']>> {
  const check = checkDeviceCredential(
    credential,
    await sessionKey(ctx),
    { userId: v.requesterId, connectionId: v.ticket.connectionId },
    now,
  );
  if (!check.ok) return { state: 'rejected', reason: check.reason };
  if (!(await ctx.people.isKnownDevice(v.requesterId, check.storeKey)))
    return { state: 'rejected', reason: 'revoked' };
  return { state: 'verified', key: check.storeKey };
}
