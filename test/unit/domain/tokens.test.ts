import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  hashLinkToken,
  newLinkToken,
  signSession,
  signWebhook,
  verifySession,
  verifyWebhook,
  WEBHOOK_TOLERANCE_SECONDS,
  webhookDelivery,
} from '../../../shared/domain/tokens.js';

const NOW = new Date('2025-01-01T10:00:00.000Z');
const NOW_EPOCH = Math.floor(NOW.getTime() / 1000);
const KEY = 'portal-session-key-for-tests';
const VERIFICATION_ID = '01JD7Z8Q4V3M2K1N0P9R8S7T6U';

const inSeconds = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);
/** Flips the last hex digit of a string. */
const flipLastHex = (value: string) => `${value.slice(0, -1)}${value.endsWith('0') ? '1' : '0'}`;

describe('newLinkToken', () => {
  it('is 43 base64url characters, i.e. 256 bits', () => {
    // Act
    const token = newLinkToken();

    // Assess
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
  });

  it('is unique across many tokens', () => {
    // Act
    const tokens = Array.from({ length: 2000 }, () => newLinkToken());

    // Assess
    expect(new Set(tokens).size).toBe(tokens.length);
  });

  it('uses the whole alphabet (not a low-entropy source)', () => {
    // Act
    const characters = new Set(
      Array.from({ length: 200 }, () => newLinkToken())
        .join('')
        .split(''),
    );

    // Assess: 8,600 characters from a uniform 64-symbol alphabet cover it all.
    expect(characters.size).toBe(64);
  });
});

describe('hashLinkToken', () => {
  it('is the SHA-256 of the token as lowercase hex', () => {
    // Prepare
    const token = newLinkToken();

    // Act
    const hash = hashLinkToken(token);

    // Assess
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(hash).not.toContain(token);
  });

  it('matches a known vector', () => {
    // Act / Assess
    expect(hashLinkToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('signSession / verifySession', () => {
  it('accepts a valid token and returns its verification ID', () => {
    // Prepare
    const token = signSession(VERIFICATION_ID, inSeconds(900), KEY);

    // Act
    const check = verifySession(token, KEY, NOW);

    // Assess
    expect(token).toMatch(new RegExp(`^v1\\.${VERIFICATION_ID}\\.${NOW_EPOCH + 900}\\.[0-9a-f]{64}$`));
    expect(check).toEqual({ ok: true, verificationId: VERIFICATION_ID });
  });

  it('rejects a tampered signature', () => {
    // Prepare
    const token = flipLastHex(signSession(VERIFICATION_ID, inSeconds(900), KEY));

    // Act
    const check = verifySession(token, KEY, NOW);

    // Assess
    expect(check).toEqual({ ok: false, reason: 'malformed' });
  });

  it('rejects a signature with extra characters appended', () => {
    // Prepare: Buffer.from(hex) stops at the first non-hex character, so a lenient compare
    // would accept these non-canonical signatures.
    const token = signSession(VERIFICATION_ID, inSeconds(900), KEY);

    // Act
    const checks = [`${token}a`, `${token}zz`, `${token}0`].map((t) => verifySession(t, KEY, NOW));

    // Assess
    for (const check of checks) expect(check).toEqual({ ok: false, reason: 'malformed' });
  });

  it('rejects a token whose verification ID was swapped', () => {
    // Prepare
    const token = signSession(VERIFICATION_ID, inSeconds(900), KEY);
    const swapped = token.replace(VERIFICATION_ID, '01JD7Z8Q4V3M2K1N0P9R8S7T6V');

    // Act
    const check = verifySession(swapped, KEY, NOW);

    // Assess
    expect(swapped).not.toBe(token);
    expect(check).toEqual({ ok: false, reason: 'malformed' });
  });

  it('rejects a token whose expiry was extended', () => {
    // Prepare
    const token = signSession(VERIFICATION_ID, inSeconds(-1), KEY);
    const extended = token.replace(`.${NOW_EPOCH - 1}.`, `.${NOW_EPOCH + 3600}.`);

    // Act
    const check = verifySession(extended, KEY, NOW);

    // Assess
    expect(check).toEqual({ ok: false, reason: 'malformed' });
  });

  it('rejects a token signed with another key', () => {
    // Prepare
    const token = signSession(VERIFICATION_ID, inSeconds(900), 'another-key');

    // Act / Assess
    expect(verifySession(token, KEY, NOW)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('rejects an expired token, including at the exact expiry second', () => {
    // Prepare
    const expired = signSession(VERIFICATION_ID, inSeconds(-60), KEY);
    const expiringNow = signSession(VERIFICATION_ID, NOW, KEY);
    const stillValid = signSession(VERIFICATION_ID, inSeconds(1), KEY);

    // Act / Assess
    expect(verifySession(expired, KEY, NOW)).toEqual({ ok: false, reason: 'expired' });
    expect(verifySession(expiringNow, KEY, NOW)).toEqual({ ok: false, reason: 'expired' });
    expect(verifySession(stillValid, KEY, NOW)).toEqual({ ok: true, verificationId: VERIFICATION_ID });
  });

  it.each([
    ['empty', ''],
    ['garbage', 'not-a-token'],
    ['three parts', `v1.${VERIFICATION_ID}.${NOW_EPOCH + 900}`],
    ['five parts', `v1.${VERIFICATION_ID}.${NOW_EPOCH + 900}.abcd.ef`],
    ['wrong version', `v2.${VERIFICATION_ID}.${NOW_EPOCH + 900}.${'0'.repeat(64)}`],
    ['empty signature', `v1.${VERIFICATION_ID}.${NOW_EPOCH + 900}.`],
    ['non-hex signature', `v1.${VERIFICATION_ID}.${NOW_EPOCH + 900}.${'z'.repeat(64)}`],
  ])('rejects a malformed token (%s)', (_label, token) => {
    // Act / Assess
    expect(verifySession(token, KEY, NOW)).toEqual({ ok: false, reason: 'malformed' });
  });
});

describe('signWebhook / verifyWebhook', () => {
  const SECRET = 'whsec-current';
  const BODY =
    '{"sys_id":"46d44a5ddb1a2010e8d1a3fdd39619b2","number":"INC0010001","category":"password_reset"}';

  const header = (t: number, body: string, secret: string) =>
    `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;

  it('accepts a valid signature', () => {
    // Prepare
    const signature = signWebhook(BODY, SECRET, NOW);

    // Act
    const check = verifyWebhook(signature, BODY, [SECRET], NOW);

    // Assess
    expect(signature).toBe(header(NOW_EPOCH, BODY, SECRET));
    expect(check).toEqual({ ok: true });
  });

  it('tolerates spaces after the commas', () => {
    // Prepare
    const signature = signWebhook(BODY, SECRET, NOW).replace(',', ', ');

    // Act / Assess
    expect(verifyWebhook(signature, BODY, [SECRET], NOW)).toEqual({ ok: true });
  });

  it.each([undefined, ''])('rejects a missing header (%j)', (value) => {
    // Act / Assess
    expect(verifyWebhook(value, BODY, [SECRET], NOW)).toEqual({ ok: false, reason: 'missing' });
  });

  it.each([
    ['no timestamp', `v1=${'a'.repeat(64)}`],
    ['no signature', `t=${NOW_EPOCH}`],
    ['non-numeric timestamp', `t=yesterday,v1=${'a'.repeat(64)}`],
    ['fractional timestamp', `t=${NOW_EPOCH}.5,v1=${'a'.repeat(64)}`],
    ['garbage', 'sha256=deadbeef'],
  ])('rejects a malformed header (%s)', (_label, value) => {
    // Act / Assess
    expect(verifyWebhook(value, BODY, [SECRET], NOW)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('accepts a timestamp exactly at the tolerance in either direction', () => {
    // Prepare
    const past = header(NOW_EPOCH - WEBHOOK_TOLERANCE_SECONDS, BODY, SECRET);
    const future = header(NOW_EPOCH + WEBHOOK_TOLERANCE_SECONDS, BODY, SECRET);

    // Act / Assess
    expect(WEBHOOK_TOLERANCE_SECONDS).toBe(300);
    expect(verifyWebhook(past, BODY, [SECRET], NOW)).toEqual({ ok: true });
    expect(verifyWebhook(future, BODY, [SECRET], NOW)).toEqual({ ok: true });
  });

  it('rejects a timestamp more than 300 s in the past (replay)', () => {
    // Prepare
    const signature = header(NOW_EPOCH - 301, BODY, SECRET);

    // Act / Assess
    expect(verifyWebhook(signature, BODY, [SECRET], NOW)).toEqual({ ok: false, reason: 'stale' });
  });

  it('rejects a timestamp more than 300 s in the future', () => {
    // Prepare
    const signature = header(NOW_EPOCH + 301, BODY, SECRET);

    // Act / Assess
    expect(verifyWebhook(signature, BODY, [SECRET], NOW)).toEqual({ ok: false, reason: 'stale' });
  });

  it('rejects a signature made with the wrong secret', () => {
    // Prepare
    const signature = signWebhook(BODY, 'whsec-attacker', NOW);

    // Act / Assess
    expect(verifyWebhook(signature, BODY, [SECRET], NOW)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('accepts the second secret during rotation', () => {
    // Prepare
    const signature = signWebhook(BODY, 'whsec-previous', NOW);

    // Act / Assess
    expect(verifyWebhook(signature, BODY, [SECRET, 'whsec-previous'], NOW)).toEqual({ ok: true });
  });

  it('rejects everything when no secret is configured', () => {
    // Prepare
    const signature = signWebhook(BODY, SECRET, NOW);

    // Act / Assess
    expect(verifyWebhook(signature, BODY, [], NOW)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('rejects a body changed by one byte', () => {
    // Prepare
    const signature = signWebhook(BODY, SECRET, NOW);
    const changed = BODY.replace('INC0010001', 'INC0010002');

    // Act
    const check = verifyWebhook(signature, changed, [SECRET], NOW);

    // Assess
    expect(Buffer.byteLength(changed)).toBe(Buffer.byteLength(BODY));
    expect(check).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('rejects a signature moved to another timestamp', () => {
    // Prepare
    const signature = signWebhook(BODY, SECRET, NOW).replace(`t=${NOW_EPOCH}`, `t=${NOW_EPOCH + 1}`);

    // Act / Assess
    expect(verifyWebhook(signature, BODY, [SECRET], NOW)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('accepts a header with several v1= entries when one of them matches', () => {
    // Prepare
    const valid = signWebhook(BODY, SECRET, NOW).split(',v1=')[1] ?? '';
    const value = `t=${NOW_EPOCH},v1=${'0'.repeat(64)},v1=${valid},v1=${'f'.repeat(64)}`;

    // Act / Assess
    expect(valid).toMatch(/^[0-9a-f]{64}$/);
    expect(verifyWebhook(value, BODY, [SECRET], NOW)).toEqual({ ok: true });
  });

  it('rejects a header with several v1= entries when none matches', () => {
    // Prepare
    const value = `t=${NOW_EPOCH},v1=${'0'.repeat(64)},v1=${'f'.repeat(64)}`;

    // Act / Assess
    expect(verifyWebhook(value, BODY, [SECRET], NOW)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('rejects a valid signature with a character appended', () => {
    // Prepare
    const signature = `${signWebhook(BODY, SECRET, NOW)}0`;

    // Act / Assess
    expect(verifyWebhook(signature, BODY, [SECRET], NOW)).toEqual({ ok: false, reason: 'mismatch' });
  });
});

describe('webhookDelivery (the replay key)', () => {
  const SECRET = 'whsec-current';
  const BODY = '{"ticketId":"tk-1"}';
  const signed = signWebhook(BODY, SECRET, NOW);
  const hex = signed.split('v1=')[1] ?? '';
  const keyOf = (value: string) => {
    const check = webhookDelivery(value, BODY, [SECRET], NOW);
    return check.ok ? check.deliveryKey : `refused: ${check.reason}`;
  };

  it('is the timestamp and the lower-case hex of the matching v1', () => {
    expect(keyOf(signed)).toBe(`${NOW_EPOCH}.${hex}`);
  });

  it.each([
    ['upper-case hex', `t=${NOW_EPOCH},v1=${hex.toUpperCase()}`],
    ['reordered fields', `v1=${hex},t=${NOW_EPOCH}`],
    ['extra spaces', `  t = ${NOW_EPOCH} ,  v1 = ${hex}  `],
    ['a leading zero on the timestamp', `t=0${NOW_EPOCH},v1=${hex}`],
    ['extra non-matching v1 entries', `t=${NOW_EPOCH},v1=${'0'.repeat(64)},v1=${hex},v1=${'f'.repeat(64)}`],
    ['unknown extra fields', `t=${NOW_EPOCH},v0=abc,v1=${hex}`],
  ])('is the same for the same signature re-encoded (%s)', (_what, value) => {
    expect(keyOf(value)).toBe(`${NOW_EPOCH}.${hex}`);
  });

  it('differs for a delivery signed at another second', () => {
    const later = signWebhook(BODY, SECRET, new Date(NOW.getTime() + 1000));
    expect(keyOf(later)).not.toBe(keyOf(signed));
  });

  it('says why a header is refused, as verifyWebhook does', () => {
    expect(keyOf(`t=${NOW_EPOCH},v1=${'0'.repeat(64)}`)).toBe('refused: mismatch');
    expect(keyOf('t=x,v1=y')).toBe('refused: malformed');
  });
});
