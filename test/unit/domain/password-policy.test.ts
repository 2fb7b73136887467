import { describe, expect, it } from 'vitest';
import { checkPassword, PASSWORD_MAX, PASSWORD_MIN } from '../../../shared/domain/password-policy.js';

const zoe = ['Zoë Martín', 'Zoë', 'zoe.martin'];

describe('checkPassword (NIST SP 800-63B)', () => {
  it('accepts long, unguessable passphrases, spaces and any script included, with no composition rules', () => {
    expect(checkPassword('correct horse battery staple', zoe)).toEqual({ ok: true });
    expect(checkPassword('лето в лиссабоне было жарким', zoe)).toEqual({ ok: true });
    expect(checkPassword('tram twenty eight to graça', zoe)).toEqual({ ok: true });
  });

  it(`refuses fewer than ${PASSWORD_MIN} or more than ${PASSWORD_MAX} characters, counted as characters not bytes`, () => {
    expect(checkPassword('Tr0ub4dor&3', zoe)).toMatchObject({ ok: false, reason: 'length' });
    expect(checkPassword('x'.repeat(65), zoe)).toMatchObject({ ok: false, reason: 'length' });
    // 15 characters but 27 bytes in UTF-8: not refused for length.
    const accented = checkPassword('ééé ççç ààà ööö', zoe);
    expect(accented.ok || accented.reason !== 'length').toBe(true);
  });

  it('refuses common and patterned passwords with zxcvbn feedback', () => {
    for (const weak of ['password123456789', 'qwertyuiopasdfgh', 'aaaaaaaaaaaaaaaa', '1234567890123456']) {
      const result = checkPassword(weak, zoe);
      expect(result).toMatchObject({ ok: false, reason: 'guessable' });
      expect(result.ok ? '' : result.message).not.toBe('');
    }
  });

  it("refuses the user's own names, accents and case ignored", () => {
    expect(checkPassword('ZOE and the long winter nights', zoe)).toMatchObject({
      ok: false,
      reason: 'personal',
    });
    expect(checkPassword('my friend martin likes trains', zoe)).toMatchObject({
      ok: false,
      reason: 'personal',
    });
  });

  it('does not refuse words that merely contain short fragments of personal details', () => {
    // "zo" and "ma" are shorter than three letters and ignored as personal words.
    expect(checkPassword('zodiac marmalade on toast again', ['Zo Ma'])).toEqual({ ok: true });
  });
});
