import { describe, expect, it } from 'vitest';
import { memoryContext } from '../../../shared/adapters/memory/context.js';
import { TicketSystemRetryableError, UpstreamRefused } from '../../../shared/domain/errors.js';
import { noteMarker } from '../../../shared/domain/ticket-notes.js';
import { awaitStage } from '../../../shared/use-cases/lifecycle/await-stage.js';
import { recordEvent } from '../../../shared/use-cases/lifecycle/record-event.js';
import { retryWriteBack } from '../../../shared/use-cases/lifecycle/retry-write-back.js';
import { sendLink } from '../../../shared/use-cases/lifecycle/send-link.js';
import {
  ticketWriteTask,
  WriteBackInProgressError,
  writeToTicket,
} from '../../../shared/use-cases/lifecycle/ticket-write.js';
import { performAction } from '../../../shared/use-cases/portal/action.js';
import { completeVerification } from '../../../shared/use-cases/portal/complete.js';
import { openPortalSession } from '../../../shared/use-cases/portal/open.js';
import { actions, answerAll, opened, REQUESTER_EMAIL, SOURCE_IP, sent } from './journey.js';

const outcomeOf = (status: string, awaitAction: boolean) => ({
  status,
  awaitAction,
  actionWindowSeconds: 900,
  autoClose: true,
});

async function completed(how: 'right' | 'wrong' = 'right') {
  const ctx = memoryContext();
  const journey = await opened(ctx);
  await answerAll(ctx, journey.sessionToken, how);
  await completeVerification(ctx, journey.sessionToken);
  return { ctx, ...journey };
}

describe('SendLink', () => {
  it('delivers one link to the contact on record, keeping only its hash, and audits the masked destination', async () => {
    const ctx = memoryContext();
    const { verificationId, linkToken } = await sent(ctx);

    await sendLink(ctx, verificationId);

    expect(ctx.messenger.outbox).toHaveLength(1);
    const [message] = ctx.messenger.outbox;
    expect(message).toMatchObject({ channel: 'email', to: REQUESTER_EMAIL, verificationId });
    expect(message?.text).toContain(`https://verify.example.com/#t=${linkToken}`);
    expect(message?.text).toContain('valid for 15 minutes');
    expect(await ctx.linkTokens.findLinkToken(linkToken)).toBeUndefined();
    const v = await ctx.verifications.getVerification(verificationId);
    expect(v?.linkDeliveredAt).toBe(ctx.clock.now().toISOString());
    const delivered = (await ctx.audit.listAudit(verificationId)).filter(
      (e) => e.action === 'link.delivered',
    );
    expect(delivered.map((e) => e.details)).toEqual([{ channel: 'email', destination: 'z***@example.com' }]);
  });

  it('sends nothing once the link was opened', async () => {
    const ctx = memoryContext();
    const { verificationId, linkToken } = await sent(ctx);
    await openPortalSession(ctx, linkToken, SOURCE_IP);

    await sendLink(ctx, verificationId);

    expect(ctx.messenger.outbox).toHaveLength(1);
  });
});

describe('awaitStage', () => {
  it('stores the token while the stage is open, and the open resumes it', async () => {
    const ctx = memoryContext();
    const { verificationId, linkToken } = await sent(ctx);

    await awaitStage(ctx, { verificationId, stage: 'open', taskToken: 'open-token' });
    expect(ctx.workflow.callbacks).toEqual([]);
    await openPortalSession(ctx, linkToken, SOURCE_IP);

    expect(ctx.workflow.callbacks).toEqual([
      { token: 'open-token', output: { remainingSeconds: 900, status: 'in_progress' } },
    ]);
  });

  it('resumes at once with the stored state when the stage is already over', async () => {
    const { ctx, verificationId } = await completed();

    await awaitStage(ctx, { verificationId, stage: 'open', taskToken: 'late-open' });
    await awaitStage(ctx, { verificationId, stage: 'completion', taskToken: 'late-completion' });

    expect(ctx.workflow.callbacks).toEqual([
      // Five answers six seconds apart: 30 s of the 15 minutes gone.
      { token: 'late-open', output: { remainingSeconds: 870, status: 'passed' } },
      { token: 'late-completion', output: outcomeOf('passed', true) },
    ]);
    expect((await ctx.verifications.getVerification(verificationId))?.taskTokens).toEqual({});
  });
});

describe('recordEvent', () => {
  it('times out an open verification: the link and the session then answer LINK_EXPIRED', async () => {
    const ctx = memoryContext();
    const { verificationId, linkToken, sessionToken } = await opened(ctx);

    const outcome = await recordEvent(ctx, { verificationId, event: 'timed_out' });

    expect(outcome).toEqual(outcomeOf('timed_out', false));
    expect((await ctx.verifications.getVerification(verificationId))?.status).toBe('timed_out');
    expect((await actions(ctx, verificationId)).at(-1)).toBe('verification.timed_out');
    await expect(openPortalSession(ctx, linkToken, SOURCE_IP)).rejects.toMatchObject({
      code: 'LINK_EXPIRED',
    });
    await expect(completeVerification(ctx, sessionToken)).rejects.toMatchObject({ code: 'LINK_EXPIRED' });
  });

  it('keeps an outcome reached at the last moment', async () => {
    const { ctx, verificationId } = await completed();

    const outcome = await recordEvent(ctx, { verificationId, event: 'timed_out' });

    expect(outcome).toEqual(outcomeOf('passed', true));
    expect(await actions(ctx, verificationId)).not.toContain('verification.timed_out');
  });

  it('cancels a verification whose link could not be delivered, and expires an action not taken', async () => {
    const ctx = memoryContext();
    const { verificationId } = await sent(ctx);
    await recordEvent(ctx, {
      verificationId,
      event: 'delivery_failed',
      error: { Error: 'MessengerRetryableError' },
    });
    const cancelled = (await ctx.audit.listAudit(verificationId)).at(-1);
    expect(cancelled).toMatchObject({
      action: 'verification.cancelled',
      details: { reason: 'link not delivered: MessengerRetryableError' },
    });

    const after = await completed();
    await recordEvent(after.ctx, { verificationId: after.verificationId, event: 'action_expired' });
    expect((await after.ctx.verifications.getVerification(after.verificationId))?.action.state).toBe(
      'expired',
    );
  });

  it('records a write-back that ran out of retries, unless every due write was made meanwhile', async () => {
    const { ctx, verificationId } = await completed('wrong');

    await recordEvent(ctx, {
      verificationId,
      event: 'write_back_failed',
      error: { Error: 'TicketSystemRetryableError', Cause: 'ITSM answered 503' },
    });

    const v = await ctx.verifications.getVerification(verificationId);
    expect(v?.writeBack).toMatchObject({
      state: 'failed',
      lastError: 'TicketSystemRetryableError: ITSM answered 503',
    });
    expect((await actions(ctx, verificationId)).at(-1)).toBe('ticket.write_back_failed');
  });
});

describe('ticket writes', () => {
  it('writes the whole trail once each, in order, each note with its marker, and resolves the ticket', async () => {
    const { ctx, verificationId, ticket, sessionToken } = await completed();
    await performAction(ctx, sessionToken, {
      action: 'password_reset',
      newPassword: 'correct horse battery staple',
    });
    const writes = ['sent', 'opened', 'outcome', 'action', 'resolve'] as const;

    for (const write of writes)
      expect(await ticketWriteTask(ctx, { verificationId, write })).toEqual({ result: 'written' });
    for (const write of writes) expect(await writeToTicket(ctx, { verificationId, write })).toBe('already');

    const itsm = ctx.ticketSystems.of('local-desk');
    const notes = itsm.notesOf(ticket.ticketId);
    expect(notes.map((n) => n.marker)).toEqual(
      ['sent', 'opened', 'outcome', 'action'].map((w) => noteMarker(verificationId, w)),
    );
    expect(notes[0]?.text).toContain('link sent by alice via email to z***@example.com (contact on record)');
    expect(notes[1]?.text).toContain('opened the verification link');
    expect(notes[2]?.text).toContain('identity verification Passed');
    expect(notes[3]?.text).toContain('reset their password');
    expect(notes.map((n) => n.text).join('\n')).not.toContain(REQUESTER_EMAIL);
    expect(itsm.resolutions.get(ticket.ticketId)?.closeCode).toBe('Solved (Permanently)');
    const v = await ctx.verifications.getVerification(verificationId);
    expect(v?.writeBack.state).toBe('done');
    expect(v?.writeBack.written).toEqual([...writes]);
    expect(v?.ticketResolvedAt).toBe(ctx.clock.now().toISOString());
  });

  it('waits out a long Retry-After on the outcome, never on a trail note', async () => {
    const { ctx, verificationId } = await completed();
    const itsm = ctx.ticketSystems.of('local-desk');
    itsm.failNext('addNote', new TicketSystemRetryableError('rate limited', 600), 2);

    expect(await ticketWriteTask(ctx, { verificationId, write: 'outcome' })).toEqual({ waitSeconds: 600 });
    await expect(ticketWriteTask(ctx, { verificationId, write: 'opened' })).rejects.toThrow('rate limited');
  });

  it('lets one writer hold the lease; after a failed attempt the next one looks for the note first', async () => {
    const { ctx, verificationId, ticket } = await completed();
    const owner = await ctx.verifications.claimWriteBack(verificationId, 'outcome', 'someone-else', 90);
    expect(owner).toEqual({ status: 'claimed', attemptedBefore: false });

    await expect(writeToTicket(ctx, { verificationId, write: 'outcome' })).rejects.toBeInstanceOf(
      WriteBackInProgressError,
    );
    ctx.clock.advance(91_000);
    expect(await writeToTicket(ctx, { verificationId, write: 'outcome' })).toBe('written');
    expect(ctx.ticketSystems.of('local-desk').notesOf(ticket.ticketId)).toHaveLength(1);
  });
});

describe('retryWriteBack', () => {
  it('makes each due write not yet made once the ITSM is back, and audits the retry', async () => {
    const { ctx, verificationId, ticket } = await completed('wrong');
    const itsm = ctx.ticketSystems.of('local-desk');
    itsm.failNext('addNote', new TicketSystemRetryableError('ITSM down'));
    await expect(writeToTicket(ctx, { verificationId, write: 'outcome' })).rejects.toThrow('ITSM down');
    await recordEvent(ctx, {
      verificationId,
      event: 'write_back_failed',
      error: { Error: 'TicketSystemRetryableError' },
    });

    const v = await retryWriteBack(ctx, verificationId, 'alice');

    expect(v.writeBack).toMatchObject({ state: 'done', written: ['outcome'] });
    expect(itsm.notesOf(ticket.ticketId).map((n) => n.marker)).toEqual([
      noteMarker(verificationId, 'outcome'),
    ]);
    expect((await ctx.audit.listAudit(verificationId)).at(-1)).toMatchObject({
      actor: 'alice',
      action: 'ticket.write_back_retried',
    });
    await expect(retryWriteBack(ctx, verificationId, 'alice')).rejects.toMatchObject({
      code: 'WRITE_BACK_NOT_FAILED',
    });
  });

  it('answers ITSM_WRITE_FAILED and keeps the failure while the ITSM still refuses', async () => {
    const { ctx, verificationId } = await completed('wrong');
    await ctx.verifications.setWriteBack(verificationId, 'failed', { lastError: 'earlier' });
    ctx.ticketSystems.of('local-desk').failNext('addNote', new TicketSystemRetryableError('still down'));

    await expect(retryWriteBack(ctx, verificationId, 'alice')).rejects.toMatchObject({
      constructor: UpstreamRefused,
      code: 'ITSM_WRITE_FAILED',
    });

    const v = await ctx.verifications.getVerification(verificationId);
    expect(v?.writeBack).toMatchObject({
      state: 'failed',
      lastError: 'TicketSystemRetryableError: still down',
    });
    expect((await actions(ctx, verificationId)).at(-1)).toBe('ticket.write_back_retry_failed');
  });
});
