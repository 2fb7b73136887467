/**
 * What each ITSM's webhook delivery looks like, and which deliveries we act on. Only the ticket's
 * identity is taken from the payload: the facts are re-fetched through the ITSM's API.
 *
 * - local desk: `{ticketId}`, signed.
 * - ServiceNow: what our business-rule script sends, `{table, sys_id, number, operation}`, signed;
 *   only inserts into the connection's table are acted on.
 * - ChangeGear: the whole ticket, on create, update and delete alike, with Basic credentials. The
 *   payload does not say which event it was: a ticket we already recorded is a duplicate (the
 *   ticket record is created conditionally), and a ticket the API no longer returns is ignored.
 */

import * as z from '../zod.js';
import type { Connection } from './model/connection.js';

const id = z.string().check(z.minLength(1), z.maxLength(128));

const localDelivery = z.object({ ticketId: id });
const serviceNowDelivery = z.object({
  table: z.string().check(z.minLength(1), z.maxLength(80)),
  sys_id: z.string().check(z.regex(/^[0-9a-f]{32}$/)),
  number: z.optional(z.string()),
  operation: z.optional(z.string()),
});

export type Delivery = { act: true; ticketId: string } | { act: false; reason: string };

export type DeliveryParse = { ok: true; delivery: Delivery } | { ok: false; issues: string[] };

export function parseDelivery(connection: Connection, json: unknown): DeliveryParse {
  const problems = (error: { issues: { path: PropertyKey[]; message: string }[] }) =>
    error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`);
  switch (connection.type) {
    case 'local': {
      const parsed = localDelivery.safeParse(json);
      return parsed.success
        ? { ok: true, delivery: { act: true, ticketId: parsed.data.ticketId } }
        : { ok: false, issues: problems(parsed.error) };
    }
    case 'servicenow': {
      const parsed = serviceNowDelivery.safeParse(json);
      if (!parsed.success) return { ok: false, issues: problems(parsed.error) };
      const { table, sys_id, operation } = parsed.data;
      if (table !== connection.table) return { ok: true, delivery: { act: false, reason: 'other_table' } };
      if (operation !== undefined && operation !== 'insert') {
        return { ok: true, delivery: { act: false, reason: 'not_a_new_ticket' } };
      }
      return { ok: true, delivery: { act: true, ticketId: sys_id } };
    }
    case 'changegear': {
      // Entity API responses (and so webhook payloads) may come as a one-item array.
      const entity = Array.isArray(json) && json.length === 1 ? json[0] : json;
      const value =
        typeof entity === 'object' && entity !== null && !Array.isArray(entity)
          ? (entity as Record<string, unknown>)[connection.idField]
          : undefined;
      const ticketId = typeof value === 'number' || typeof value === 'string' ? String(value) : '';
      return id.safeParse(ticketId).success
        ? { ok: true, delivery: { act: true, ticketId } }
        : { ok: false, issues: [`${connection.idField}: the ticket id is missing`] };
    }
  }
}

/** Which inbound authentication a connection's sender uses. */
export const inboundAuth = (connection: Connection): 'signature' | 'basic' =>
  connection.type === 'changegear' ? 'basic' : 'signature';
