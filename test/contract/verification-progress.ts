/** The Verifications port's sub-state rules (domain/model/lifecycle-rules.ts), seen from outside. */
import { describe, expect, it } from 'vitest';
import type { AnswerRecord } from '../../shared/domain/model/question.js';
import type { ClientContext } from '../../shared/domain/model/verification.js';
import {
  auditEvent,
  type ContractContext,
  openedVerification,
  passedVerification,
  race,
  sentVerification,
} from './fixtures.js';

const answer = (questionId: string): AnswerRecord => ({
  questionId,
  grade: 'correct',
  response: 'A',
  redacted: false,
  answeredAt: '2026-03-15T12:00:10.000Z',
  elapsedMs: 4000,
});

const client = (deviceHmac: string | undefined, country: string): ClientContext => ({
  signals: {} as ClientContext['signals'],
  deviceHmac,
  userAgent: 'Mozilla/5.0',
  ipCountry: country,
  networkReasons: [
    {
      code: `NET_${country}`,
      category: 'network',
      points: 1,
      evidence: country,
      message: 'network',
      verifiedBy: 'server',
    },
  ],
  at: '2026-03-15T12:00:05.000Z',
});

export function verificationProgressContract(c: ContractContext) {
  const get = async (id: string) => c.r.verifications.getVerification(id);

  describe('recordAnswer', () => {
    it('appends at the position the caller saw, once: the second writer of a position loses', async () => {
      const v = await openedVerification(c);
      expect(await c.r.verifications.recordAnswer(v.verificationId, 0, answer('q1'))).toBe(true);
      expect(await c.r.verifications.recordAnswer(v.verificationId, 0, answer('q1-again'))).toBe(false);
      expect(await c.r.verifications.recordAnswer(v.verificationId, 2, answer('q3'))).toBe(false);
      expect(await c.r.verifications.recordAnswer(v.verificationId, 1, answer('q2'))).toBe(true);
      expect((await get(v.verificationId))?.answers?.map((a) => a.questionId)).toEqual(['q1', 'q2']);
    });

    it('lets exactly one of two concurrent answers at one position land', async () => {
      const v = await openedVerification(c);
      const results = await Promise.all(
        ['a', 'b'].map((q) => c.r.verifications.recordAnswer(v.verificationId, 0, answer(q))),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await get(v.verificationId))?.answers).toHaveLength(1);
    });

    it('records nothing before the link is opened or after completion', async () => {
      const sent = await sentVerification(c);
      expect(await c.r.verifications.recordAnswer(sent.verificationId, 0, answer('q1'))).toBe(false);
      const passed = await passedVerification(c);
      expect(await c.r.verifications.recordAnswer(passed.verificationId, 0, answer('q1'))).toBe(false);
      expect((await get(passed.verificationId))?.answers).toEqual([]);
    });
  });

  describe('storeTaskToken', () => {
    it('stores the open token only while sent, the completion token while sent or in progress', async () => {
      const v = await sentVerification(c);
      expect(await c.r.verifications.storeTaskToken(v.verificationId, 'open', 'open-1')).toBe(true);
      expect(await c.r.verifications.storeTaskToken(v.verificationId, 'completion', 'done-1')).toBe(true);
      await c.r.verifications.transition(
        v.verificationId,
        'in_progress',
        { answers: [] },
        auditEvent(c.clock, 'o', v.verificationId),
      );
      expect(await c.r.verifications.storeTaskToken(v.verificationId, 'open', 'open-2')).toBe(false);
      expect(await c.r.verifications.storeTaskToken(v.verificationId, 'completion', 'done-2')).toBe(true);
      expect((await get(v.verificationId))?.taskTokens).toMatchObject({
        open: 'open-1',
        completion: 'done-2',
      });
      await c.r.verifications.transition(
        v.verificationId,
        'passed',
        {},
        auditEvent(c.clock, 'p', v.verificationId),
      );
      expect(await c.r.verifications.storeTaskToken(v.verificationId, 'completion', 'done-3')).toBe(false);
      expect((await get(v.verificationId))?.taskTokens?.completion).toBe('done-2');
    });

    it('stores the action token only while the action is pending or running', async () => {
      const v = await passedVerification(c, { action: { state: 'pending' } });
      expect(await c.r.verifications.storeTaskToken(v.verificationId, 'action', 'act-1')).toBe(true);
      await c.r.verifications.setAction(
        v.verificationId,
        ['pending'],
        'done',
        auditEvent(c.clock, 'a', v.verificationId),
      );
      expect(await c.r.verifications.storeTaskToken(v.verificationId, 'action', 'act-2')).toBe(false);
      const none = await passedVerification(c);
      expect(await c.r.verifications.storeTaskToken(none.verificationId, 'action', 'act-3')).toBe(false);
      expect((await get(v.verificationId))?.taskTokens?.action).toBe('act-1');
    });
  });

  describe('recordClient', () => {
    it('keeps the first report; the same device again changes nothing', async () => {
      const v = await sentVerification(c);
      expect(await c.r.verifications.recordClient(v.verificationId, client('dev-a', 'PT'))).toEqual({
        secondDevice: false,
      });
      expect(await c.r.verifications.recordClient(v.verificationId, client('dev-a', 'ES'))).toEqual({
        secondDevice: false,
      });
      const stored = await get(v.verificationId);
      expect(stored?.client?.ipCountry).toBe('PT');
      expect(stored?.secondDevice).toBeUndefined();
    });

    it('flags a second device, with its network signals, and keeps the first report', async () => {
      const v = await sentVerification(c);
      await c.r.verifications.recordClient(v.verificationId, client('dev-a', 'PT'));
      expect(await c.r.verifications.recordClient(v.verificationId, client('dev-b', 'NL'))).toEqual({
        secondDevice: true,
      });
      const stored = await get(v.verificationId);
      expect(stored?.client?.deviceHmac).toBe('dev-a');
      expect(stored?.secondDevice).toBe(true);
      expect(stored?.secondDeviceNetworkReasons?.map((r) => r.code)).toEqual(['NET_NL']);
    });

    it('writes nothing for a verification that does not exist, and flags nothing', async () => {
      const missing = `missing-${Date.now()}-${Math.random().toString(36).slice(2)}`;
      expect(await c.r.verifications.recordClient(missing, client('dev-a', 'PT'))).toEqual({
        secondDevice: false,
      });
      expect(await c.r.verifications.recordClient(missing, client('dev-b', 'NL'))).toEqual({
        secondDevice: false,
      });
      expect(await get(missing)).toBeUndefined();
    });
  });

  describe('write-back lease', () => {
    it('claims, reports in_progress while the lease lives, and lets another take it over after', async () => {
      const v = await passedVerification(c);
      const id = v.verificationId;
      expect(await c.r.verifications.claimWriteBack(id, 'outcome', 'a', 60)).toEqual({
        status: 'claimed',
        attemptedBefore: false,
      });
      expect(await c.r.verifications.claimWriteBack(id, 'outcome', 'b', 60)).toEqual({
        status: 'in_progress',
      });
      c.clock.advance(61_000);
      expect(await c.r.verifications.claimWriteBack(id, 'outcome', 'b', 60)).toEqual({
        status: 'claimed',
        attemptedBefore: true,
      });
      await c.r.verifications.setWriteBack(id, 'done', { written: 'outcome' });
      await c.r.verifications.releaseWriteBack(id, 'b');
      expect(await c.r.verifications.claimWriteBack(id, 'outcome', 'c', 60)).toEqual({ status: 'written' });
    });

    it('lets exactly one of two concurrent claims win', async () => {
      const v = await passedVerification(c);
      const { won } = await race(
        ['a', 'b'].map((o) => c.r.verifications.claimWriteBack(v.verificationId, 'outcome', o, 60)),
      );
      expect(won.filter((w) => w.status === 'claimed')).toHaveLength(1);
      expect(won.filter((w) => w.status === 'in_progress')).toHaveLength(1);
    });

    it('gives back only the owner lease', async () => {
      const v = await passedVerification(c);
      const id = v.verificationId;
      await c.r.verifications.claimWriteBack(id, 'action', 'a', 60);
      await c.r.verifications.releaseWriteBack(id, 'someone-else');
      expect(await c.r.verifications.claimWriteBack(id, 'action', 'b', 60)).toEqual({
        status: 'in_progress',
      });
      await c.r.verifications.releaseWriteBack(id, 'a');
      expect(await c.r.verifications.claimWriteBack(id, 'action', 'b', 60)).toEqual({
        status: 'claimed',
        attemptedBefore: true,
      });
    });

    it('records the write-back state, the writes made and the last error', async () => {
      const v = await passedVerification(c);
      const id = v.verificationId;
      await c.r.verifications.setWriteBack(id, 'pending', { written: 'sent' });
      await c.r.verifications.setWriteBack(id, 'failed', { lastError: 'ITSM said 503' });
      expect((await get(id))?.writeBack).toMatchObject({
        state: 'failed',
        lastError: 'ITSM said 503',
        written: ['sent'],
      });
      await c.r.verifications.setWriteBack(id, 'done', { written: 'outcome' });
      const writeBack = (await get(id))?.writeBack;
      expect(writeBack).toMatchObject({
        state: 'done',
        written: ['sent', 'outcome'],
        updatedAt: c.clock.iso(),
      });
      expect(writeBack?.lastError).toBeUndefined();
    });
  });

  describe('setAction, setFeedback and the markers', () => {
    it('moves the action only from the named states, recording the audit event only then', async () => {
      const v = await passedVerification(c, { action: { state: 'pending' } });
      const id = v.verificationId;
      expect(
        await c.r.verifications.setAction(id, ['none'], 'running', auditEvent(c.clock, 'action.no', id)),
      ).toBe(false);
      expect(
        await c.r.verifications.setAction(
          id,
          ['pending'],
          'running',
          auditEvent(c.clock, 'action.running', id),
        ),
      ).toBe(true);
      expect((await get(id))?.action).toEqual({ state: 'running', completedAt: c.clock.iso() });
      const logged = (await c.r.audit.listAudit(id)).map((e) => e.action);
      expect(logged).toContain('action.running');
      expect(logged).not.toContain('action.no');
    });

    it('takes feedback once, and only on a completed verification', async () => {
      const feedback = { difficulty: 'easy' as const, at: c.clock.iso() };
      const sent = await sentVerification(c);
      expect(
        await c.r.verifications.setFeedback(
          sent.verificationId,
          feedback,
          auditEvent(c.clock, 'f', sent.verificationId),
        ),
      ).toBe(false);
      const v = await passedVerification(c);
      const id = v.verificationId;
      expect(await c.r.verifications.setFeedback(id, feedback, auditEvent(c.clock, 'f', id))).toBe(true);
      expect(
        await c.r.verifications.setFeedback(
          id,
          { ...feedback, difficulty: 'hard' },
          auditEvent(c.clock, 'f2', id),
        ),
      ).toBe(false);
      expect((await get(id))?.feedback).toEqual(feedback);
      const cancelled = await sentVerification(c);
      await c.r.verifications.transition(
        cancelled.verificationId,
        'cancelled',
        {},
        auditEvent(c.clock, 'c', cancelled.verificationId),
      );
      expect(
        await c.r.verifications.setFeedback(
          cancelled.verificationId,
          feedback,
          auditEvent(c.clock, 'f', cancelled.verificationId),
        ),
      ).toBe(false);
    });

    it('records the step-up request once, only while in step_up, and stores the step-up token only then', async () => {
      const stepUp = {
        proof: 'manager_approval' as const,
        requestedAt: c.clock.iso(),
        tokenHash: 'a'.repeat(64),
      };
      const opened = await openedVerification(c);
      const id = opened.verificationId;
      expect(await c.r.verifications.recordStepUp(id, stepUp, auditEvent(c.clock, 's0', id))).toBe(false);
      expect(await c.r.verifications.storeTaskToken(id, 'step_up', 'early')).toBe(false);
      await c.r.verifications.transition(id, 'step_up', {}, auditEvent(c.clock, 'verification.step_up', id));
      expect(await c.r.verifications.recordStepUp(id, stepUp, auditEvent(c.clock, 's1', id))).toBe(true);
      expect(
        await c.r.verifications.recordStepUp(
          id,
          { ...stepUp, tokenHash: 'b'.repeat(64) },
          auditEvent(c.clock, 's2', id),
        ),
      ).toBe(false);
      expect(await c.r.verifications.storeTaskToken(id, 'step_up', 'step-up-token')).toBe(true);
      expect(await get(id)).toMatchObject({ stepUp, taskTokens: { step_up: 'step-up-token' } });
      const logged = (await c.r.audit.listAudit(id)).map((e) => e.action);
      expect(logged).toContain('s1');
      expect(logged).not.toContain('s2');
      await c.r.verifications.transition(id, 'passed', {}, auditEvent(c.clock, 'verification.passed', id));
      expect((await get(id))?.status).toBe('passed');
    });

    it('marks the link delivered and the ticket resolved', async () => {
      const v = await passedVerification(c);
      await c.r.verifications.markLinkDelivered(v.verificationId, '2026-03-15T12:00:01.000Z');
      await c.r.verifications.markTicketResolved(v.verificationId, '2026-03-15T12:10:00.000Z');
      expect(await get(v.verificationId)).toMatchObject({
        linkDeliveredAt: '2026-03-15T12:00:01.000Z',
        ticketResolvedAt: '2026-03-15T12:10:00.000Z',
      });
    });
  });
}
