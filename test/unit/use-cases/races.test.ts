/**
 * The races, started together with Promise.all. The in-memory repositories interleave use cases at
 * every await, as concurrent Lambdas interleave at every request; a head start of N turns of the
 * event loop for one side moves the point where they cross, so each race is run at several and
 * both sides are seen to win.
 */
import { describe, expect, it } from 'vitest';
import { memoryContext } from '../../../shared/adapters/memory/context.js';
import { StateConflict, TicketSystemRetryableError } from '../../../shared/domain/errors.js';
import { cancelVerification } from '../../../shared/use-cases/console/send.js';
import { recordEvent } from '../../../shared/use-cases/lifecycle/record-event.js';
import { retryWriteBack } from '../../../shared/use-cases/lifecycle/retry-write-back.js';
import { writeToTicket } from '../../../shared/use-cases/lifecycle/ticket-write.js';
import { answerQuestion } from '../../../shared/use-cases/portal/answer.js';
import { completeVerification } from '../../../shared/use-cases/portal/complete.js';
import { sendVerification } from '../../../shared/use-cases/send-verification.js';
import { actions, alice, answerAll, opened, ticketOf } from './journey.js';

const HEAD_STARTS = [0, 2, 5, 10, 20, 40, 80, 160];

/** Runs `task` after `turns` turns of the microtask queue. */
async function after<T>(turns: number, task: () => Promise<T>): Promise<T> {
  for (let i = 0; i < turns; i += 1) await Promise.resolve();
  return task();
}

const OUTCOMES = ['verification.passed', 'verification.cancelled', 'verification.timed_out'];

async function answeredAll() {
  const ctx = memoryContext();
  const journey = await opened(ctx);
  await answerAll(ctx, journey.sessionToken, 'right');
  await ctx.verifications.storeTaskToken(journey.verificationId, 'completion', 'completion-token');
  return { ctx, ...journey };
}

describe('complete versus cancel', () => {
  it('exactly one wins; the store, the audit trail and the one callback agree; the loser gets a 409', async () => {
    const winners = new Set<string>();
    for (const turns of HEAD_STARTS) {
      const { ctx, verificationId, sessionToken } = await answeredAll();

      const [complete, cancel] = await Promise.allSettled([
        completeVerification(ctx, sessionToken),
        after(turns, () => cancelVerification(ctx, verificationId, alice, 'caller hung up')),
      ]);

      const v = await ctx.verifications.getVerification(verificationId);
      const won = complete.status === 'fulfilled' ? 'passed' : 'cancelled';
      winners.add(won);
      expect([complete.status, cancel.status].sort()).toEqual(['fulfilled', 'rejected']);
      const loser =
        complete.status === 'rejected' ? complete.reason : (cancel as PromiseRejectedResult).reason;
      expect(loser).toBeInstanceOf(StateConflict);
      expect(['VERIFICATION_ALREADY_COMPLETED', 'VERIFICATION_NOT_OPEN']).toContain(loser.code);
      expect(v?.status).toBe(won);
      expect((await actions(ctx, verificationId)).filter((a) => OUTCOMES.includes(a))).toEqual([
        `verification.${won}`,
      ]);
      expect(ctx.workflow.callbacks).toEqual([
        { token: 'completion-token', output: expect.objectContaining({ status: won }) },
      ]);
      const transcript = await ctx.verifications.getTranscript(verificationId);
      expect(transcript?.length).toBe(won === 'passed' ? 5 : undefined);
    }
    expect(winners).toEqual(new Set(['passed', 'cancelled']));
  });
});

describe('complete versus timeout', () => {
  it('exactly one outcome is stored, and the timeout task always answers what is stored', async () => {
    const winners = new Set<string>();
    for (const turns of HEAD_STARTS) {
      const { ctx, verificationId, sessionToken } = await answeredAll();

      const [complete, timeout] = await Promise.allSettled([
        completeVerification(ctx, sessionToken),
        after(turns, () => recordEvent(ctx, { verificationId, event: 'timed_out' })),
      ]);

      const v = await ctx.verifications.getVerification(verificationId);
      const won = v?.status ?? 'missing';
      winners.add(won);
      expect(['passed', 'timed_out']).toContain(won);
      // The timeout task never fails: it keeps a completion that came first.
      expect(timeout).toMatchObject({ status: 'fulfilled', value: { status: won } });
      if (won === 'passed')
        expect(complete).toMatchObject({ status: 'fulfilled', value: { outcome: 'passed' } });
      else
        expect(complete).toMatchObject({
          status: 'rejected',
          reason: { name: expect.stringMatching(/AlreadyCompleted|Expired/) },
        });
      expect((await actions(ctx, verificationId)).filter((a) => OUTCOMES.includes(a))).toEqual([
        `verification.${won}`,
      ]);
      expect(ctx.workflow.callbacks.length).toBe(won === 'passed' ? 1 : 0);
    }
    expect(winners).toEqual(new Set(['passed', 'timed_out']));
  });
});

describe('double submissions', () => {
  it('two completions at once: one outcome, the other AlreadyCompleted', async () => {
    const { ctx, verificationId, sessionToken } = await answeredAll();

    const results = await Promise.allSettled([
      completeVerification(ctx, sessionToken),
      completeVerification(ctx, sessionToken),
    ]);

    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({
      reason: { code: 'VERIFICATION_ALREADY_COMPLETED' },
    });
    expect((await actions(ctx, verificationId)).filter((a) => a === 'verification.passed')).toHaveLength(1);
    expect(ctx.workflow.callbacks).toHaveLength(1);
  });

  it('the same answer twice at once: recorded once', async () => {
    const ctx = memoryContext();
    const { verificationId, sessionToken } = await opened(ctx);
    const [first] = (await ctx.verifications.getVerification(verificationId))?.questions ?? [];

    const results = await Promise.allSettled([
      answerQuestion(ctx, sessionToken, { questionId: first?.id ?? '', skipped: true }),
      answerQuestion(ctx, sessionToken, { questionId: first?.id ?? '', skipped: true }),
    ]);

    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({
      reason: { code: 'ANSWER_ALREADY_RECORDED' },
    });
    expect((await ctx.verifications.getVerification(verificationId))?.answers).toHaveLength(1);
  });

  it('two sends for one ticket at once: one verification, the other VERIFICATION_IN_PROGRESS', async () => {
    const ctx = memoryContext();
    const ticket = await ticketOf(ctx);
    const send = () =>
      sendVerification(ctx, 'alice', {
        connectionId: 'local-desk',
        ticketId: ticket.ticketId,
        channel: 'email',
      });

    const results = await Promise.allSettled([send(), send()]);

    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({
      reason: { code: 'VERIFICATION_IN_PROGRESS' },
    });
    const stored = await ctx.verifications.listVerificationsByTicket(ticket);
    expect(stored).toHaveLength(1);
    expect((await ctx.tickets.getTicket(ticket))?.lastVerificationId).toBe(stored[0]?.verificationId);
    expect(ctx.workflow.started).toHaveLength(1);
  });

  it('ten write-back retries at once write the outcome note once; the others get a clear 409', async () => {
    const { ctx, verificationId, ticket, sessionToken } = await answeredAll();
    await completeVerification(ctx, sessionToken);
    ctx.ticketSystems.of('local-desk').failNext('addNote', new TicketSystemRetryableError('ITSM down'));
    await expect(writeToTicket(ctx, { verificationId, write: 'outcome' })).rejects.toThrow('ITSM down');
    await ctx.verifications.setWriteBack(verificationId, 'failed', { lastError: 'ITSM down' });

    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => retryWriteBack(ctx, verificationId, 'alice')),
    );

    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((r) => r.status === 'rejected'))
      expect(['WRITE_BACK_IN_PROGRESS', 'WRITE_BACK_ALREADY_DONE', 'WRITE_BACK_NOT_FAILED']).toContain(
        (r as PromiseRejectedResult).reason.code,
      );
    const outcomeNotes = ctx.ticketSystems
      .of('local-desk')
      .notesOf(ticket.ticketId)
      .filter((n) => n.text.includes('identity verification Passed'));
    expect(outcomeNotes).toHaveLength(1);
    expect((await ctx.verifications.getVerification(verificationId))?.writeBack.state).toBe('done');
  });
});
