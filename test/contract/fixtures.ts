/** What the repositories contract builds on: a clock the test moves, and records unique per test. */
import { ulid } from 'ulid';
import type { AuditEvent } from '../../shared/domain/model/audit-event.js';
import type { TicketRecord } from '../../shared/domain/model/ticket.js';
import type { Verification } from '../../shared/domain/model/verification.js';
import type { Repositories } from '../../shared/ports/context.js';

/** Mid-month, on a whole minute: attempt windows of 60 s start here. */
const START = '2026-03-15T12:00:00.000Z';

export class TestClock {
  private at = Date.parse(START);
  readonly now = (): Date => new Date(this.at);
  set(iso: string): void {
    this.at = Date.parse(iso);
  }
  advance(ms: number): void {
    this.at += ms;
  }
  iso(): string {
    return this.now().toISOString();
  }
}

/** What each contract test is handed: the repositories under test and their clock (fresh per test). */
export interface ContractContext {
  readonly r: Repositories;
  readonly clock: TestClock;
}

export const unique = (prefix: string) => `${prefix}-${ulid().toLowerCase()}`;

export function ticketRecord(clock: TestClock, overrides: Partial<TicketRecord> = {}): TicketRecord {
  return {
    connectionId: 'contract-desk',
    ticketId: unique('tk'),
    ticketNumber: 'INC0020001',
    category: 'password_reset',
    requesterEmail: 'zoe.martin@example.com',
    createdAt: clock.iso(),
    linkEntry: 'writing',
    ...overrides,
  };
}

export function newVerification(
  clock: TestClock,
  ticket: TicketRecord,
  overrides: Partial<Verification> = {},
): Verification {
  const now = clock.now();
  return {
    verificationId: ulid(now.getTime()),
    ticket: { connectionId: ticket.connectionId, ticketId: ticket.ticketId },
    ticketNumber: ticket.ticketNumber,
    category: ticket.category,
    requesterId: 'u001',
    requesterName: 'Zoë Martín',
    channel: 'email',
    destination: 'zoe.martin@example.com',
    destinationMasked: 'z***@example.com',
    destinationIsContactOnRecord: true,
    requestedAction: 'password_reset',
    agent: 'alice',
    status: 'sent',
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    linkExpiresAt: new Date(now.getTime() + 900_000).toISOString(),
    writeBack: { state: 'pending' },
    action: { state: 'none' },
    expiresAtEpoch: Math.floor(now.getTime() / 1000) + 365 * 86_400,
    ...overrides,
  };
}

export function auditEvent(clock: TestClock, action: string, verificationId?: string): AuditEvent {
  return { verificationId, actor: 'contract', action, at: clock.iso() };
}

/** A ticket and its first verification, as intake and the send use case leave them. */
export async function sentVerification(
  c: ContractContext,
  overrides: Partial<Verification> = {},
): Promise<Verification> {
  const ticket = ticketRecord(c.clock);
  await c.r.tickets.createTicket(ticket);
  const v = newVerification(c.clock, ticket, overrides);
  await c.r.verifications.createVerification(
    v,
    auditEvent(c.clock, 'verification.sent', v.verificationId),
    undefined,
  );
  return v;
}

/** A verification the requester opened: in progress, its answer list started. */
export async function openedVerification(
  c: ContractContext,
  overrides: Partial<Verification> = {},
): Promise<Verification> {
  const v = await sentVerification(c, overrides);
  return c.r.verifications.transition(
    v.verificationId,
    'in_progress',
    { questions: [], answers: [], openedAt: c.clock.iso() },
    auditEvent(c.clock, 'verification.opened', v.verificationId),
  );
}

export async function passedVerification(c: ContractContext, overrides: Partial<Verification> = {}) {
  const v = await openedVerification(c, overrides);
  return c.r.verifications.transition(
    v.verificationId,
    'passed',
    { completedAt: c.clock.iso() },
    auditEvent(c.clock, 'verification.passed', v.verificationId),
  );
}

/** Of a set of concurrent attempts: how many succeeded, and what the others threw. */
export async function race<T>(attempts: Promise<T>[]) {
  const settled = await Promise.allSettled(attempts);
  return {
    won: settled.filter((s) => s.status === 'fulfilled').map((s) => (s as PromiseFulfilledResult<T>).value),
    errors: settled.filter((s) => s.status === 'rejected').map((s) => (s as PromiseRejectedResult).reason),
  };
}
