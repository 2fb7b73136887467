/**
 * Validation of connection settings, one schema per ITSM type with the defaults an admin would
 * otherwise have to look up. Used wherever connections are written (the ops command in
 * infra/connections.ts, the local seed, the console's settings later). Secrets never appear here:
 * they live in Secrets Manager (or the local secrets file) under the names in ports/secrets.ts (secretNames).
 */

import * as z from '../zod.js';
import { assurancePolicySchema } from './assurance.js';
import type { Connection } from './model/connection.js';

/** ServiceNow defaults: the incident table and the fields the integration kit tells the admin to create. */
const SERVICENOW_DEFAULTS = {
  table: 'incident',
  verificationUrlField: 'u_verification',
  categoryField: 'category',
  requesterEmailField: 'caller_id.email',
  workNotesFormat: 'plain',
  outboundAuth: 'basic',
  resolvedState: '6',
} as const;

/**
 * ChangeGear defaults. ID, ItemID, Status and Summary appear in ChangeGear's own API samples;
 * Category and RequesterEmail are assumptions; InternalNote is deliberately a name an instance
 * probably lacks, so a forgotten setting fails loudly (400) rather than writing to a field
 * requesters might see. Incidents wait in "Pending Close" after being resolved.
 */
export const CHANGEGEAR_DEFAULTS = {
  entityType: 'IncidentRequest',
  idField: 'ID',
  numberField: 'ItemID',
  categoryField: 'Category',
  requesterEmailField: 'RequesterEmail',
  noteField: 'InternalNote',
  statusField: 'Status',
  resolvedStatus: 'Pending Close',
  outboundAuth: 'session',
} as const;

const text = (max = 200) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));
const seconds = (min: number, max: number, fallback: number) =>
  z._default(z.number().check(z.int(), z.gte(min), z.lte(max)), fallback);

const policy = {
  connectionId: z
    .string()
    .check(z.regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'lowercase letters, digits and dashes')),
  name: text(),
  baseUrl: z.url({ protocol: /^https?$/ }).check(z.refine((u) => !u.endsWith('/'), 'no trailing slash')),
  gatedCategories: z.array(text(100)).check(z.minLength(1)),
  autoClose: z._default(z.boolean(), false),
  closeCode: z._default(text(), 'Solved (Permanently)'),
  linkLifetimeSeconds: seconds(60, 86_400, 900),
  actionWindowSeconds: seconds(60, 86_400, 900),
  minAnswered: seconds(1, 10, 3),
  /** Score thresholds (DEFAULT_SCORING when absent): at or above mediumFrom Medium, highFrom High. */
  mediumFrom: z.optional(z.number().check(z.gte(0.5), z.lte(10))),
  highFrom: z.optional(z.number().check(z.gte(0.5), z.lte(10))),
  /**
   * Private knowledge a pass needs (DEFAULT_SCORING.minKnowledge when absent): the weights of the
   * questions answered right, per channel of the link (an SMS can reach whoever took the number).
   */
  minKnowledgeSms: z.optional(z.number().check(z.gte(0), z.lte(10))),
  minKnowledgeEmail: z.optional(z.number().check(z.gte(0), z.lte(10))),
  /** How long this connection's verifications are kept (the deployment's RETENTION_DAYS when absent). */
  retentionDays: z.optional(z.number().check(z.int(), z.gte(1), z.lte(3650))),
  /** How long the step-up waits for the manager's answer (30 minutes when absent). */
  managerApprovalSeconds: z.optional(z.number().check(z.int(), z.gte(60), z.lte(86_400))),
  /** What agents see of a result: `full` analysis, or only the outcome and recommendation. */
  agentView: z.optional(z.enum(['full', 'outcome_only'])),
  /** Tiers and the strong proofs each needs per action (DEFAULT_ASSURANCE when absent). */
  assurance: z.optional(assurancePolicySchema),
};

const connectionSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('local'), ...policy }),
  z.strictObject({
    type: z.literal('servicenow'),
    ...policy,
    table: z._default(text(80), SERVICENOW_DEFAULTS.table),
    verificationUrlField: z._default(text(80), SERVICENOW_DEFAULTS.verificationUrlField),
    categoryField: z._default(text(80), SERVICENOW_DEFAULTS.categoryField),
    requesterEmailField: z._default(text(120), SERVICENOW_DEFAULTS.requesterEmailField),
    workNotesFormat: z._default(z.enum(['code', 'plain']), SERVICENOW_DEFAULTS.workNotesFormat),
    outboundAuth: z._default(z.enum(['basic', 'oauth']), SERVICENOW_DEFAULTS.outboundAuth),
    resolvedState: z._default(text(20), SERVICENOW_DEFAULTS.resolvedState),
  }),
  z.strictObject({
    type: z.literal('changegear'),
    ...policy,
    entityType: z._default(text(80), CHANGEGEAR_DEFAULTS.entityType),
    idField: z._default(text(80), CHANGEGEAR_DEFAULTS.idField),
    numberField: z._default(text(80), CHANGEGEAR_DEFAULTS.numberField),
    categoryField: z._default(text(80), CHANGEGEAR_DEFAULTS.categoryField),
    requesterEmailField: z._default(text(80), CHANGEGEAR_DEFAULTS.requesterEmailField),
    noteField: z._default(text(80), CHANGEGEAR_DEFAULTS.noteField),
    statusField: z._default(text(80), CHANGEGEAR_DEFAULTS.statusField),
    resolvedStatus: z._default(text(80), CHANGEGEAR_DEFAULTS.resolvedStatus),
    outboundAuth: z._default(z.enum(['session', 'basic']), CHANGEGEAR_DEFAULTS.outboundAuth),
  }),
]);

export type ConnectionParse = { ok: true; connection: Connection } | { ok: false; issues: string[] };

/** Validates settings from a file or an API and fills the defaults. */
export function parseConnection(input: unknown): ConnectionParse {
  const parsed = connectionSchema.safeParse(input);
  if (parsed.success) return { ok: true, connection: parsed.data as Connection };
  return {
    ok: false,
    issues: parsed.error.issues.map((i) => `${i.path.join('.') || 'connection'}: ${i.message}`),
  };
}
