/**
 * Device credentials (DESIGN.md §6, endpoint signals): a token the server signs and hands to the
 * browser when a person passes, so that a later verification from that browser can earn
 * KNOWN_DEVICE (shared/domain/endpoint-signals.ts). Checked here against its signature, the
 * person, the connection and its expiry; the caller also checks the server-side record, which
 * makes it revocable.
 *
 * Why a token the page keeps and presents, not a cookie: the portal calls the API on another origin
 * (apiBaseUrl), so an HttpOnly cookie would be a third-party cookie, which browsers block or
 * partition. The page cannot forge the token (HMAC with a server key) and cannot stretch it to
 * another person or connection; stolen from the browser, it is worth one small credit and can be
 * revoked server side.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** How long a device credential issued on a pass is honoured (the server-side record lives as long). */
const DEVICE_CREDENTIAL_DAYS = 180;

const CREDENTIAL_VERSION = 'dc1';
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
const unb64 = (text: string) => Buffer.from(text, 'base64url').toString('utf8');
const credentialMac = (key: string, body: string) =>
  createHmac('sha256', key).update(`device-credential:${body}`, 'utf8').digest('base64url');

/**
 * A new device credential for a person who just passed: `dc1.<id>.<person>.<connection>.<exp>.<mac>`.
 * `storeKey` (an HMAC of the random id) is what the server remembers for the person; deleting it
 * revokes the credential.
 */
export function issueDeviceCredential(
  key: string,
  bound: { userId: string; connectionId: string },
  now: Date,
  days = DEVICE_CREDENTIAL_DAYS,
): { credential: string; storeKey: string; expiresAt: string } {
  const id = randomBytes(16).toString('base64url');
  const exp = Math.floor(now.getTime() / 1000) + days * 86_400;
  const body = [CREDENTIAL_VERSION, id, b64(bound.userId), b64(bound.connectionId), exp].join('.');
  return {
    credential: `${body}.${credentialMac(key, body)}`,
    storeKey: deviceCredentialStoreKey(key, id),
    expiresAt: new Date(exp * 1000).toISOString(),
  };
}

const deviceCredentialStoreKey = (key: string, id: string) =>
  createHmac('sha256', key).update(`device-credential-id:${id}`, 'utf8').digest('hex');

export type CredentialCheck =
  | { ok: true; storeKey: string }
  | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' | 'other_person' | 'other_connection' };

/**
 * Checks a presented credential's signature, expiry and binding. The caller still looks the store
 * key up (a revoked or forgotten credential has no record) before it counts.
 */
export function checkDeviceCredential(
  credential: string,
  key: string,
  expected: { userId: string; connectionId: string },
  now: Date,
): CredentialCheck {
  const parts = credential.split('.');
  if (parts.length !== 6 || parts[0] !== CREDENTIAL_VERSION) return { ok: false, reason: 'malformed' };
  const [, id, user, connection, exp, mac] = parts as [string, string, string, string, string, string];
  const expectedMac = Buffer.from(credentialMac(key, parts.slice(0, 5).join('.')), 'base64url');
  const given = Buffer.from(mac, 'base64url');
  if (given.length !== expectedMac.length || !timingSafeEqual(given, expectedMac))
    return { ok: false, reason: 'bad_signature' };
  if (!/^\d+$/.test(exp) || Number(exp) * 1000 <= now.getTime()) return { ok: false, reason: 'expired' };
  if (unb64(user) !== expected.userId) return { ok: false, reason: 'other_person' };
  if (unb64(connection) !== expected.connectionId) return { ok: false, reason: 'other_connection' };
  return { ok: true, storeKey: deviceCredentialStoreKey(key, id) };
}
