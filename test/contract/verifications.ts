/** The Verifications port's observable rules: creation under the ticket lock, and the status table. */
import { describe, expect, it } from 'vitest';
import { AlreadyCompleted, InvalidTransition, NotFound, StateConflict } from '../../shared/domain/errors.js';
import type { TranscriptEntry } from '../../shared/domain/model/question.js';
import {
  auditEvent,
  type ContractContext,
  newVerification,
  openedVerification,
  passedVerification,
  race,
  sentVerification,
  ticketRecord,
  unique,
} from './fixtures.js';

export function verificationsContract(c: ContractContext) {
  const actions = async (id: string) => (await c.r.audit.listAudit(id)).map((e) => e.action);

  describe('createVerification and getVerification', () => {
    it('stores the verification with its audit event and makes it the ticket latest', async () => {
      const v = await sentVerification(c);
      expect(await c.r.verifications.getVerification(v.verificationId)).toMatchObject(v);
      expect(await actions(v.verificationId)).toEqual(['verification.sent']);
      expect((await c.r.tickets.getTicket(v.ticket))?.lastVerificationId).toBe(v.verificationId);
    });

    it('answers undefined for an unknown verification', async () => {
      expect(await c.r.verifications.getVerification(unique('missing'))).toBeUndefined();
    });

    it('refuses a verification for a ticket with no record (StateConflict), writing nothing', async () => {
      const v = newVerification(c.clock, ticketRecord(c.clock));
      const sent = auditEvent(c.clock, 'verification.sent', v.verificationId);
      await expect(c.r.verifications.createVerification(v, sent, undefined)).rejects.toBeInstanceOf(
        StateConflict,
      );
      expect(await c.r.verifications.getVerification(v.verificationId)).toBeUndefined();
      expect(await c.r.audit.listAudit(v.verificationId)).toEqual([]);
    });

    it('lets exactly one of two concurrent sends for one ticket win; the other is a StateConflict', async () => {
      const ticket = ticketRecord(c.clock);
      await c.r.tickets.createTicket(ticket);
      const a = newVerification(c.clock, ticket, { verificationId: unique('va') });
      const b = newVerification(c.clock, ticket, { verificationId: unique('vb') });
      const { won, errors } = await race(
        [a, b].map((v) =>
          c.r.verifications.createVerification(
            v,
            auditEvent(c.clock, 'verification.sent', v.verificationId),
            undefined,
          ),
        ),
      );
      expect(won).toHaveLength(1);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toBeInstanceOf(StateConflict);
      const latest = (await c.r.tickets.getTicket(ticket))?.lastVerificationId;
      const loser = latest === a.verificationId ? b : a;
      expect([a.verificationId, b.verificationId]).toContain(latest);
      expect(await c.r.verifications.getVerification(loser.verificationId)).toBeUndefined();
      expect(await c.r.audit.listAudit(loser.verificationId)).toEqual([]);
    });

    it('takes over the ticket only from the latest verification the sender saw', async () => {
      const first = await sentVerification(c);
      const ticket = (await c.r.tickets.getTicket(first.ticket)) ?? ticketRecord(c.clock);
      const stale = newVerification(c.clock, ticket, { verificationId: unique('stale') });
      const staleAudit = auditEvent(c.clock, 'verification.sent', stale.verificationId);
      await expect(
        c.r.verifications.createVerification(stale, staleAudit, unique('other')),
      ).rejects.toBeInstanceOf(StateConflict);
      await expect(c.r.verifications.createVerification(stale, staleAudit, undefined)).rejects.toBeInstanceOf(
        StateConflict,
      );
      const next = newVerification(c.clock, ticket, { verificationId: unique('next') });
      await c.r.verifications.createVerification(
        next,
        auditEvent(c.clock, 'verification.sent', next.verificationId),
        first.verificationId,
      );
      expect((await c.r.tickets.getTicket(first.ticket))?.lastVerificationId).toBe(next.verificationId);
    });
  });

  describe('listVerificationsByTicket and listVerificationsSince', () => {
    it('lists a ticket verifications newest first, and no other ticket', async () => {
      const first = await sentVerification(c);
      const ticket = (await c.r.tickets.getTicket(first.ticket)) ?? ticketRecord(c.clock);
      c.clock.advance(60_000);
      const second = newVerification(c.clock, ticket, { verificationId: unique('second') });
      await c.r.verifications.createVerification(
        second,
        auditEvent(c.clock, 'verification.sent', second.verificationId),
        first.verificationId,
      );
      await sentVerification(c);
      const listed = await c.r.verifications.listVerificationsByTicket(first.ticket);
      expect(listed.map((v) => v.verificationId)).toEqual([second.verificationId, first.verificationId]);
      expect(
        await c.r.verifications.listVerificationsByTicket({ ...first.ticket, ticketId: unique('none') }),
      ).toEqual([]);
    });

    it('lists the verifications created since a time, newest first, across months', async () => {
      c.clock.set('2026-01-20T09:00:00.000Z');
      const january = await sentVerification(c);
      c.clock.set('2026-02-10T09:00:00.000Z');
      const february = await sentVerification(c);
      c.clock.set('2026-03-05T09:00:00.000Z');
      const march = await sentVerification(c);
      c.clock.set('2026-03-15T12:00:00.000Z');
      const mine = new Set([january, february, march].map((v) => v.verificationId));
      const since = await c.r.verifications.listVerificationsSince(new Date('2026-02-01T00:00:00.000Z'));
      expect(since.filter((v) => mine.has(v.verificationId)).map((v) => v.verificationId)).toEqual([
        march.verificationId,
        february.verificationId,
      ]);
    });
  });

  describe('transition', () => {
    it('moves the status, applies the patch, stamps updatedAt and records the audit event', async () => {
      const v = await sentVerification(c);
      c.clock.advance(5_000);
      const opened = await c.r.verifications.transition(
        v.verificationId,
        'in_progress',
        { openedAt: c.clock.iso(), answers: [] },
        auditEvent(c.clock, 'verification.opened', v.verificationId),
      );
      expect(opened).toMatchObject({
        status: 'in_progress',
        openedAt: c.clock.iso(),
        updatedAt: c.clock.iso(),
      });
      expect(await c.r.verifications.getVerification(v.verificationId)).toMatchObject({
        status: 'in_progress',
        openedAt: c.clock.iso(),
        answers: [],
      });
      expect(await actions(v.verificationId)).toEqual(['verification.sent', 'verification.opened']);
    });

    it('refuses a move the table does not allow (InvalidTransition), changing and recording nothing', async () => {
      const v = await sentVerification(c);
      const refused = c.r.verifications.transition(
        v.verificationId,
        'passed',
        {},
        auditEvent(c.clock, 'verification.passed', v.verificationId),
      );
      await expect(refused).rejects.toBeInstanceOf(InvalidTransition);
      await expect(refused).rejects.not.toBeInstanceOf(AlreadyCompleted);
      expect((await c.r.verifications.getVerification(v.verificationId))?.status).toBe('sent');
      expect(await actions(v.verificationId)).toEqual(['verification.sent']);
    });

    it('refuses any move of a finished verification (AlreadyCompleted)', async () => {
      const v = await passedVerification(c);
      await expect(
        c.r.verifications.transition(
          v.verificationId,
          'cancelled',
          {},
          auditEvent(c.clock, 'x', v.verificationId),
        ),
      ).rejects.toBeInstanceOf(AlreadyCompleted);
      expect((await c.r.verifications.getVerification(v.verificationId))?.status).toBe('passed');
    });

    it('answers NotFound for an unknown verification', async () => {
      await expect(
        c.r.verifications.transition(unique('missing'), 'cancelled', {}, auditEvent(c.clock, 'x')),
      ).rejects.toBeInstanceOf(NotFound);
    });

    it('lets exactly one of two concurrent moves win; the other finds it completed', async () => {
      const v = await openedVerification(c);
      const { won, errors } = await race(
        (['passed', 'cancelled'] as const).map((to) =>
          c.r.verifications.transition(
            v.verificationId,
            to,
            {},
            auditEvent(c.clock, `verification.${to}`, v.verificationId),
          ),
        ),
      );
      expect(won).toHaveLength(1);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toBeInstanceOf(AlreadyCompleted);
      expect((await c.r.verifications.getVerification(v.verificationId))?.status).toBe(won[0]?.status);
      expect(await actions(v.verificationId)).toHaveLength(3);
    });

    it('keeps the transcript apart from the verification', async () => {
      const v = await openedVerification(c);
      const transcript: TranscriptEntry[] = [
        {
          questionId: 'q1',
          kind: 'choice',
          prompt: 'Who?',
          options: ['A', 'B'],
          response: 'A',
          redacted: false,
          grade: 'correct',
        },
      ];
      expect(await c.r.verifications.getTranscript(v.verificationId)).toBeUndefined();
      await c.r.verifications.transition(
        v.verificationId,
        'passed',
        { transcript, completedAt: c.clock.iso() },
        auditEvent(c.clock, 'verification.passed', v.verificationId),
      );
      expect(await c.r.verifications.getTranscript(v.verificationId)).toEqual(transcript);
      expect(await c.r.verifications.getVerification(v.verificationId)).not.toHaveProperty('transcript');
    });
  });
}
