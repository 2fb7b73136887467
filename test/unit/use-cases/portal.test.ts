import { describe, expect, it } from 'vitest';
import { memoryContext } from '../../../shared/adapters/memory/context.js';
import {
  AlreadyCompleted,
  Expired,
  NotFound,
  StateConflict,
  Unauthenticated,
} from '../../../shared/domain/errors.js';
import { completeVerification } from '../../../shared/use-cases/portal/complete.js';
import { openPortalSession } from '../../../shared/use-cases/portal/open.js';
import { actions, answerAll, opened, SOURCE_IP, sent } from './journey.js';

describe('the portal path on the in-memory context', () => {
  it('opens the link, freezes the questions and goes in progress', async () => {
    // Arrange
    const ctx = memoryContext();
    const { verificationId, linkToken } = await sent(ctx);

    // Act
    const session = await openPortalSession(ctx, linkToken, SOURCE_IP);

    // Assert
    expect(session).toMatchObject({ verificationId, status: 'in_progress', origin: 'agent', minAnswered: 3 });
    expect(session.questionCount).toBe(5);
    const v = await ctx.verifications.getVerification(verificationId);
    expect(v?.status).toBe('in_progress');
    expect(v?.openedAt).toBe(ctx.clock.now().toISOString());
    expect(v?.questions).toHaveLength(5);
    expect(await actions(ctx, verificationId)).toEqual([
      'verification.sent',
      'link.delivered',
      'verification.opened',
    ]);
  });

  it('a second open keeps the frozen questions', async () => {
    const ctx = memoryContext();
    const { verificationId, linkToken } = await opened(ctx);
    const before = (await ctx.verifications.getVerification(verificationId))?.questions;

    const again = await openPortalSession(ctx, linkToken, SOURCE_IP);

    expect(again.status).toBe('in_progress');
    expect((await ctx.verifications.getVerification(verificationId))?.questions).toEqual(before);
    expect((await actions(ctx, verificationId)).filter((a) => a === 'verification.opened')).toHaveLength(1);
  });

  it('passes on right answers: graded, scored verified, transcript kept, device credential issued', async () => {
    const ctx = memoryContext();
    const { verificationId, sessionToken } = await opened(ctx);

    const last = await answerAll(ctx, sessionToken, 'right');
    const done = await completeVerification(ctx, sessionToken);

    expect(last).toEqual({ done: true, total: 5, answered: 5 });
    expect(done).toEqual({
      verificationId,
      outcome: 'passed',
      nextAction: 'password_reset',
      deviceCredential: expect.any(String),
    });
    const v = await ctx.verifications.getVerification(verificationId);
    expect(v?.status).toBe('passed');
    expect(v?.assessment).toMatchObject({ riskLevel: 'verified', answered: 5, correct: 5 });
    expect(v?.action.state).toBe('pending');
    expect(v?.answers?.every((a) => a.grade === 'correct' && a.elapsedMs === 6_000)).toBe(true);
    const transcript = await ctx.verifications.getTranscript(verificationId);
    expect(transcript?.map((t) => t.grade)).toEqual(['correct', 'correct', 'correct', 'correct', 'correct']);
    expect(await actions(ctx, verificationId)).toEqual([
      'verification.sent',
      'link.delivered',
      'verification.opened',
      'verification.passed',
      'device.credential_issued',
    ]);
  });

  it('never passes an MFA-reset ticket on right answers alone: a strong proof is missing, so it steps up, no action offered', async () => {
    const ctx = memoryContext();
    const { verificationId, sessionToken } = await opened(ctx, { category: 'mfa_reset' });

    await answerAll(ctx, sessionToken, 'right');
    const done = await completeVerification(ctx, sessionToken);

    expect(done).toMatchObject({ outcome: 'step_up', nextAction: undefined, deviceCredential: undefined });
    const v = await ctx.verifications.getVerification(verificationId);
    expect(v?.status).toBe('step_up');
    expect(v?.assessment?.riskLevel).toBe('medium');
    expect(v?.assessment?.reasons.map((r) => r.code)).toContain('STRONG_PROOF_MISSING');
    expect(v?.assessment?.assurance).toMatchObject({ tier: 'standard', action: 'mfa_reset', missing: 1 });
    expect(v?.action.state).toBe('none');
  });

  it('fails on wrong answers, with no action offered', async () => {
    const ctx = memoryContext();
    const { verificationId, sessionToken } = await opened(ctx);

    await answerAll(ctx, sessionToken, 'wrong');
    const done = await completeVerification(ctx, sessionToken);

    expect(done).toEqual({
      verificationId,
      outcome: 'failed',
      nextAction: undefined,
      deviceCredential: undefined,
    });
    const v = await ctx.verifications.getVerification(verificationId);
    expect(v?.status).toBe('failed');
    expect(v?.assessment?.correct).toBe(0);
    expect(v?.assessment?.riskLevel).toBe('high');
    expect(v?.action.state).toBe('none');
  });

  it('records Not Enough Questions when the requester skips every question', async () => {
    const ctx = memoryContext();
    const { verificationId, sessionToken } = await opened(ctx);

    await answerAll(ctx, sessionToken, 'skip');
    const done = await completeVerification(ctx, sessionToken);

    expect(done.outcome).toBe('not_enough_questions');
    const v = await ctx.verifications.getVerification(verificationId);
    expect(v?.status).toBe('not_enough_questions');
    expect(v?.assessment?.answered).toBe(0);
    expect(await actions(ctx, verificationId)).toContain('verification.not_enough_questions');
  });

  it('answers a second completion with AlreadyCompleted and changes nothing', async () => {
    const ctx = memoryContext();
    const { verificationId, sessionToken } = await opened(ctx);
    await answerAll(ctx, sessionToken, 'right');
    await completeVerification(ctx, sessionToken);
    const before = await ctx.verifications.getVerification(verificationId);

    await expect(completeVerification(ctx, sessionToken)).rejects.toBeInstanceOf(AlreadyCompleted);

    expect(await ctx.verifications.getVerification(verificationId)).toEqual(before);
  });

  it('refuses a link that is unknown, expired, or used already', async () => {
    const ctx = memoryContext();
    const { linkToken, sessionToken } = await opened(ctx);

    await expect(openPortalSession(ctx, 'not-a-token', SOURCE_IP)).rejects.toMatchObject({
      constructor: NotFound,
      code: 'LINK_NOT_FOUND',
    });
    await expect(openPortalSession(ctx, undefined, SOURCE_IP)).rejects.toBeInstanceOf(Unauthenticated);
    await answerAll(ctx, sessionToken, 'right');
    await completeVerification(ctx, sessionToken);
    await expect(openPortalSession(ctx, linkToken, SOURCE_IP)).rejects.toMatchObject({
      constructor: Expired,
      code: 'LINK_ALREADY_USED',
    });
    ctx.clock.advance(16 * 60_000);
    await expect(openPortalSession(ctx, linkToken, SOURCE_IP)).rejects.toMatchObject({
      code: 'LINK_EXPIRED',
    });
  });

  it('refuses an answer out of order or twice', async () => {
    const ctx = memoryContext();
    const { verificationId, sessionToken } = await opened(ctx);
    const questions = (await ctx.verifications.getVerification(verificationId))?.questions ?? [];
    const { answerQuestion } = await import('../../../shared/use-cases/portal/answer.js');

    await expect(
      answerQuestion(ctx, sessionToken, { questionId: questions[1]?.id ?? '', skipped: true }),
    ).rejects.toMatchObject({ constructor: StateConflict, code: 'QUESTION_OUT_OF_ORDER' });
    await answerQuestion(ctx, sessionToken, { questionId: questions[0]?.id ?? '', skipped: true });
    await expect(
      answerQuestion(ctx, sessionToken, { questionId: questions[0]?.id ?? '', skipped: true }),
    ).rejects.toMatchObject({ code: 'ANSWER_ALREADY_RECORDED' });
    expect((await ctx.verifications.getVerification(verificationId))?.answers).toHaveLength(1);
  });
});
