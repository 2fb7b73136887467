/**
 * What the in-memory repositories share: one "table" of maps, as the DynamoDB repositories share
 * one table. Every conditional write checks and writes without an `await` in between, so it is as
 * atomic as DynamoDB's condition: concurrent use cases interleave only between calls.
 */
import { ulid } from 'ulid';
import type { AuditEvent, StoredAuditEvent } from '../../domain/model/audit-event.js';
import type { Connection } from '../../domain/model/connection.js';
import type { TranscriptEntry } from '../../domain/model/question.js';
import type { TicketRecord, TicketRef } from '../../domain/model/ticket.js';
import type { Verification } from '../../domain/model/verification.js';
import type { TorExitList } from '../../ports/tor-exits.js';

/** What the write-back item holds besides the Verification's own fields (claims, attempts). */
interface WriteBackLease {
  claim?: { write: string; owner: string; until: string };
  attempted?: string[];
}

export interface MemoryState {
  now: () => Date;
  verifications: Map<string, Verification>;
  leases: Map<string, WriteBackLease>;
  transcripts: Map<string, TranscriptEntry[]>;
  tickets: Map<string, TicketRecord>;
  connections: Map<string, Connection>;
  linkTokens: Map<string, { verificationId: string; expiresAt: string }>;
  attempts: Map<string, { attempts: number; expiresAtEpoch: number }>;
  deliveries: Map<string, number>;
  knownDevices: Map<string, number>;
  sightings: Map<string, { country?: string; at: string; expiresAtEpoch: number }>;
  torExits?: TorExitList;
  audit: StoredAuditEvent[];
}

export function memoryState(now: () => Date = () => new Date()): MemoryState {
  return {
    now,
    verifications: new Map(),
    leases: new Map(),
    transcripts: new Map(),
    tickets: new Map(),
    connections: new Map(),
    linkTokens: new Map(),
    attempts: new Map(),
    deliveries: new Map(),
    knownDevices: new Map(),
    sightings: new Map(),
    audit: [],
  };
}

export const ticketKey = (ref: TicketRef) => `${ref.connectionId}#${ref.ticketId}`;

export const epochSeconds = (state: MemoryState) => Math.floor(state.now().getTime() / 1000);

/** A copy in and a copy out: callers never hold a reference to what is stored. */
export const copy = <T>(value: T): T => structuredClone(value);

/** Appends an audit event as the DynamoDB adapter writes it (with its id), in the same step as its change. */
export function appendAudit(state: MemoryState, event: AuditEvent): void {
  state.audit.push({ ...copy(event), eventId: ulid(state.now().getTime()) });
}
