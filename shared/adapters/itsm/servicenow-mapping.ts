/**
 * ServiceNow's values and encoded queries: the guards that keep a value inside its condition, the
 * database date-time, field values as text, work-note rendering and how a ticket came in.
 */
import { TicketSystemPermanentError } from '../../domain/errors.js';
import type { RecentTicket, TicketNote } from '../../domain/model/ticket.js';
import { markedText } from '../../domain/ticket-notes.js';

export type Json = Record<string, unknown>;

export const SYS_ID = /^[0-9a-f]{32}$/;

/**
 * An email as an encoded-query value: only characters that cannot start another condition (`^`),
 * form an operator (`=`, `!`, `<`, `>`) or a script (`javascript:`). Refused otherwise, without
 * echoing the address.
 */
export function queryEmail(email: string, detail: string): string {
  if (!/^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/.test(email)) {
    throw new TicketSystemPermanentError(
      `${detail}: the email has characters a ServiceNow encoded query cannot carry safely`,
      400,
    );
  }
  return email;
}

/** ServiceNow's database date-time (UTC): 2024-05-01 12:52:29. */
export const glideDateTime = (date: Date) => date.toISOString().slice(0, 19).replace('T', ' ');

/** A database date-time as ISO 8601 UTC, or '' when it is not one. */
function fromGlideDateTime(value: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$/.exec(value);
  const at = m ? Date.parse(`${m[1]}T${m[2]}Z`) : Number.NaN;
  return Number.isNaN(at) ? '' : new Date(at).toISOString();
}

/** `[code]` and `[/code]` (any case) lose their brackets, so text can never switch HTML rendering on or off. */
function neutraliseCodeTags(s: string): string {
  return s.replace(/\[(\/?)code\]/gi, (_m, slash: string) => `(${slash}code)`);
}

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A field value as text: a plain string, or the `value` of a {value, display_value, link} object. */
export function text(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (isObject(v) && typeof v.value === 'string') return v.value;
  return '';
}

/**
 * Whether the requester opened a ticket while signed in: the channel (`contact_type`) says
 * self-service, or the record was opened by the caller themselves. Phone, walk-in, email and chat
 * are logged by an agent (or arrive by an email anyone can send). Undefined when neither is known.
 */
export function ticketCameInSignedIn(
  contactType: string,
  openedByEmail: string,
  requesterEmail: string,
): boolean | undefined {
  const channel = contactType.trim().toLowerCase();
  const openedBy = openedByEmail.trim().toLowerCase();
  if (channel === 'self-service' || channel === 'self_service') return true;
  if (openedBy && requesterEmail && openedBy === requesterEmail && channel !== 'email') return true;
  if (channel || openedBy) return false;
  return undefined;
}

/** The work-note text: the note, then its link the way the instance can show it (`code`: as HTML). */
export function renderWorkNote(note: TicketNote, format: 'code' | 'plain'): string {
  const body = neutraliseCodeTags(markedText(note));
  if (!note.link) return body;
  const url = note.link.url.replace(/\[/g, '%5B').replace(/\]/g, '%5D');
  const label = neutraliseCodeTags(note.link.label);
  // Only http(s) becomes a clickable link: anything else (javascript:, data:) stays inert text.
  if (format === 'code' && /^https?:\/\//i.test(url)) {
    return `${body}\n[code]<a href="${escapeHtml(url)}" target="_blank">${escapeHtml(label)}</a>[/code]`;
  }
  return `${body}\n${label}: ${url}`;
}

/** A Table API record as a recent ticket, or nothing when it lacks a number, subject or date. */
export function recentTicketOf(record: unknown, requesterEmailField: string): RecentTicket[] {
  if (!isObject(record)) return [];
  const number = text(record.number);
  const subject = text(record.short_description).trim();
  const openedAt = fromGlideDateTime(text(record.opened_at));
  const requester = text(record[requesterEmailField]).trim().toLowerCase();
  const selfService = ticketCameInSignedIn(
    text(record.contact_type),
    text(record['opened_by.email']),
    requester,
  );
  return number && subject && openedAt
    ? [
        {
          number,
          subject,
          openedAt,
          ...(selfService === undefined ? {} : { selfService }),
          ...(requester ? { requester } : {}),
        },
      ]
    : [];
}
