/**
 * The assurance rules: a person's tier from the directory, the proofs a tier and an action need,
 * and what is still missing. Defaults: a standard password reset or unlock needs no strong proof (the
 * answers and the contact on record, as before); every MFA reset, and anything for a privileged or
 * high-profile person, needs one. Privileged people never reset anything themselves on the portal.
 * Floors an admin cannot lower: a privileged person and an MFA reset always need a strong proof.
 */
import * as z from '../zod.js';
import {
  ASSURANCE_TIERS,
  ASSURED_ACTIONS,
  type AssurancePolicy,
  type AssuranceReport,
  type AssuranceTier,
  type AssuredAction,
  type ProofRequirement,
  type StrongProof,
} from './model/assurance.js';
import type { DirectoryUser } from './model/person.js';

const need = (strongProofs: number, selfService: boolean): ProofRequirement => ({
  strongProofs,
  selfService,
});

export const DEFAULT_ASSURANCE: AssurancePolicy = {
  privilegedGroups: [],
  highProfileGroups: [],
  requirements: {
    standard: {
      password_reset: need(0, true),
      mfa_reset: need(1, true),
      account_unlock: need(0, true),
      other: need(0, false),
    },
    high_profile: {
      password_reset: need(1, true),
      mfa_reset: need(1, true),
      account_unlock: need(1, true),
      other: need(1, false),
    },
    privileged: {
      password_reset: need(1, false),
      mfa_reset: need(1, false),
      account_unlock: need(1, false),
      other: need(1, false),
    },
  },
};

/** The least an admin may set: a floor below which a policy is refused (`assuranceProblem`). */
function minimumStrongProofs(tier: AssuranceTier, action: AssuredAction): number {
  return tier === 'privileged' || action === 'mfa_reset' ? 1 : 0;
}

/** A sentence saying why a policy cannot be saved, or undefined. */
function assuranceProblem(policy: AssurancePolicy): string | undefined {
  for (const [tier, actions] of Object.entries(policy.requirements) as [
    AssuranceTier,
    Record<AssuredAction, ProofRequirement>,
  ][]) {
    for (const [action, requirement] of Object.entries(actions) as [AssuredAction, ProofRequirement][]) {
      const floor = minimumStrongProofs(tier, action);
      if (requirement.strongProofs < floor)
        return `${tier} ${action.replace('_', ' ')} needs at least ${floor} strong proof: a swapped SIM or a researched caller defeats the answers alone`;
      if (tier === 'privileged' && requirement.selfService)
        return 'privileged people cannot reset anything themselves on the portal: an agent acts on a verified result';
    }
  }
  return undefined;
}

const requirementSchema = z.strictObject({
  strongProofs: z.number().check(z.int(), z.gte(0), z.lte(2)),
  selfService: z.boolean(),
});
const byAction = z.strictObject(
  Object.fromEntries(ASSURED_ACTIONS.map((a) => [a, requirementSchema])) as Record<
    AssuredAction,
    typeof requirementSchema
  >,
);
const groupNames = z
  .array(z.string().check(z.trim(), z.minLength(1), z.maxLength(256)))
  .check(z.maxLength(50));

/** A whole assurance policy as an admin saves it; refused below the floors, with the sentence why. */
export const assurancePolicySchema = z
  .strictObject({
    privilegedGroups: groupNames,
    highProfileGroups: groupNames,
    requirements: z.strictObject(
      Object.fromEntries(ASSURANCE_TIERS.map((t) => [t, byAction])) as Record<AssuranceTier, typeof byAction>,
    ),
  })
  .check(
    z.superRefine((policy, ctx) => {
      const problem = assuranceProblem(policy);
      if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['requirements'] });
    }),
  );

const lower = (names: readonly string[]) => new Set(names.map((n) => n.trim().toLowerCase()));

/** The person's tier, from the directory only, with the evidence for it. */
export function tierOf(
  person: Pick<DirectoryUser, 'privileged' | 'groups'>,
  policy: Pick<AssurancePolicy, 'privilegedGroups' | 'highProfileGroups'>,
): { tier: AssuranceTier; evidence: string } {
  if (person.privileged) return { tier: 'privileged', evidence: 'directory: admin role' };
  const groups = person.groups ?? [];
  const privileged = lower(policy.privilegedGroups);
  const inPrivileged = groups.find((g) => privileged.has(g.trim().toLowerCase()));
  if (inPrivileged) return { tier: 'privileged', evidence: `group: ${inPrivileged}` };
  const highProfile = lower(policy.highProfileGroups);
  const inHighProfile = groups.find((g) => highProfile.has(g.trim().toLowerCase()));
  if (inHighProfile) return { tier: 'high_profile', evidence: `group: ${inHighProfile}` };
  return { tier: 'standard', evidence: 'directory: no admin role or listed group' };
}

/** The action a ticket category or a requested action stands for; `other` for anything else. */
export function assuredActionOf(categoryOrAction: string | undefined): AssuredAction {
  const key = (categoryOrAction ?? '')
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  return key === 'password_reset' || key === 'mfa_reset' || key === 'account_unlock' ? key : 'other';
}

/**
 * What a verification needs: the stricter of what its ticket's category stands for and the
 * self-service action the agent offered (an "MFA reset" ticket sent with a password reset still
 * needs what an MFA reset needs).
 */
export function assuranceFor(
  policy: AssurancePolicy,
  person: Pick<DirectoryUser, 'privileged' | 'groups'>,
  v: { category: string; requestedAction?: string },
  given: readonly StrongProof[] = [],
): AssuranceReport {
  const byCategory = assuranceReport(policy, person, assuredActionOf(v.category), given);
  if (!v.requestedAction) return byCategory;
  const byAction = assuranceReport(policy, person, assuredActionOf(v.requestedAction), given);
  if (byAction.required !== byCategory.required)
    return byAction.required > byCategory.required ? byAction : byCategory;
  // As strict either way: the action decides whether the person may do it themselves.
  return byAction;
}

/** What this request needs, what it got, and what is missing. */
export function assuranceReport(
  policy: AssurancePolicy,
  person: Pick<DirectoryUser, 'privileged' | 'groups'>,
  action: AssuredAction,
  given: readonly StrongProof[] = [],
): AssuranceReport {
  const { tier, evidence } = tierOf(person, policy);
  const requirement = policy.requirements[tier][action];
  const required = Math.max(requirement.strongProofs, minimumStrongProofs(tier, action));
  const distinct = [...new Set(given)];
  return {
    tier,
    tierEvidence: evidence,
    action,
    required,
    given: distinct,
    missing: Math.max(0, required - distinct.length),
    selfService: requirement.selfService && tier !== 'privileged',
  };
}

const PROOF_NAMES: Record<StrongProof, string> = {
  authenticator_push: 'push approved on their enrolled authenticator',
  manager_approval: "their manager's approval",
};
const TIER_NAMES: Record<AssuranceTier, string> = {
  standard: 'Standard',
  high_profile: 'High-profile',
  privileged: 'Privileged',
};

/** One line for the ticket note and the summary: required, given, missing. */
export function describeAssurance(report: AssuranceReport): string {
  const action = report.action === 'other' ? 'this request' : report.action.replace('_', ' ');
  const tier = `${TIER_NAMES[report.tier]} account (${report.tierEvidence})`;
  if (report.required === 0) return `${tier}: ${action} needs no strong proof beyond the answers`;
  const given =
    report.given.length === 0 ? 'none given' : `given: ${report.given.map((p) => PROOF_NAMES[p]).join(', ')}`;
  const missing = report.missing === 0 ? 'none missing' : `${report.missing} missing`;
  return `${tier}: ${action} needs ${report.required} strong proof (a push approved on their enrolled authenticator, or their manager's approval); ${given}; ${missing}`;
}
