import { describe, expect, it } from 'vitest';
import { endpointSignals } from '../../../shared/domain/endpoint-signals.js';
import { personaSignals } from '../../../shared/domain/persona-signals.js';
import { CHROME_MAC, directoryUser, endpointContext, genuineClient } from '../fixtures.js';

const now = new Date('2026-11-21T10:00:00Z');
const codes = (reasons: { code: string }[]) => reasons.map((r) => r.code);

const HEADLESS =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36';
const context = endpointContext;
const genuine = genuineClient;

describe('personaSignals', () => {
  it('vouches when the link went to the contact on record, and adds nothing else for a quiet account', () => {
    expect(personaSignals(directoryUser(), { destinationIsContactOnRecord: true }, now)).toEqual([
      expect.objectContaining({ code: 'CONTACT_ON_RECORD', points: 0, category: 'persona' }),
    ]);
  });

  it('flags an agent-typed destination, a contact changed yesterday, a reset last week and failed recoveries', () => {
    const requester = directoryUser({
      contactChangedAt: '2026-11-20T09:00:00Z',
      lastPasswordResetAt: '2026-11-18T09:00:00Z',
      recentFailedRecoveries: 2,
    });
    const reasons = personaSignals(requester, { destinationIsContactOnRecord: false }, now);
    expect(codes(reasons)).toEqual([
      'AGENT_TYPED_DESTINATION',
      'CONTACT_RECENTLY_CHANGED',
      'RECENT_PASSWORD_RESET',
      'RECENT_FAILED_RECOVERIES',
    ]);
    expect(reasons.find((r) => r.code === 'CONTACT_RECENTLY_CHANGED')?.message).toContain('yesterday');
  });

  it('ignores a contact change long ago', () => {
    const requester = directoryUser({ contactChangedAt: '2025-01-01T00:00:00Z' });
    expect(codes(personaSignals(requester, { destinationIsContactOnRecord: true }, now))).toEqual([
      'CONTACT_ON_RECORD',
    ]);
  });

  it('makes a disabled account a hard rule at 10 points and notes a privileged one at 0', () => {
    const reasons = personaSignals(
      directoryUser({ privileged: true, enabled: false }),
      { destinationIsContactOnRecord: true },
      now,
    );
    expect(reasons.filter((r) => r.points === 10).map((r) => r.code)).toEqual(['ACCOUNT_DISABLED']);
    // The assurance policy, not a score, decides what a privileged person needs.
    expect(reasons.find((r) => r.code === 'PRIVILEGED_ACCOUNT')?.points).toBe(0);
  });
});

describe('endpointSignals', () => {
  it('says nothing about a genuine browser at home', () => {
    expect(endpointSignals(genuine, context())).toEqual([]);
  });

  it('credits a known device', () => {
    expect(endpointSignals(genuine, context({ knownDevice: true }))).toEqual([
      expect.objectContaining({ code: 'KNOWN_DEVICE', points: -1 }),
    ]);
  });

  it.each([
    ['webdriver', { ...genuine, webdriver: true }, CHROME_MAC],
    ['botd', { ...genuine, bot: { detected: true, kind: 'puppeteer' } }, CHROME_MAC],
    ['a headless user agent', genuine, HEADLESS],
  ])('treats %s as automation, a hard rule', (_name, client, userAgent) => {
    const reasons = endpointSignals(client, context({ userAgent }));
    expect(reasons[0]).toMatchObject({ code: 'AUTOMATION_DETECTED', points: 10 });
  });

  it('adds risk when the page never reported', () => {
    expect(codes(endpointSignals(undefined, context()))).toEqual(['NO_CLIENT_SIGNALS']);
  });

  it('flags a clock and languages from elsewhere, and a user agent that contradicts its client hints', () => {
    const client = {
      webdriver: false,
      timeZone: 'Asia/Shanghai',
      languages: ['zh-CN'],
      clientHints: { platform: 'Windows', mobile: false },
    };
    expect(codes(endpointSignals(client, context()))).toEqual([
      'TIMEZONE_MISMATCH',
      'LANGUAGE_MISMATCH',
      'PLATFORM_MISMATCH',
    ]);
  });

  it('accepts a clock matching either the connection or the person (travelling)', () => {
    const travelling = { ...genuine, timeZone: 'America/New_York', languages: ['en-US'] };
    expect(endpointSignals(travelling, context({ ipCountry: 'US' }))).toEqual([]);
  });

  it('flags a second device', () => {
    expect(codes(endpointSignals(genuine, context({ secondDevice: true })))).toEqual(['SECOND_DEVICE']);
  });
});
