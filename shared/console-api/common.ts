/**
 * The console API contract: one source for every `/api/*` route's query and body schemas (the
 * handlers validate with them) and the response types (the console web app imports them, type
 * only), one file per resource in shared/console-api/ (verifications, dashboard, export, audit,
 * settings, users); the date-range rule is range.ts, and this file holds what they share (field
 * schemas, paging). Routes, their functions and roles live in shared/manifest.ts.
 *
 * | method | path                                             | roles                  | query / body            | response            |
 * |--------|--------------------------------------------------|------------------------|-------------------------|---------------------|
 * | GET    | /api/me                                          | admin, agent, auditor  |                         | Me                  |
 * | GET    | /api/verifications                               | admin, agent, auditor  | listQuerySchema         | Page<VerificationRow> |
 * | POST   | /api/verifications                               | admin, agent           | sendBodySchema          | VerificationView (202) |
 * | GET    | /api/verifications/{verificationId}              | admin, agent, auditor  |                         | VerificationDetail  |
 * | GET    | /api/verifications/{verificationId}/transcript   | admin, agent, auditor  |                         | TranscriptView      |
 * | POST   | /api/verifications/{verificationId}/resend       | admin, agent           | (no body)               | VerificationView (202) |
 * | POST   | /api/verifications/{verificationId}/cancel       | admin, agent (the sender or an admin) | cancelBodySchema | VerificationView |
 * | POST   | /api/verifications/{verificationId}/write-back   | admin, agent           | (no body)               | VerificationView    |
 * | GET    | /api/tickets/{connectionId}/{ticketId}           | admin, agent           |                         | TicketPrefill       |
 * | GET    | /api/dashboard                                   | admin, agent, auditor  | dashboardQuerySchema    | Dashboard           |
 * | POST   | /api/exports                                     | admin, auditor         | exportBodySchema        | ExportJob (202)     |
 * | GET    | /api/exports/{exportId}                          | admin, auditor         |                         | ExportJob           |
 * | GET    | /api/audit                                       | admin, auditor         | auditQuerySchema        | Page<AuditEventView> |
 * | GET    | /api/settings                                    | admin                  |                         | Settings            |
 * | POST   | /api/settings/connections/{connectionId}         | admin                  | connectionPolicyBodySchema | ConnectionSettings |
 * | POST   | /api/settings/connections/{connectionId}/secrets | admin                  | connectionSecretsBodySchema | { updated: string[] } |
 * | GET    | /api/users                                       | admin                  |                         | { items: ConsoleUserView[] } |
 * | POST   | /api/users                                       | admin                  | createUserBodySchema    | CreatedUser (201)   |
 * | POST   | /api/users/{username}                            | admin                  | updateUserBodySchema (roles, enabled, endSessions) | ConsoleUserView |
 *
 * Errors are `{ error: { code, message, details? } }` with a stable code; 401 from the gateway's
 * JWT check is `{ message: "Unauthorized" }` (API Gateway's own shape).
 * Dates in queries are UTC calendar days (`YYYY-MM-DD`, both ends inclusive); timestamps in
 * responses are ISO 8601 UTC.
 */

import * as z from '../zod.js';

export const PAGE_SIZE_DEFAULT = 25;
const PAGE_SIZE_MAX = 100;

/** A real calendar day (leap years included); how far apart and how far ahead: `rangeProblem`. */
export const day = () => z.iso.date({ error: 'a date like 2026-01-31' });
export const text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));
export const limit = () => z.optional(z.coerce.number().check(z.int(), z.gte(1), z.lte(PAGE_SIZE_MAX)));
export const cursor = () => z.optional(z.string().check(z.minLength(1), z.maxLength(1024)));

/** A page of a newest-first listing. `nextCursor` is opaque; null on the last page. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
