/**
 * Assurance: how much proof a request needs, from who the person is (their tier, read from the
 * directory, never from what the caller or the agent says) and what they ask for (the action).
 * Possession of the contact on record and knowledge answers are the proofs every verification has;
 * a strong proof is one a researched caller or a swapped SIM cannot give: a push approved on the
 * person's enrolled authenticator, or their manager's approval.
 */

/** Ascending: a person in several is in the highest. */
export const ASSURANCE_TIERS = ['standard', 'high_profile', 'privileged'] as const;
export type AssuranceTier = (typeof ASSURANCE_TIERS)[number];

/** What a verification is for: the actions attackers ask help desks for, or none of them. */
export const ASSURED_ACTIONS = ['password_reset', 'mfa_reset', 'account_unlock', 'other'] as const;
export type AssuredAction = (typeof ASSURED_ACTIONS)[number];

export type StrongProof = 'authenticator_push' | 'manager_approval';

export interface ProofRequirement {
  /** Strong proofs needed on top of the answers (different kinds: a push and a manager's approval are two). */
  strongProofs: number;
  /** The verified person may do the action themselves on the portal. */
  selfService: boolean;
}

export interface AssurancePolicy {
  /** Directory groups whose members are privileged, beyond the directory's own admin roles. */
  privilegedGroups: string[];
  /** Directory groups of well-known people (executives, finance, their assistants). */
  highProfileGroups: string[];
  requirements: Record<AssuranceTier, Record<AssuredAction, ProofRequirement>>;
}

/** What a verification needed and got, as the summary and the ticket note say it. */
export interface AssuranceReport {
  tier: AssuranceTier;
  /** Why this tier, e.g. "directory: admin role" or "group: Executives". */
  tierEvidence: string;
  action: AssuredAction;
  required: number;
  given: StrongProof[];
  missing: number;
  selfService: boolean;
}
