/** /api/settings: each connection's policy (read and changed) and its write-only secrets. */

import { assurancePolicySchema } from '../domain/assurance.js';
import type { Connection, ConnectionPolicy } from '../domain/model/connection.js';
import * as z from '../zod.js';
import { text } from './common.js';

const seconds = (min: number, max: number) => z.number().check(z.int(), z.gte(min), z.lte(max));
/** POST /api/settings/connections/{connectionId}: any subset of the policy. */
export const connectionPolicyBodySchema = z
  .strictObject({
    name: z.optional(text(200)),
    gatedCategories: z.optional(z.array(text(100)).check(z.minLength(1), z.maxLength(100))),
    linkLifetimeSeconds: z.optional(seconds(60, 86_400)),
    actionWindowSeconds: z.optional(seconds(60, 86_400)),
    minAnswered: z.optional(seconds(1, 10)),
    autoClose: z.optional(z.boolean()),
    closeCode: z.optional(text(200)),
    /** Scores at or above this are Medium (below: Verified). */
    mediumFrom: z.optional(z.number().check(z.gte(0.5), z.lte(10))),
    /** Scores at or above this are High. */
    highFrom: z.optional(z.number().check(z.gte(0.5), z.lte(10))),
    /** Private knowledge a pass needs, per link channel (see "How a verification is scored"). */
    minKnowledgeSms: z.optional(z.number().check(z.gte(0), z.lte(10))),
    minKnowledgeEmail: z.optional(z.number().check(z.gte(0), z.lte(10))),
    retentionDays: z.optional(seconds(1, 3650)),
    /** How long the step-up waits for the manager's answer. */
    managerApprovalSeconds: z.optional(seconds(60, 86_400)),
    /** `outcome_only`: agents see the outcome and the recommendation only (enforced by the API). */
    agentView: z.optional(z.enum(['full', 'outcome_only'])),
    /** The whole assurance policy: tiers' groups and the strong proofs per tier and action. */
    assurance: z.optional(assurancePolicySchema),
  })
  .check(
    z.refine((v) => Object.keys(v).length > 0, { message: 'Change at least one setting' }),
    z.refine((v) => v.mediumFrom === undefined || v.highFrom === undefined || v.mediumFrom < v.highFrom, {
      path: ['highFrom'],
      message: '`highFrom` must be above `mediumFrom`',
    }),
  );
export type ConnectionPolicyBody = z.infer<typeof connectionPolicyBodySchema>;

/** POST /api/settings/connections/{connectionId}/secrets: write-only; values are never returned. */
export const connectionSecretsBodySchema = z
  .strictObject({
    /** Webhook signing secrets (new first during rotation), or accepted `user:password` values. */
    webhook: z.optional(
      z.array(z.string().check(z.minLength(16), z.maxLength(512))).check(z.minLength(1), z.maxLength(2)),
    ),
    /** Outbound credentials for the ITSM API (`user:password`, or OAuth client JSON). */
    outbound: z.optional(z.string().check(z.minLength(3), z.maxLength(4096))),
  })
  .check(
    z.refine((v) => v.webhook !== undefined || v.outbound !== undefined, {
      message: 'Set at least one secret',
    }),
  );

/**
 * A connection's policy as the settings page edits it, every default filled in, and the
 * connection's type. Secrets are never returned.
 */
export type ConnectionSettings = Required<ConnectionPolicy> & Pick<Connection, 'type'>;

/** GET /api/settings */
export interface Settings {
  connections: ConnectionSettings[];
}
