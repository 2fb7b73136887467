/**
 * The table's ports in memory (tickets, connections, link tokens, abuse counters, people, Tor
 * exits, audit log, and verifications in verifications.ts), mirroring the DynamoDB repositories'
 * conditions, expiries and return values, for use-case tests that run in milliseconds.
 */
import type { AuditEvent, StoredAuditEvent } from '../../domain/model/audit-event.js';
import type { Connection } from '../../domain/model/connection.js';
import type { TicketRecord, TicketRef } from '../../domain/model/ticket.js';
import type { AbuseCounters } from '../../ports/abuse-counters.js';
import type { AuditLog } from '../../ports/audit-log.js';
import type { Connections } from '../../ports/connections.js';
import type { Repositories } from '../../ports/context.js';
import type { LinkTokens } from '../../ports/link-tokens.js';
import type { People } from '../../ports/people.js';
import type { TicketRecords } from '../../ports/tickets.js';
import type { TorExitList, TorExits } from '../../ports/tor-exits.js';
import { appendAudit, copy, epochSeconds, type MemoryState, memoryState, ticketKey } from './state.js';
import { MemoryVerifications } from './verifications.js';

/** How long a device that passed stays known, and a sighting is kept (as the DynamoDB adapter). */
const KNOWN_DEVICE_DAYS = 180;
const SIGHTING_DAYS = 90;
/** An expired link token is kept a day, so it answers "expired", not "unknown". */
const LINK_TOKEN_GRACE_SECONDS = 86_400;

class MemoryTicketRecords implements TicketRecords {
  constructor(private readonly state: MemoryState) {}

  async createTicket(ticket: TicketRecord): Promise<{ created: boolean; ticket: TicketRecord }> {
    const existing = this.state.tickets.get(ticketKey(ticket));
    if (existing) return { created: false, ticket: copy(existing) };
    this.state.tickets.set(ticketKey(ticket), copy(ticket));
    return { created: true, ticket };
  }

  async getTicket(ref: TicketRef): Promise<TicketRecord | undefined> {
    const ticket = this.state.tickets.get(ticketKey(ref));
    return ticket && copy(ticket);
  }

  async setLinkEntry(
    ref: TicketRef,
    from: TicketRecord['linkEntry'][],
    to: TicketRecord['linkEntry'],
  ): Promise<boolean> {
    const ticket = this.state.tickets.get(ticketKey(ref));
    if (!ticket || !from.includes(ticket.linkEntry)) return false;
    ticket.linkEntry = to;
    return true;
  }
}

class MemoryConnections implements Connections {
  constructor(private readonly state: MemoryState) {}

  async getConnection(connectionId: string): Promise<Connection | undefined> {
    const connection = this.state.connections.get(connectionId);
    return connection && copy(connection);
  }

  async putConnection(connection: Connection): Promise<void> {
    this.state.connections.set(connection.connectionId, copy(connection));
  }
}

class MemoryLinkTokens implements LinkTokens {
  constructor(private readonly state: MemoryState) {}

  async saveLinkToken(tokenHash: string, verificationId: string, expiresAt: string): Promise<void> {
    // A token hash is written once (the DynamoDB put is conditioned on it being new).
    if (this.find(tokenHash)) throw new Error('A link token with this hash exists already');
    this.state.linkTokens.set(tokenHash, { verificationId, expiresAt });
  }

  async findLinkToken(tokenHash: string): Promise<{ verificationId: string; expiresAt: string } | undefined> {
    const link = this.find(tokenHash);
    return link && copy(link);
  }

  /** The token, unless TTL would have removed it (a day past its expiry). */
  private find(tokenHash: string) {
    const link = this.state.linkTokens.get(tokenHash);
    if (!link) return undefined;
    const removedAt = Math.floor(Date.parse(link.expiresAt) / 1000) + LINK_TOKEN_GRACE_SECONDS;
    return removedAt > epochSeconds(this.state) ? link : undefined;
  }
}

class MemoryAbuseCounters implements AbuseCounters {
  constructor(private readonly state: MemoryState) {}

  async countAttempt(key: string, windowSeconds: number): Promise<number> {
    const now = epochSeconds(this.state);
    const windowStart = now - (now % windowSeconds);
    const id = `${key}#${windowStart}`;
    const counter = this.state.attempts.get(id) ?? {
      attempts: 0,
      expiresAtEpoch: windowStart + 2 * windowSeconds,
    };
    counter.attempts += 1;
    this.state.attempts.set(id, counter);
    return counter.attempts;
  }

  async claimDelivery(signatureHash: string, ttlSeconds: number): Promise<boolean> {
    const now = epochSeconds(this.state);
    const claimed = this.state.deliveries.get(signatureHash);
    // An expired claim that TTL has not swept yet does not count.
    if (claimed !== undefined && claimed >= now) return false;
    this.state.deliveries.set(signatureHash, now + ttlSeconds);
    return true;
  }

  async releaseDelivery(signatureHash: string): Promise<void> {
    this.state.deliveries.delete(signatureHash);
  }
}

class MemoryPeople implements People {
  constructor(private readonly state: MemoryState) {}

  async isKnownDevice(userId: string, deviceHmac: string): Promise<boolean> {
    const expires = this.state.knownDevices.get(`${userId}#${deviceHmac}`);
    return expires !== undefined && expires > this.state.now().getTime() / 1000;
  }

  async rememberDevice(userId: string, deviceHmac: string): Promise<void> {
    this.state.knownDevices.set(
      `${userId}#${deviceHmac}`,
      epochSeconds(this.state) + KNOWN_DEVICE_DAYS * 86_400,
    );
  }

  async forgetDevice(userId: string, deviceHmac: string): Promise<void> {
    this.state.knownDevices.delete(`${userId}#${deviceHmac}`);
  }

  async lastSighting(userId: string): Promise<{ country?: string; at: string } | undefined> {
    const sighting = this.state.sightings.get(userId);
    return sighting ? { country: sighting.country, at: sighting.at } : undefined;
  }

  async recordSighting(userId: string, sighting: { country?: string; at: string }): Promise<void> {
    this.state.sightings.set(userId, {
      ...sighting,
      expiresAtEpoch: epochSeconds(this.state) + SIGHTING_DAYS * 86_400,
    });
  }
}

class MemoryTorExits implements TorExits {
  constructor(private readonly state: MemoryState) {}

  async putTorExits(list: TorExitList): Promise<void> {
    this.state.torExits = copy(list);
  }

  async getTorExits(): Promise<TorExitList | undefined> {
    return this.state.torExits && copy(this.state.torExits);
  }
}

class MemoryAuditLog implements AuditLog {
  constructor(private readonly state: MemoryState) {}

  async appendAudit(event: AuditEvent): Promise<void> {
    appendAudit(this.state, event);
  }

  /** A verification's events in time order (the DynamoDB sort key starts with the time). */
  async listAudit(verificationId: string): Promise<AuditEvent[]> {
    return sortByTime(this.state.audit.filter((e) => e.verificationId === verificationId));
  }

  /** Every event, also those of tickets and the system (a test's view of the whole trail). */
  all(): StoredAuditEvent[] {
    return sortByTime(this.state.audit);
  }
}

const sortByTime = (events: StoredAuditEvent[]) => events.map(copy).sort((a, b) => a.at.localeCompare(b.at));

/** The in-memory repositories, with the concrete classes so a test can reach their extras. */
export interface MemoryRepositories extends Repositories {
  verifications: MemoryVerifications;
  audit: MemoryAuditLog;
  /** The shared state, for the console's read side over the same records. */
  state: MemoryState;
}

/** Every table port over one shared in-memory state; `now` is the clock for expiries and windows. */
export function memoryRepositories(options: { now?: () => Date } = {}): MemoryRepositories {
  const state = memoryState(options.now);
  return {
    state,
    verifications: new MemoryVerifications(state),
    tickets: new MemoryTicketRecords(state),
    connections: new MemoryConnections(state),
    linkTokens: new MemoryLinkTokens(state),
    counters: new MemoryAbuseCounters(state),
    people: new MemoryPeople(state),
    torExits: new MemoryTorExits(state),
    audit: new MemoryAuditLog(state),
  };
}
