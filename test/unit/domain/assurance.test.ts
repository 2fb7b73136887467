import { describe, expect, it } from 'vitest';
import {
  assuranceFor,
  assurancePolicySchema,
  assuranceReport,
  assuredActionOf,
  DEFAULT_ASSURANCE,
  describeAssurance,
  tierOf,
} from '../../../shared/domain/assurance.js';
import type { AssurancePolicy } from '../../../shared/domain/model/assurance.js';

const policy = (changes: Partial<AssurancePolicy> = {}): AssurancePolicy => ({
  ...structuredClone(DEFAULT_ASSURANCE),
  ...changes,
});

describe('tierOf', () => {
  it('reads the tier from the directory: admin role, then privileged groups, then high-profile groups', () => {
    const p = policy({ privilegedGroups: ['Domain Admins'], highProfileGroups: ['Executives'] });
    expect(tierOf({ privileged: true, groups: [] }, p)).toEqual({
      tier: 'privileged',
      evidence: 'directory: admin role',
    });
    expect(tierOf({ privileged: false, groups: ['Sales', 'domain admins '] }, p)).toEqual({
      tier: 'privileged',
      evidence: 'group: domain admins ',
    });
    expect(tierOf({ privileged: false, groups: ['Executives', 'Domain Admins'] }, p).tier).toBe('privileged');
    expect(tierOf({ privileged: false, groups: ['EXECUTIVES'] }, p).tier).toBe('high_profile');
    expect(tierOf({ privileged: false, groups: ['Sales'] }, p).tier).toBe('standard');
    expect(tierOf({ privileged: false }, p).tier).toBe('standard');
  });
});

describe('assuredActionOf', () => {
  it('maps ticket categories and actions, whatever their spelling, and anything else to other', () => {
    expect(assuredActionOf('password_reset')).toBe('password_reset');
    expect(assuredActionOf('MFA Reset')).toBe('mfa_reset');
    expect(assuredActionOf('account-unlock')).toBe('account_unlock');
    expect(assuredActionOf('access_request')).toBe('other');
    expect(assuredActionOf(undefined)).toBe('other');
  });
});

describe('assuranceReport', () => {
  it('asks nothing beyond the answers of a standard password reset, and allows self-service', () => {
    expect(assuranceReport(DEFAULT_ASSURANCE, { privileged: false }, 'password_reset')).toMatchObject({
      tier: 'standard',
      required: 0,
      missing: 0,
      selfService: true,
    });
  });

  it('asks one strong proof of every MFA reset and of anything privileged', () => {
    expect(assuranceReport(DEFAULT_ASSURANCE, { privileged: false }, 'mfa_reset').missing).toBe(1);
    for (const action of ['password_reset', 'mfa_reset', 'account_unlock', 'other'] as const) {
      const r = assuranceReport(DEFAULT_ASSURANCE, { privileged: true }, action);
      expect(r).toMatchObject({ required: 1, missing: 1, selfService: false });
    }
  });

  it('counts each kind of proof once', () => {
    const p = policy();
    p.requirements.privileged.mfa_reset.strongProofs = 2;
    const twice = assuranceReport(p, { privileged: true }, 'mfa_reset', [
      'manager_approval',
      'manager_approval',
    ]);
    expect(twice).toMatchObject({ given: ['manager_approval'], missing: 1 });
    const both = assuranceReport(p, { privileged: true }, 'mfa_reset', [
      'manager_approval',
      'authenticator_push',
    ]);
    expect(both.missing).toBe(0);
  });

  it('holds the floors even when a stored policy is below them', () => {
    // A policy written before the floors (or by hand) cannot lower them at run time.
    const p = policy();
    p.requirements.privileged.password_reset = { strongProofs: 0, selfService: true };
    p.requirements.standard.mfa_reset = { strongProofs: 0, selfService: true };
    expect(assuranceReport(p, { privileged: true }, 'password_reset')).toMatchObject({
      required: 1,
      selfService: false,
    });
    expect(assuranceReport(p, { privileged: false }, 'mfa_reset').required).toBe(1);
  });
});

describe('assuranceFor', () => {
  it('takes the stricter of the ticket category and the offered action', () => {
    const r = assuranceFor(
      DEFAULT_ASSURANCE,
      { privileged: false },
      {
        category: 'mfa_reset',
        requestedAction: 'password_reset',
      },
    );
    expect(r).toMatchObject({ action: 'mfa_reset', required: 1 });
    const plain = assuranceFor(
      DEFAULT_ASSURANCE,
      { privileged: false },
      {
        category: 'password_reset',
        requestedAction: 'password_reset',
      },
    );
    expect(plain).toMatchObject({ action: 'password_reset', required: 0, selfService: true });
  });
});

describe('assurancePolicySchema', () => {
  it('accepts the defaults and a stricter policy', () => {
    expect(assurancePolicySchema.safeParse(DEFAULT_ASSURANCE).success).toBe(true);
    const stricter = policy({ highProfileGroups: ['Executives'] });
    stricter.requirements.standard.password_reset.strongProofs = 1;
    expect(assurancePolicySchema.safeParse(stricter).success).toBe(true);
  });

  it('refuses a policy below the floors, with the sentence why', () => {
    const weaker = policy();
    weaker.requirements.privileged.password_reset.strongProofs = 0;
    const result = assurancePolicySchema.safeParse(weaker);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(
      /privileged password reset needs at least 1 strong proof/,
    );

    const selfServe = policy();
    selfServe.requirements.privileged.mfa_reset.selfService = true;
    expect(assurancePolicySchema.safeParse(selfServe).error?.issues[0]?.message).toMatch(
      /privileged people cannot/,
    );

    const mfa = policy();
    mfa.requirements.high_profile.mfa_reset.strongProofs = 0;
    expect(assurancePolicySchema.safeParse(mfa).success).toBe(false);
  });

  it('refuses unknown tiers, actions and out-of-range counts', () => {
    expect(assurancePolicySchema.safeParse({ ...DEFAULT_ASSURANCE, extra: 1 }).success).toBe(false);
    const three = policy();
    three.requirements.standard.other.strongProofs = 3;
    expect(assurancePolicySchema.safeParse(three).success).toBe(false);
  });
});

describe('describeAssurance', () => {
  it('says what was required, given and missing', () => {
    const r = assuranceReport(DEFAULT_ASSURANCE, { privileged: true }, 'mfa_reset');
    expect(describeAssurance(r)).toBe(
      "Privileged account (directory: admin role): mfa reset needs 1 strong proof (a push approved on their enrolled authenticator, or their manager's approval); none given; 1 missing",
    );
    expect(
      describeAssurance(assuranceReport(DEFAULT_ASSURANCE, { privileged: false }, 'password_reset')),
    ).toBe(
      'Standard account (directory: no admin role or listed group): password reset needs no strong proof beyond the answers',
    );
  });
});
