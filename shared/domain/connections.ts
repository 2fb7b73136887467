/**
 * Validation of connection settings, one schema per ITSM type with the defaults an admin would
 * otherwise have to look up. Used wherever connections are written (the ops command in
 * infra/connections.ts, the local seed, the console's settings later). Secrets never appear here:
 * they live in Secrets Manager (or the local secrets file) under the names in adapters/secrets.ts.
 */

import type { Connection } from '../ports.js';
import { z } from '../zod.js';

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
};

export const connectionSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('local'), ...policy }),
  z.strictObject({
    type: z.literal('servicenow'),
    ...policy,
    table: z._default(text(80), 'incident'),
    verificationUrlField: z._default(text(80), 'u_verification'),
    categoryField: z._default(text(80), 'category'),
    requesterEmailField: z._default(text(120), 'caller_id.email'),
    workNotesFormat: z._default(z.enum(['code', 'plain']), 'plain'),
    outboundAuth: z._default(z.enum(['basic', 'oauth']), 'basic'),
    resolvedState: z._default(text(20), '6'),
  }),
  z.strictObject({
    type: z.literal('changegear'),
    ...policy,
    entityType: z._default(text(80), 'IncidentRequest'),
    idField: z._default(text(80), 'Id'),
    numberField: z._default(text(80), 'TicketNumber'),
    categoryField: z._default(text(80), 'Category'),
    requesterEmailField: z._default(text(80), 'RequesterEmail'),
    noteField: z._default(text(80), 'InternalNote'),
    statusField: z._default(text(80), 'Status'),
    resolvedStatus: z._default(text(80), 'Resolved'),
    outboundAuth: z._default(z.enum(['session', 'basic']), 'session'),
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
