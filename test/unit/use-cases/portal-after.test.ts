import { describe, expect, it } from 'vitest';
import { DirectoryPasswordRejectedError } from '../../../shared/adapters/directory/errors.js';
import { memoryContext } from '../../../shared/adapters/memory/context.js';
import {
  AlreadyCompleted,
  InvalidInput,
  NotPermitted,
  StateConflict,
} from '../../../shared/domain/errors.js';
import { performAction } from '../../../shared/use-cases/portal/action.js';
import { completeVerification } from '../../../shared/use-cases/portal/complete.js';
import { leaveFeedback } from '../../../shared/use-cases/portal/feedback.js';
import { reportNotMe } from '../../../shared/use-cases/portal/not-me.js';
import { recordSignals } from '../../../shared/use-cases/portal/signals.js';
import { CHROME_MAC } from '../fixtures.js';
import { actions, answerAll, opened, pageSignals, REQUESTER_EMAIL } from './journey.js';

const NEW_PASSWORD = 'correct horse battery staple';

async function passed(ctx = memoryContext()) {
  const journey = await opened(ctx);
  await answerAll(ctx, journey.sessionToken, 'right');
  await completeVerification(ctx, journey.sessionToken);
  return { ctx, ...journey };
}

describe('signals', () => {
  it('keeps what the page reported, where it connected from, and the sighting', async () => {
    const ctx = memoryContext();
    const { verificationId } = await opened(ctx);

    const v = await ctx.verifications.getVerification(verificationId);

    expect(v?.client).toMatchObject({
      userAgent: CHROME_MAC,
      ipPrefix: '198.51.100.0/24',
      ipCountry: 'PT',
      asn: 2860,
      signals: { webdriver: false, timeZone: 'Europe/Lisbon' },
    });
    expect(v?.client?.deviceHmac).toMatch(/^[0-9a-f]{64}$/);
    expect(v?.secondDevice).toBeUndefined();
    expect(await ctx.people.lastSighting('u001')).toEqual({
      country: 'PT',
      at: ctx.clock.now().toISOString(),
    });
  });

  it('flags a second device, keeps the first report, and audits it', async () => {
    const ctx = memoryContext();
    const { verificationId, sessionToken } = await opened(ctx);
    const first = (await ctx.verifications.getVerification(verificationId))?.client;

    await recordSignals(
      ctx,
      sessionToken,
      { ...pageSignals, deviceHash: 'b'.repeat(64) },
      { userAgent: 'curl/8', sourceIp: '203.0.113.9' },
    );

    const v = await ctx.verifications.getVerification(verificationId);
    expect(v?.client).toEqual(first);
    expect(v?.secondDevice).toBe(true);
    expect(await actions(ctx, verificationId)).toContain('verification.second_device');
  });
});

describe('the action after a pass', () => {
  it('resets the password once, resumes the action stage and tells the person on record', async () => {
    const { ctx, verificationId, sessionToken } = await passed();
    await ctx.verifications.storeTaskToken(verificationId, 'action', 'action-token');

    const done = await performAction(ctx, sessionToken, {
      action: 'password_reset',
      newPassword: NEW_PASSWORD,
    });

    expect(done).toEqual({ verificationId, action: 'password_reset', state: 'done' });
    expect(ctx.directory.resets.map((r) => r.userId)).toEqual(['u001']);
    expect((await ctx.verifications.getVerification(verificationId))?.action.state).toBe('done');
    expect(ctx.workflow.callbacks).toEqual([{ token: 'action-token', output: { actionState: 'done' } }]);
    const notice = ctx.messenger.outbox.find((m) => m.subject === 'Your password was changed');
    expect(notice).toMatchObject({ channel: 'email', to: REQUESTER_EMAIL, verificationId });
    expect(notice?.text).toContain('You were signed out on every device');
    // Whoever was signed in with the old password (or holds a refresh token) is signed out.
    expect(ctx.directory.actions.get('u001')?.sessionRevocations).toHaveLength(1);
    expect((await actions(ctx, verificationId)).slice(-4)).toEqual([
      'action.started',
      'action.password_reset',
      'action.sessions_revoked',
      'action.notice_sent',
    ]);
    await expect(
      performAction(ctx, sessionToken, { action: 'password_reset', newPassword: NEW_PASSWORD }),
    ).rejects.toMatchObject({ constructor: StateConflict, code: 'ACTION_ALREADY_DONE' });
    expect(ctx.directory.resets).toHaveLength(1);
  });

  it("refuses a weak password before the directory sees it, and lets the person choose another after the directory's refusal", async () => {
    const { ctx, verificationId, sessionToken } = await passed();

    await expect(
      performAction(ctx, sessionToken, { action: 'password_reset', newPassword: 'zoe12345' }),
    ).rejects.toMatchObject({ constructor: InvalidInput, code: 'PASSWORD_POLICY' });
    ctx.directory.failNext(
      'resetPassword',
      new DirectoryPasswordRejectedError('refused', 'Password was used before'),
    );
    await expect(
      performAction(ctx, sessionToken, { action: 'password_reset', newPassword: NEW_PASSWORD }),
    ).rejects.toMatchObject({ code: 'PASSWORD_POLICY', message: 'Password was used before' });
    expect((await ctx.verifications.getVerification(verificationId))?.action.state).toBe('pending');

    await performAction(ctx, sessionToken, { action: 'password_reset', newPassword: NEW_PASSWORD });
    expect((await ctx.verifications.getVerification(verificationId))?.action.state).toBe('done');
    expect(await actions(ctx, verificationId)).toContain('action.password_rejected');
  });

  it('keeps the reset when signing out everywhere fails, audits it, and does not claim it in the notice', async () => {
    const { ctx, verificationId, sessionToken } = await passed();
    ctx.directory.failNext('revokeSessions', new Error('directory down'));

    const done = await performAction(ctx, sessionToken, {
      action: 'password_reset',
      newPassword: NEW_PASSWORD,
    });

    expect(done.state).toBe('done');
    expect((await ctx.verifications.getVerification(verificationId))?.action.state).toBe('done');
    expect(await actions(ctx, verificationId)).toContain('action.sessions_not_revoked');
    const notice = ctx.messenger.outbox.find((m) => m.subject === 'Your password was changed');
    expect(notice?.text).not.toContain('signed out');
  });

  it('marks the action failed when the directory fails, and resumes the stage with it', async () => {
    const { ctx, verificationId, sessionToken } = await passed();
    await ctx.verifications.storeTaskToken(verificationId, 'action', 'action-token');
    ctx.directory.failNext('resetPassword', new Error('directory down'));

    await expect(
      performAction(ctx, sessionToken, { action: 'password_reset', newPassword: NEW_PASSWORD }),
    ).rejects.toThrow('directory down');

    expect((await ctx.verifications.getVerification(verificationId))?.action.state).toBe('failed');
    expect(ctx.workflow.callbacks).toEqual([{ token: 'action-token', output: { actionState: 'failed' } }]);
  });

  it('is not offered after a failure', async () => {
    const ctx = memoryContext();
    const { sessionToken } = await opened(ctx);
    await answerAll(ctx, sessionToken, 'wrong');
    await completeVerification(ctx, sessionToken);

    await expect(
      performAction(ctx, sessionToken, { action: 'password_reset', newPassword: NEW_PASSWORD }),
    ).rejects.toMatchObject({ constructor: NotPermitted, code: 'ACTION_NOT_ALLOWED' });
    expect(ctx.directory.resets).toEqual([]);
  });
});

describe('"I did not ask for this"', () => {
  it('ends the verification Failed at 10 halfway through, and resumes the completion stage', async () => {
    const ctx = memoryContext();
    const { verificationId, sessionToken } = await opened(ctx);
    await ctx.verifications.storeTaskToken(verificationId, 'completion', 'completion-token');

    const reported = await reportNotMe(ctx, sessionToken);

    expect(reported).toEqual({ verificationId, outcome: 'failed', reported: 'not_me' });
    const v = await ctx.verifications.getVerification(verificationId);
    expect(v?.status).toBe('failed');
    expect(v?.assessment?.riskScore).toBe(10);
    expect(v?.assessment?.reasons.map((r) => r.code)).toContain('REQUESTER_DENIED');
    expect(v?.requesterReport).toEqual({ kind: 'not_me', at: ctx.clock.now().toISOString() });
    expect(v?.action.state).toBe('none');
    expect(ctx.workflow.callbacks).toEqual([
      {
        token: 'completion-token',
        output: expect.objectContaining({ status: 'failed', awaitAction: false }),
      },
    ]);
    expect(await actions(ctx, verificationId)).toContain('verification.requester_denied');
  });

  it('answers AlreadyCompleted after a pass, and the pass stands', async () => {
    const { ctx, verificationId, sessionToken } = await passed();

    await expect(reportNotMe(ctx, sessionToken)).rejects.toBeInstanceOf(AlreadyCompleted);

    expect((await ctx.verifications.getVerification(verificationId))?.status).toBe('passed');
  });
});

describe('feedback', () => {
  it('is taken once after the outcome; the audit says only that there is a comment', async () => {
    const { ctx, verificationId, sessionToken } = await passed();

    const first = await leaveFeedback(ctx, sessionToken, {
      difficulty: 'easy',
      comment: '  quick and clear ',
    });

    expect(first).toEqual({ verificationId, received: true });
    expect((await ctx.verifications.getVerification(verificationId))?.feedback).toEqual({
      difficulty: 'easy',
      comment: 'quick and clear',
      at: ctx.clock.now().toISOString(),
    });
    const event = (await ctx.audit.listAudit(verificationId)).find(
      (e) => e.action === 'verification.feedback',
    );
    expect(event?.details).toEqual({ difficulty: 'easy', comment: true });
    await expect(leaveFeedback(ctx, sessionToken, { difficulty: 'hard' })).rejects.toMatchObject({
      code: 'FEEDBACK_ALREADY_LEFT',
    });
  });

  it('is refused before there is an outcome', async () => {
    const ctx = memoryContext();
    const { verificationId, sessionToken } = await opened(ctx);

    await expect(leaveFeedback(ctx, sessionToken, { difficulty: 'easy' })).rejects.toMatchObject({
      code: 'VERIFICATION_NOT_COMPLETED',
    });
    expect((await ctx.verifications.getVerification(verificationId))?.feedback).toBeUndefined();
  });
});
