/**
 * The outside systems in memory: ticket systems, messenger, workflow, secrets, IP data and the
 * clock (the directory is in directory.ts). Each records what it was asked (for a test's assertions) and can be told to fail
 * its next calls with the error the real adapter throws.
 */
import { TicketSystemPermanentError } from '../../domain/errors.js';
import type { Connection } from '../../domain/model/connection.js';
import type { RecentTicket, Ticket, TicketNote } from '../../domain/model/ticket.js';
import type { Clock } from '../../ports/clock.js';
import type { IpIntelligence } from '../../ports/ip-intelligence.js';
import type { Message, Messenger } from '../../ports/messenger.js';
import type { Secrets, SecretWriter } from '../../ports/secrets.js';
import type {
  RecentTicketsQuery,
  TicketSystem,
  TicketSystems,
  WriteOptions,
} from '../../ports/ticket-system.js';
import type { Workflow, WorkflowInput } from '../../ports/workflow.js';
import { Failures } from './failures.js';
import { copy } from './state.js';

/** A clock a test sets and moves; never reads the machine's time after it was made. */
export class SettableClock implements Clock {
  constructor(private current: Date = new Date('2026-12-01T10:00:00.000Z')) {}
  now(): Date {
    return new Date(this.current);
  }
  set(at: Date | string): void {
    this.current = new Date(at);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** One ticket system's tickets and everything written to them. */
export class MemoryTicketSystem extends Failures<keyof TicketSystem> implements TicketSystem {
  readonly tickets = new Map<string, Ticket>();
  readonly links = new Map<string, { url: string; note: TicketNote }>();
  readonly notes = new Map<string, TicketNote[]>();
  readonly resolutions = new Map<string, { closeCode: string; closeNotes: string }>();
  recent: RecentTicket[] = [];

  async getTicket(ticketId: string): Promise<Ticket> {
    this.takeFailure('getTicket');
    const ticket = this.tickets.get(ticketId);
    if (!ticket) throw new TicketSystemPermanentError(`Ticket ${ticketId} not found`, 404);
    return copy(ticket);
  }

  async addVerificationLink(ticketId: string, url: string, note: TicketNote): Promise<void> {
    this.takeFailure('addVerificationLink');
    this.links.set(ticketId, { url, note: copy(note) });
    this.noteOn(ticketId, note);
  }

  async addNote(ticketId: string, note: TicketNote, options: WriteOptions = {}): Promise<void> {
    this.takeFailure('addNote');
    // As the connectors do: after an attempt that may have landed, look for its marker first.
    if (options.mayExist && note.marker && this.notesOf(ticketId).some((n) => n.marker === note.marker))
      return;
    this.noteOn(ticketId, note);
  }

  async resolve(
    ticketId: string,
    closeCode: string,
    closeNotes: string,
    _options?: WriteOptions,
  ): Promise<void> {
    this.takeFailure('resolve');
    this.resolutions.set(ticketId, { closeCode, closeNotes });
  }

  async recentTickets(query: RecentTicketsQuery): Promise<RecentTicket[]> {
    this.takeFailure('recentTickets');
    const since = query.since.toISOString();
    return this.recent
      .filter((t) => t.openedAt >= since)
      .filter((t) => !query.requesterEmail || t.requester === query.requesterEmail)
      .filter((t) => !query.excludeRequesterEmail || t.requester !== query.excludeRequesterEmail)
      .sort((a, b) => b.openedAt.localeCompare(a.openedAt))
      .slice(0, query.limit)
      .map(copy);
  }

  notesOf(ticketId: string): TicketNote[] {
    return copy(this.notes.get(ticketId) ?? []);
  }

  private noteOn(ticketId: string, note: TicketNote) {
    this.notes.set(ticketId, [...(this.notes.get(ticketId) ?? []), copy(note)]);
  }
}

export class MemoryTicketSystems implements TicketSystems {
  private readonly systems = new Map<string, MemoryTicketSystem>();

  forConnection(connection: Connection): MemoryTicketSystem {
    return this.of(connection.connectionId);
  }

  /** The ticket system of a connection, made on first use. */
  of(connectionId: string): MemoryTicketSystem {
    let system = this.systems.get(connectionId);
    if (!system) {
      system = new MemoryTicketSystem();
      this.systems.set(connectionId, system);
    }
    return system;
  }
}

export class MemoryMessenger extends Failures<keyof Messenger> implements Messenger {
  readonly outbox: Message[] = [];

  async send(message: Message): Promise<void> {
    this.takeFailure('send');
    this.outbox.push(copy(message));
  }
}

/**
 * Executions started and callbacks sent. As with Step Functions, a token resumes its task once: a
 * later callback on it is accepted without effect (the adapter swallows TaskTimedOut) and kept in
 * `ignored`, so a race test can check that exactly one callback reached the task.
 */
export class MemoryWorkflow extends Failures<keyof Workflow> implements Workflow {
  readonly started: WorkflowInput[] = [];
  readonly callbacks: { token: string; output: unknown }[] = [];
  readonly ignored: { token: string; output: unknown }[] = [];

  async start(input: WorkflowInput): Promise<void> {
    this.takeFailure('start');
    // The execution is named after the verification: starting it twice is a no-op.
    if (!this.started.some((s) => s.verificationId === input.verificationId)) this.started.push(copy(input));
  }

  async sendTaskSuccess(token: string, output: Parameters<Workflow['sendTaskSuccess']>[1]): Promise<void> {
    this.takeFailure('sendTaskSuccess');
    const used = this.callbacks.some((c) => c.token === token);
    (used ? this.ignored : this.callbacks).push({ token, output: copy(output) });
  }
}

/** Secrets by name; writes land in the same map, so what the console stores can be read back. */
export class MemorySecrets implements Secrets, SecretWriter {
  readonly values: Map<string, string>;

  constructor(values: Record<string, string> = {}) {
    this.values = new Map(Object.entries(values));
  }

  async get(name: string): Promise<string> {
    const value = this.values.get(name);
    if (value === undefined) throw new Error(`Secret ${name} does not exist`);
    return value;
  }

  async put(name: string, value: string): Promise<void> {
    this.values.set(name, value);
  }
}

/** IP data by address; an unknown address has no country or network, as with the real data. */
export class MemoryIpIntelligence implements IpIntelligence {
  readonly addresses = new Map<string, { country?: string; asn?: number; asOrg?: string }>();
  constructor(private readonly ageDays = 1) {}

  lookup(ip: string) {
    return { ...this.addresses.get(ip) };
  }

  dataAgeDays(_now: Date): number {
    return this.ageDays;
  }
}
