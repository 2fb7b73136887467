import { describe, expect, it } from 'vitest';
import { AlreadyCompleted, InvalidTransition } from '../../../shared/domain/errors.js';
import {
  clientReportOutcome,
  isWaitingFor,
  leaseExpired,
  mayLeaveFeedback,
  mayMoveAction,
  mayRecordAnswer,
  mayReleaseLease,
  transitionRefusal,
  writeBackClaimOutcome,
} from '../../../shared/domain/model/lifecycle-rules.js';
import { attemptWindow, deliveryClaimHolds, stillKept } from '../../../shared/domain/model/limits.js';
import { mayMoveLinkEntry, ticketLockHolds } from '../../../shared/domain/model/ticket-rules.js';
import { verification } from '../fixtures.js';

const now = new Date('2026-03-15T12:00:00.000Z');

describe('lifecycle rules', () => {
  it('refuses a move from a finished status as AlreadyCompleted, any other as InvalidTransition', () => {
    expect(transitionRefusal('passed', 'cancelled')).toBeInstanceOf(AlreadyCompleted);
    const refused = transitionRefusal('sent', 'passed');
    expect(refused).toBeInstanceOf(InvalidTransition);
    expect(refused).not.toBeInstanceOf(AlreadyCompleted);
    expect(transitionRefusal(undefined, 'passed').message).toContain('unknown');
  });

  it('waits for each stage only while it is open', () => {
    expect(isWaitingFor(verification({ status: 'sent' }), 'open')).toBe(true);
    expect(isWaitingFor(verification({ status: 'in_progress' }), 'open')).toBe(false);
    expect(isWaitingFor(verification({ status: 'in_progress' }), 'completion')).toBe(true);
    expect(isWaitingFor(verification({ status: 'passed' }), 'completion')).toBe(false);
    expect(isWaitingFor(verification({ action: { state: 'running' } }), 'action')).toBe(true);
    expect(isWaitingFor(verification({ action: { state: 'done' } }), 'action')).toBe(false);
  });

  it('records an answer only at the next position while in progress with the list started', () => {
    const open = verification({ status: 'in_progress', answers: [] });
    expect(mayRecordAnswer(open, 0)).toBe(true);
    expect(mayRecordAnswer(open, 1)).toBe(false);
    expect(mayRecordAnswer(verification({ status: 'in_progress', answers: undefined }), 0)).toBe(false);
    expect(mayRecordAnswer(verification({ status: 'passed', answers: [] }), 0)).toBe(false);
  });

  it('keeps the first device report and flags another device', () => {
    expect(clientReportOutcome(undefined, { deviceHmac: 'a' })).toBe('first');
    expect(clientReportOutcome({ deviceHmac: 'a' }, { deviceHmac: 'a' })).toBe('same_device');
    expect(clientReportOutcome({ deviceHmac: 'a' }, { deviceHmac: 'b' })).toBe('second_device');
    expect(clientReportOutcome({ deviceHmac: 'a' }, {})).toBe('second_device');
  });

  it('takes feedback once and only after an outcome; moves the action only from the named states', () => {
    expect(mayLeaveFeedback(verification({ status: 'failed' }))).toBe(true);
    expect(mayLeaveFeedback(verification({ status: 'cancelled' }))).toBe(false);
    expect(mayLeaveFeedback(verification({ feedback: { difficulty: 'easy', at: now.toISOString() } }))).toBe(
      false,
    );
    expect(mayMoveAction(verification({ action: { state: 'pending' } }), ['pending', 'running'])).toBe(true);
    expect(mayMoveAction(verification({ action: { state: 'done' } }), ['pending'])).toBe(false);
  });

  it('lets one writer at a time claim a write, and only its owner release it', () => {
    const lease = { write: 'outcome' as const, owner: 'a', until: '2026-03-15T12:01:00.000Z' };
    expect(writeBackClaimOutcome({ state: 'pending' }, 'outcome', now)).toEqual({
      status: 'claimable',
      attemptedBefore: false,
    });
    expect(writeBackClaimOutcome({ state: 'pending', claim: lease }, 'outcome', now)).toEqual({
      status: 'in_progress',
    });
    const later = new Date('2026-03-15T12:01:00.001Z');
    expect(leaseExpired(lease, new Date(lease.until))).toBe(false);
    expect(
      writeBackClaimOutcome({ state: 'pending', claim: lease, attempted: ['outcome'] }, 'outcome', later),
    ).toEqual({
      status: 'claimable',
      attemptedBefore: true,
    });
    expect(
      writeBackClaimOutcome({ state: 'done', written: ['outcome'], claim: lease }, 'outcome', now),
    ).toEqual({
      status: 'written',
    });
    expect(mayReleaseLease({ state: 'pending', claim: lease }, 'a')).toBe(true);
    expect(mayReleaseLease({ state: 'pending', claim: lease }, 'b')).toBe(false);
  });
});

describe('ticket rules and limits', () => {
  it('holds the ticket lock only for the latest the sender saw, on an existing ticket', () => {
    expect(ticketLockHolds({}, undefined)).toBe(true);
    expect(ticketLockHolds({ lastVerificationId: 'v1' }, 'v1')).toBe(true);
    expect(ticketLockHolds({ lastVerificationId: 'v2' }, 'v1')).toBe(false);
    expect(ticketLockHolds({ lastVerificationId: 'v1' }, undefined)).toBe(false);
    expect(ticketLockHolds(undefined, undefined)).toBe(false);
    expect(mayMoveLinkEntry({ linkEntry: 'failed' }, ['failed'])).toBe(true);
    expect(mayMoveLinkEntry({ linkEntry: 'writing' }, ['failed'])).toBe(false);
  });

  it('counts in aligned windows and lets claims and remembered items run out', () => {
    expect(attemptWindow(new Date('2026-03-15T12:00:59.000Z'), 60)).toEqual({
      start: Date.parse('2026-03-15T12:00:00.000Z') / 1000,
      keepUntil: Date.parse('2026-03-15T12:02:00.000Z') / 1000,
    });
    const at = now.getTime() / 1000;
    expect(deliveryClaimHolds(at, now)).toBe(true);
    expect(deliveryClaimHolds(at - 1, now)).toBe(false);
    expect(stillKept(at + 1, now)).toBe(true);
    expect(stillKept(at, now)).toBe(false);
  });
});
