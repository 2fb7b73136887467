/**
 * Link tokens, portal session tokens and webhook signatures. Pure functions over node:crypto.
 *
 * - Link token: 32 random bytes (256 bits) from the CSPRNG, base64url; only its SHA-256 is stored.
 * - Portal session: `v1.<verificationId>.<expiresEpoch>.<hmac>` scoped to one verification.
 * - Webhook: `t=<unix>,v1=<hex>` HMAC-SHA256 over `<t>.<raw body>`, compared in constant time,
 *   any of the connection's current secrets accepted (rotation); the replay key is the parsed,
 *   canonical signature, never the header as written.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export function newLinkToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashLinkToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

const SHA256_HEX = /^[0-9a-f]{64}$/i;

/** Buffer.from(hex) stops at the first non-hex character, so the shape is checked first. */
function safeEqualHex(a: string, b: string): boolean {
  if (!SHA256_HEX.test(a) || !SHA256_HEX.test(b)) return false;
  return timingSafeEqual(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'));
}

const hmacHex = (key: string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest('hex');

export function signSession(verificationId: string, expiresAt: Date, key: string): string {
  const exp = Math.floor(expiresAt.getTime() / 1000);
  const body = `v1.${verificationId}.${exp}`;
  return `${body}.${hmacHex(key, body)}`;
}

export type SessionCheck =
  | { ok: true; verificationId: string }
  | { ok: false; reason: 'malformed' | 'expired' };

export function verifySession(token: string, key: string, now: Date): SessionCheck {
  const parts = token.split('.');
  if (parts.length !== 4 || parts[0] !== 'v1') return { ok: false, reason: 'malformed' };
  const [version, verificationId, exp, sig] = parts as [string, string, string, string];
  if (!safeEqualHex(sig, hmacHex(key, `${version}.${verificationId}.${exp}`))) {
    return { ok: false, reason: 'malformed' };
  }
  if (Number(exp) * 1000 <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, verificationId };
}

export const WEBHOOK_TOLERANCE_SECONDS = 300;

export function signWebhook(rawBody: string, secret: string, now: Date): string {
  const t = Math.floor(now.getTime() / 1000);
  return `t=${t},v1=${hmacHex(secret, `${t}.${rawBody}`)}`;
}

export type WebhookCheck =
  | { ok: true }
  | { ok: false; reason: 'missing' | 'malformed' | 'stale' | 'mismatch' };

/**
 * A verified delivery and its replay key: `<t>.<lower-case hex of the v1 that matched>`, the same
 * however the header was written (field order, spaces, hex case, leading zeros, extra v1 entries),
 * so a re-encoded copy of one signature is the same delivery.
 */
export type WebhookDelivery = { ok: true; deliveryKey: string } | Exclude<WebhookCheck, { ok: true }>;

export function webhookDelivery(
  header: string | undefined,
  rawBody: string,
  secrets: string[],
  now: Date,
): WebhookDelivery {
  if (!header) return { ok: false, reason: 'missing' };
  const fields = header.split(',').map((part) => {
    const at = part.indexOf('=');
    return at < 0
      ? { key: part.trim(), value: '' }
      : { key: part.slice(0, at).trim(), value: part.slice(at + 1).trim() };
  });
  const stamps = fields.filter((f) => f.key === 't').map((f) => f.value);
  const t = stamps.length === 1 && /^\d{1,12}$/.test(stamps[0] ?? '') ? Number(stamps[0]) : Number.NaN;
  const signatures = fields.filter((f) => f.key === 'v1').map((f) => f.value);
  if (!Number.isInteger(t) || signatures.length === 0) return { ok: false, reason: 'malformed' };
  if (Math.abs(now.getTime() / 1000 - t) > WEBHOOK_TOLERANCE_SECONDS) return { ok: false, reason: 'stale' };
  const expected = secrets.map((s) => hmacHex(s, `${t}.${rawBody}`));
  const matched = expected.find((e) => signatures.some((sig) => safeEqualHex(sig, e)));
  return matched ? { ok: true, deliveryKey: `${t}.${matched}` } : { ok: false, reason: 'mismatch' };
}

export function verifyWebhook(
  header: string | undefined,
  rawBody: string,
  secrets: string[],
  now: Date,
): WebhookCheck {
  const check = webhookDelivery(header, rawBody, secrets, now);
  return check.ok ? { ok: true } : check;
}

/**
 * Basic credentials (senders that cannot sign, e.g. ChangeGear webhooks): any of the accepted
 * `user:password` values, compared in constant time over their SHA-256 digests.
 */
export function verifyBasic(header: string | undefined, accepted: string[]): boolean {
  const encoded = header?.match(/^Basic\s+([A-Za-z0-9+/=]+)$/i)?.[1];
  if (!encoded) return false;
  const given = createHash('sha256').update(Buffer.from(encoded, 'base64').toString('utf8')).digest();
  return accepted
    .map((value) => timingSafeEqual(given, createHash('sha256').update(value, 'utf8').digest()))
    .some(Boolean);
}
