import { describe, expect, it } from 'vitest';
import { maskDestination, maskEmail, maskPhone } from '../../../shared/domain/mask.js';

describe('maskEmail', () => {
  it('keeps the first letter and the domain', () => {
    // Act / Assess
    expect(maskEmail('zoe.martin@example.com')).toBe('z***@example.com');
  });

  it('hides the length of the local part', () => {
    // Act / Assess
    expect(maskEmail('a@example.com')).toBe('a***@example.com');
    expect(maskEmail('averyveryverylongname@example.com')).toBe('a***@example.com');
  });

  it.each(['', 'not-an-email', 'zoe.martin'])('masks %j without a domain completely', (value) => {
    // Act / Assess
    expect(maskEmail(value)).toBe('***');
  });

  it('never returns the clear local part', () => {
    // Act
    const masked = maskEmail('secret.person@example.com');

    // Assess
    expect(masked).not.toContain('secret.person');
  });
});

describe('maskPhone', () => {
  it('keeps only the last two digits', () => {
    // Act / Assess
    expect(maskPhone('+14155550142')).toBe('***42');
  });

  it('ignores formatting characters', () => {
    // Act / Assess
    expect(maskPhone('+1 (415) 555-0199')).toBe('***99');
  });

  it.each(['', '123', '+1-2'])('masks %j with fewer than four digits completely', (value) => {
    // Act / Assess
    expect(maskPhone(value)).toBe('***');
  });
});

describe('maskDestination', () => {
  it('masks by channel', () => {
    // Act / Assess
    expect(maskDestination('email', 'zoe.martin@example.com')).toBe('z***@example.com');
    expect(maskDestination('sms', '+14155550100')).toBe('***00');
  });
});
