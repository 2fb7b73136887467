/** ChangeGear's items as this adapter reads and writes them: field values, notes, eTags. */
import { TicketSystemPermanentError } from '../../domain/errors.js';
import type { TicketNote } from '../../domain/model/ticket.js';
import { markedText } from '../../domain/ticket-notes.js';

export type Entity = Record<string, unknown>;

/** What a write must leave on the item, and how to recognise it made already. */
export interface Expectation {
  note: string;
  marker?: string;
  status?: string;
  skipIfResolved?: boolean;
}

export const normalised = (value: string) => value.replace(/\s+/g, ' ').trim();
export const firstLine = (value: string) => value.split('\n', 1)[0] ?? '';

/** ChangeGear notes are plain text: the link becomes a `Label: URL` line, the marker a `Ref:` line. */
export function noteText(note: TicketNote): string {
  const text = markedText(note);
  return note.link ? `${text}\n\n${note.link.label}: ${note.link.url}` : text;
}

export function eTagOf(entity: Entity, ticketId: string): number | string {
  const value = entity.eTag ?? entity.ETag ?? entity.Etag;
  if (typeof value === 'number' || (typeof value === 'string' && value !== '')) return value;
  throw new TicketSystemPermanentError(
    `GET ticket ${ticketId}: ChangeGear answered without an eTag, so the ticket cannot be updated safely`,
  );
}

/** Undocumented: 409/412, or a 400 whose message names the eTag. */
export function isStaleETag(status: number, body: string): boolean {
  return status === 409 || status === 412 || (status === 400 && /e-?tag/i.test(body));
}

/** A field's value as text: strings and numbers as they are, lookups by their name, nothing as ''. */
export function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'object' && value !== null) {
    const named = (value as Record<string, unknown>).Name ?? (value as Record<string, unknown>).DisplayName;
    if (typeof named === 'string') return named;
  }
  return '';
}
