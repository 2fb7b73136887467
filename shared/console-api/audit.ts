/** GET /api/audit: the audit log's filters and its events (also a verification's timeline). */

import type { StoredAuditEvent } from '../domain/model/audit-event.js';
import * as z from '../zod.js';
import { cursor, day, limit, text } from './common.js';

/** GET /api/audit?actor&action&verificationId&from&to&cursor&limit */
export const auditQuerySchema = z.strictObject({
  actor: z.optional(text(128)),
  action: z.optional(z.string().check(z.regex(/^[a-z_]+(\.[a-z_]+)*$/, 'an action like verification.sent'))),
  verificationId: z.optional(z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'a verification id'))),
  from: z.optional(day()),
  to: z.optional(day()),
  cursor: cursor(),
  limit: limit(),
});
export type AuditQuery = z.infer<typeof auditQuerySchema>;

/** An audit event as the API shows it (the log and a verification's timeline): the event's own fields. */
export type AuditEventView = Pick<
  StoredAuditEvent,
  'eventId' | 'verificationId' | 'ticket' | 'actor' | 'action' | 'at' | 'details'
>;
