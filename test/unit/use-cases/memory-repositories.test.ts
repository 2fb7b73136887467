/** The in-memory repositories keep the DynamoDB repositories' rules: what the use-case tests rely on. */
import { beforeEach, describe, expect, it } from 'vitest';
import { memoryRepositories } from '../../../shared/adapters/memory/repositories.js';
import { AlreadyCompleted, InvalidTransition, NotFound } from '../../../shared/domain/errors.js';
import type { TicketRecord } from '../../../shared/domain/model/ticket.js';
import { verification } from '../fixtures.js';

const START = new Date('2026-12-01T10:00:00.000Z');
let now = START;
beforeEach(() => {
  now = START;
});
const repositories = () => memoryRepositories({ now: () => now });
const event = (action: string) => ({ verificationId: 'v1', actor: 'test', action, at: now.toISOString() });
const ticket: TicketRecord = {
  connectionId: 'local-desk',
  ticketId: 'tk-1001',
  ticketNumber: 'INC0010001',
  category: 'password_reset',
  requesterEmail: 'zoe.martin@example.com',
  createdAt: now.toISOString(),
  linkEntry: 'done',
};

async function stored(status: 'sent' | 'in_progress' = 'sent') {
  const repos = repositories();
  await repos.tickets.createTicket(ticket);
  await repos.verifications.createVerification(
    verification({
      verificationId: 'v1',
      status,
      assessment: undefined,
      completedAt: undefined,
      action: { state: 'none' },
    }),
    event('verification.sent'),
    undefined,
  );
  return repos;
}

describe('memory verifications', () => {
  it('hand out copies: changing what was read changes nothing stored', async () => {
    const repos = await stored();
    const read = await repos.verifications.getVerification('v1');
    if (read) read.status = 'passed';
    expect((await repos.verifications.getVerification('v1'))?.status).toBe('sent');
  });

  it('take the ticket lock once: a second create on the same previous id is refused', async () => {
    const repos = await stored();
    const next = verification({ verificationId: 'v2', status: 'sent' });

    await expect(
      repos.verifications.createVerification(next, event('verification.sent'), undefined),
    ).rejects.toMatchObject({
      code: 'VERIFICATION_IN_PROGRESS',
    });
    await repos.verifications.createVerification(next, event('verification.sent'), 'v1');
    await expect(
      repos.verifications.createVerification(
        { ...next, verificationId: 'v3' },
        event('verification.sent'),
        'v1',
      ),
    ).rejects.toMatchObject({ code: 'VERIFICATION_IN_PROGRESS' });
    expect((await repos.tickets.getTicket(ticket))?.lastVerificationId).toBe('v2');
  });

  it('change status only along the transition table, auditing each change with it', async () => {
    const repos = await stored();

    await expect(repos.verifications.transition('v1', 'passed', {}, event('x'))).rejects.toBeInstanceOf(
      InvalidTransition,
    );
    const moved = await repos.verifications.transition(
      'v1',
      'in_progress',
      { answers: [] },
      event('verification.opened'),
    );
    expect(moved).toMatchObject({ status: 'in_progress', answers: [], updatedAt: now.toISOString() });
    await repos.verifications.transition('v1', 'cancelled', {}, event('verification.cancelled'));
    await expect(repos.verifications.transition('v1', 'timed_out', {}, event('x'))).rejects.toBeInstanceOf(
      AlreadyCompleted,
    );
    await expect(repos.verifications.transition('nope', 'cancelled', {}, event('x'))).rejects.toBeInstanceOf(
      NotFound,
    );
    expect((await repos.audit.listAudit('v1')).map((e) => e.action)).toEqual([
      'verification.sent',
      'verification.opened',
      'verification.cancelled',
    ]);
  });

  it('store a task token only while its stage is open', async () => {
    const repos = await stored();

    expect(await repos.verifications.storeTaskToken('v1', 'open', 't-open')).toBe(true);
    expect(await repos.verifications.storeTaskToken('v1', 'action', 't-action')).toBe(false);
    await repos.verifications.transition('v1', 'in_progress', {}, event('x'));
    expect(await repos.verifications.storeTaskToken('v1', 'open', 't-open-2')).toBe(false);
    expect(await repos.verifications.storeTaskToken('v1', 'completion', 't-done')).toBe(true);
    expect((await repos.verifications.getVerification('v1'))?.taskTokens).toEqual({
      open: 't-open',
      completion: 't-done',
    });
  });

  it('lease one ticket write at a time, take over an expired lease, and remember earlier attempts', async () => {
    const repos = await stored();

    expect(await repos.verifications.claimWriteBack('v1', 'outcome', 'a', 90)).toEqual({
      status: 'claimed',
      attemptedBefore: false,
    });
    expect(await repos.verifications.claimWriteBack('v1', 'outcome', 'b', 90)).toEqual({
      status: 'in_progress',
    });
    await repos.verifications.releaseWriteBack('v1', 'b');
    expect(await repos.verifications.claimWriteBack('v1', 'outcome', 'b', 90)).toEqual({
      status: 'in_progress',
    });
    now = new Date(now.getTime() + 91_000);
    expect(await repos.verifications.claimWriteBack('v1', 'outcome', 'b', 90)).toEqual({
      status: 'claimed',
      attemptedBefore: true,
    });
    await repos.verifications.setWriteBack('v1', 'done', { written: 'outcome' });
    await repos.verifications.releaseWriteBack('v1', 'b');
    expect(await repos.verifications.claimWriteBack('v1', 'outcome', 'c', 90)).toEqual({ status: 'written' });
  });
});

describe('memory counters and link tokens', () => {
  it('count attempts per window and refuse a live delivery claim, not an expired one', async () => {
    const repos = repositories();

    expect([
      await repos.counters.countAttempt('k', 900),
      await repos.counters.countAttempt('k', 900),
    ]).toEqual([1, 2]);
    expect(await repos.counters.claimDelivery('sig', 600)).toBe(true);
    expect(await repos.counters.claimDelivery('sig', 600)).toBe(false);
    now = new Date(now.getTime() + 901_000);
    expect(await repos.counters.countAttempt('k', 900)).toBe(1);
    expect(await repos.counters.claimDelivery('sig', 600)).toBe(true);
  });

  it('keep a link token a day past its expiry, then forget it', async () => {
    const repos = repositories();
    await repos.linkTokens.saveLinkToken('h', 'v1', '2026-12-01T10:15:00.000Z');

    now = new Date('2026-12-02T10:14:00.000Z');
    expect(await repos.linkTokens.findLinkToken('h')).toEqual({
      verificationId: 'v1',
      expiresAt: '2026-12-01T10:15:00.000Z',
    });
    now = new Date('2026-12-02T10:16:00.000Z');
    expect(await repos.linkTokens.findLinkToken('h')).toBeUndefined();
  });
});
