import { describe, expect, it } from 'vitest';
import { managerChoice, managerLinkProblem, managerMessage } from '../../../shared/domain/step-up.js';
import { stepUpNote } from '../../../shared/domain/ticket-notes.js';
import { MANAGER_REPORTED, RECOMMENDATIONS, verdictOf } from '../../../shared/domain/verdict.js';
import { directoryUser, verification } from '../fixtures.js';

const requester = directoryUser({ userId: 'u001', managerId: 'u008' });
const manager = directoryUser({
  userId: 'u008',
  displayName: 'Ana Duarte',
  givenName: 'Ana',
  email: 'ana@example.com',
});
const NOW = new Date('2026-03-15T12:00:00.000Z');

describe('managerChoice', () => {
  it('asks the manager on record by email, else by SMS', () => {
    expect(managerChoice(requester, manager)).toMatchObject({
      ok: true,
      channel: 'email',
      to: 'ana@example.com',
    });
    expect(managerChoice(requester, { ...manager, email: '', mobilePhone: '+351911111111' })).toMatchObject({
      ok: true,
      channel: 'sms',
    });
  });

  it('refuses no manager, the requester themselves, a disabled one and one with no contact', () => {
    expect(managerChoice({ ...requester, managerId: undefined }, manager).ok).toBe(false);
    expect(managerChoice(requester, undefined).ok).toBe(false);
    expect(managerChoice({ ...requester, managerId: 'u001' }, requester).ok).toBe(false);
    expect(managerChoice(requester, { ...manager, enabled: false }).ok).toBe(false);
    expect(managerChoice(requester, { ...manager, email: '', mobilePhone: undefined }).ok).toBe(false);
  });
});

describe('the manager link', () => {
  const v = verification({
    status: 'step_up',
    stepUp: {
      proof: 'manager_approval',
      requestedAt: NOW.toISOString(),
      tokenHash: 'h',
      expiresAt: '2026-03-15T12:30:00.000Z',
    },
  });

  it('opens only with its own hash, before it expires, once', () => {
    expect(managerLinkProblem(v, 'h', NOW)).toBeUndefined();
    expect(managerLinkProblem(v, 'other', NOW)?.code).toBe('MANAGER_LINK_NOT_FOUND');
    expect(managerLinkProblem(v, 'h', new Date('2026-03-15T12:30:00.000Z'))?.code).toBe(
      'MANAGER_LINK_EXPIRED',
    );
    expect(managerLinkProblem({ ...v, status: 'passed' }, 'h', NOW)?.code).toBe('MANAGER_LINK_USED');
  });

  it('tells the manager who, what, which ticket and from where, never answers or score', () => {
    const m = managerMessage(
      {
        ...v,
        client: { signals: { webdriver: false }, userAgent: '', ipCountry: 'PT', asOrg: 'NOS', at: '' },
      },
      manager,
      'https://verify.example.com/#m=x',
      '30 minutes',
      'email',
    );
    expect(m.text).toContain('asked the IT help desk for a password reset (ticket INC0010001)');
    expect(m.text).toContain('Portugal, NOS network');
    expect(m.text).not.toMatch(/score|answer/i);
  });

  it('notes the request on the ticket: who was asked, how, until when', () => {
    const note = stepUpNote({
      ...v,
      stepUp: {
        ...v.stepUp,
        proof: 'manager_approval',
        requestedAt: '',
        managerName: 'Ana Duarte',
        channel: 'email',
        destinationMasked: 'a***@example.com',
      },
    });
    expect(note.text).toContain('Ana Duarte, via email to a***@example.com until 2026-03-15 12:30 UTC');
    expect(note.text).toContain('Not verified yet - do not proceed');
  });
});

describe('verdict', () => {
  it('"This is not right" is urgent and never proceeds', () => {
    const reasons = [
      { code: MANAGER_REPORTED, category: 'persona' as const, points: 10, evidence: '', message: '' },
    ];
    const verdict = verdictOf('failed', { riskLevel: 'high', reasons });
    expect(verdict).toMatchObject({
      urgent: true,
      proceed: false,
      recommendation: RECOMMENDATIONS.managerReported,
    });
    expect(verdictOf('step_up').proceed).toBe(false);
  });
});
