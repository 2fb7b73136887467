/**
 * Device continuity a page cannot forge: the device credential (issued by the server on a pass,
 * signed, bound to the person and the connection, expiring) and what endpointSignals makes of it.
 */
import { describe, expect, it } from 'vitest';
import { VOUCHES } from '../../../shared/domain/assessment.js';
import { checkDeviceCredential, issueDeviceCredential } from '../../../shared/domain/device-credential.js';
import { endpointSignals } from '../../../shared/domain/endpoint-signals.js';
import { endpointContext, genuineClient } from '../fixtures.js';

const KEY = 'server-key-for-tests';
const now = new Date('2026-12-01T10:00:00Z');
const elena = { userId: 'u-elena', connectionId: 'local-desk' };
const context = endpointContext;
const genuine = genuineClient;

describe('device credential', () => {
  it('checks out for the person and connection it was issued to, with the key the server stored', () => {
    const issued = issueDeviceCredential(KEY, elena, now);
    const check = checkDeviceCredential(issued.credential, KEY, elena, new Date(now.getTime() + 86_400_000));
    expect(check).toEqual({ ok: true, storeKey: issued.storeKey });
    expect(issued.expiresAt).toBe('2027-05-30T10:00:00.000Z');
  });

  it('is refused for another person or another connection, even with a valid signature', () => {
    const { credential } = issueDeviceCredential(KEY, elena, now);
    expect(checkDeviceCredential(credential, KEY, { ...elena, userId: 'u-bill' }, now)).toEqual({
      ok: false,
      reason: 'other_person',
    });
    expect(checkDeviceCredential(credential, KEY, { ...elena, connectionId: 'servicenow' }, now)).toEqual({
      ok: false,
      reason: 'other_connection',
    });
  });

  it('cannot be forged or re-bound by the page: any edit breaks the signature', () => {
    const { credential } = issueDeviceCredential(KEY, { ...elena, userId: 'u-bill' }, now);
    const parts = credential.split('.');
    parts[2] = Buffer.from('u-elena').toString('base64url');
    expect(checkDeviceCredential(parts.join('.'), KEY, elena, now)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    const other = issueDeviceCredential('another-key', elena, now).credential;
    expect(checkDeviceCredential(other, KEY, elena, now).ok).toBe(false);
    expect(checkDeviceCredential('a'.repeat(64), KEY, elena, now)).toEqual({
      ok: false,
      reason: 'malformed',
    });
  });

  it('expires', () => {
    const { credential } = issueDeviceCredential(KEY, elena, now, 1);
    expect(checkDeviceCredential(credential, KEY, elena, new Date(now.getTime() + 86_401_000))).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('gets a fresh id (and store key) on every pass', () => {
    const a = issueDeviceCredential(KEY, elena, now);
    const b = issueDeviceCredential(KEY, elena, now);
    expect(a.storeKey).not.toBe(b.storeKey);
  });
});

describe('endpointSignals: who vouches for the device', () => {
  it('gives the KNOWN_DEVICE credit (a vouch) only for a server-checked credential, marked server-verified', () => {
    const reasons = endpointSignals(genuine, context({ knownDevice: true }));
    expect(reasons).toEqual([
      expect.objectContaining({ code: 'KNOWN_DEVICE', points: -1, verifiedBy: 'server' }),
    ]);
    expect(VOUCHES.has('KNOWN_DEVICE')).toBe(true);
  });

  it('notes a page-reported fingerprint seen before for zero points, never as KNOWN_DEVICE', () => {
    const reasons = endpointSignals(genuine, context({ fingerprintSeen: true }));
    expect(reasons).toEqual([
      expect.objectContaining({ code: 'DEVICE_FINGERPRINT_SEEN', points: 0, verifiedBy: 'page' }),
    ]);
    expect(reasons.some((r) => VOUCHES.has(r.code))).toBe(false);
  });

  it('adds risk for a credential signed for someone else or tampered with', () => {
    expect(endpointSignals(genuine, context({ credentialRejected: 'other_person' }))).toEqual([
      expect.objectContaining({ code: 'DEVICE_CREDENTIAL_REJECTED', points: 2, verifiedBy: 'server' }),
    ]);
  });

  it('marks what the page reported as page-verified', () => {
    const reasons = endpointSignals({ ...genuine, timeZone: 'Asia/Tokyo' }, context());
    expect(reasons).toEqual([expect.objectContaining({ code: 'TIMEZONE_MISMATCH', verifiedBy: 'page' })]);
  });
});
