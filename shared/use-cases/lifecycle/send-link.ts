/**
 * Send the link (task SendLink).
 *
 * Primary course: a fresh link token is made and only its hash stored, the message is sent on the
 * verification's channel to the contact on record (the token in the URL fragment), and the delivery
 * is recorded and audited. A re-run once the link was delivered, opened or finished sends nothing.
 */
import type { Verification } from '../../domain/model/verification.js';
import { hashLinkToken, newLinkToken } from '../../domain/tokens.js';
import type { Ctx } from '../../ports/context.js';
import { loadVerification } from '../load.js';

export function lifetime(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return `${Math.round(ms / 1000)} seconds`;
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

/** SendLink: a fresh token, only its hash stored, the link delivered through the Messenger. */
export async function sendLink(
  ctx: Ctx<'messenger' | 'verifications' | 'linkTokens' | 'audit'>,
  verificationId: string,
): Promise<void> {
  const v = await loadVerification(ctx, verificationId);
  // Opened, finished or already delivered (a re-run after a retry or a resumed execution): nothing to send.
  if (v.status !== 'sent' || v.linkDeliveredAt) return;
  const token = newLinkToken();
  await ctx.linkTokens.saveLinkToken(hashLinkToken(token), v.verificationId, v.linkExpiresAt);
  // The token travels in the fragment: never sent to a server, never in access logs or Referer.
  const link = `${ctx.config.PORTAL_BASE_URL}/#t=${token}`;
  const validFor = lifetime(Date.parse(v.linkExpiresAt) - Date.parse(v.createdAt));
  await ctx.messenger.send({ ...linkMessage(v, link, validFor), channel: v.channel, to: v.destination });
  await ctx.verifications.markLinkDelivered(v.verificationId, ctx.clock.now().toISOString());
  await ctx.audit.appendAudit({
    verificationId: v.verificationId,
    ticket: v.ticket,
    actor: 'system',
    action: 'link.delivered',
    at: ctx.clock.now().toISOString(),
    details: { channel: v.channel, destination: v.destinationMasked },
  });
}

function linkMessage(v: Verification, link: string, validFor: string) {
  const verificationId = v.verificationId;
  if (v.origin === 'self_service') {
    return {
      verificationId,
      subject: 'Reset your password',
      text:
        v.channel === 'sms'
          ? `Password reset you asked for: ${link} (valid ${validFor}). Not you? Ignore this message.`
          : `Someone, hopefully you, asked to reset your password on the IT self-service portal.\n\nOpen this link to verify it is you and continue (valid for ${validFor}):\n${link}\n\nIf it was not you, ignore this message: nothing changes unless the link is used.`,
    };
  }
  if (v.ticketless) {
    return {
      verificationId,
      subject: 'Verify your identity for the IT help desk',
      text:
        v.channel === 'sms'
          ? `IT help desk: verify your identity for your call: ${link} (valid ${validFor})`
          : `The IT help desk asked you to verify your identity while you are in touch with them.\n\nOpen this link to continue (valid for ${validFor}):\n${link}\n\nIf you did not contact the help desk, do not open the link and call them on the number you know.`,
    };
  }
  return {
    verificationId,
    subject: `Verify your identity for ticket ${v.ticketNumber}`,
    text:
      v.channel === 'sms'
        ? `IT help desk: verify your identity for ticket ${v.ticketNumber}: ${link} (valid ${validFor})`
        : `The IT help desk asked you to verify your identity for ticket ${v.ticketNumber}.\n\nOpen this link to continue (valid for ${validFor}):\n${link}\n\nIf you did not contact the help desk, do not open the link and call them on the number you know.`,
  };
}
