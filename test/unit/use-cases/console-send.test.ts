import { describe, expect, it } from 'vitest';
import { memoryContext } from '../../../shared/adapters/memory/context.js';
import { NotPermitted, StateConflict, Unavailable } from '../../../shared/domain/errors.js';
import {
  cancelVerification,
  resendVerification,
  sendFromConsole,
} from '../../../shared/use-cases/console/send.js';
import { recordEvent } from '../../../shared/use-cases/lifecycle/record-event.js';
import { writeToTicket } from '../../../shared/use-cases/lifecycle/ticket-write.js';
import { openPortalSession } from '../../../shared/use-cases/portal/open.js';
import { SUPERSEDED_BY_RESEND } from '../../../shared/use-cases/resume-stage.js';
import { sendVerification } from '../../../shared/use-cases/send-verification.js';
import { actions, admin, alice, opened, REQUESTER_EMAIL, SOURCE_IP, sent, ticketOf } from './journey.js';

describe('sending a verification', () => {
  it('stores it as sent to the contact on record, takes the ticket lock and starts the lifecycle', async () => {
    const ctx = memoryContext();
    const ticket = await ticketOf(ctx);

    const view = await sendFromConsole(ctx, 'alice', {
      connectionId: ticket.connectionId,
      ticketId: ticket.ticketId,
      channel: 'email',
      requestedAction: 'password_reset',
    });

    expect(view).toMatchObject({
      status: 'sent',
      destinationMasked: 'z***@example.com',
      destinationIsContactOnRecord: true,
      requesterId: 'u001',
      questionCount: 0,
      linkExpiresAt: '2026-12-01T10:15:00.000Z',
    });
    expect(view).not.toHaveProperty('destination');
    expect((await ctx.tickets.getTicket(ticket))?.lastVerificationId).toBe(view.verificationId);
    expect(ctx.workflow.started).toEqual([{ verificationId: view.verificationId, linkLifetimeSeconds: 900 }]);
    expect(await actions(ctx, view.verificationId)).toEqual(['verification.sent']);
  });

  it('normalises a typed mobile number, records the reason, and scores it as not on record', async () => {
    const ctx = memoryContext();
    const ticket = await ticketOf(ctx);

    const view = await sendFromConsole(ctx, 'alice', {
      connectionId: ticket.connectionId,
      ticketId: ticket.ticketId,
      channel: 'sms',
      destination: '912 345 679',
      country: 'PT',
      reason: 'new phone',
    });

    const v = await ctx.verifications.getVerification(view.verificationId);
    expect(v?.destination).toBe('+351912345679');
    expect(v?.destinationIsContactOnRecord).toBe(false);
    expect((await ctx.audit.listAudit(view.verificationId))[0]?.details).toMatchObject({
      reason: 'new phone',
    });
  });

  it('refuses a second verification while one is open', async () => {
    const ctx = memoryContext();
    const { ticket } = await sent(ctx);

    await expect(
      sendVerification(ctx, 'alice', {
        connectionId: 'local-desk',
        ticketId: ticket.ticketId,
        channel: 'email',
      }),
    ).rejects.toMatchObject({ constructor: StateConflict, code: 'VERIFICATION_IN_PROGRESS' });
    expect(await ctx.verifications.listVerificationsByTicket(ticket)).toHaveLength(1);
  });

  it('cancels what it stored when the lifecycle cannot start', async () => {
    const ctx = memoryContext();
    const ticket = await ticketOf(ctx);
    ctx.workflow.failNext('start', new Error('throttled'));

    await expect(
      sendVerification(ctx, 'alice', {
        connectionId: 'local-desk',
        ticketId: ticket.ticketId,
        channel: 'email',
      }),
    ).rejects.toMatchObject({ constructor: Unavailable, code: 'WORKFLOW_UNAVAILABLE' });

    const [v] = await ctx.verifications.listVerificationsByTicket(ticket);
    expect(v?.status).toBe('cancelled');
    expect(ctx.messenger.outbox).toEqual([]);
  });
});

describe('cancel', () => {
  it('cancels an open verification, resumes the waiting stage, and the trail says who', async () => {
    const ctx = memoryContext();
    const { verificationId, ticket } = await sent(ctx);
    await ctx.verifications.storeTaskToken(verificationId, 'open', 'open-token');

    const view = await cancelVerification(ctx, verificationId, alice, 'caller hung up');

    expect(view.status).toBe('cancelled');
    expect(ctx.workflow.callbacks).toEqual([
      { token: 'open-token', output: { remainingSeconds: 900, status: 'cancelled' } },
    ]);
    expect((await ctx.audit.listAudit(verificationId)).at(-1)).toMatchObject({
      actor: 'alice',
      action: 'verification.cancelled',
      details: { reason: 'caller hung up' },
    });
    await writeToTicket(ctx, { verificationId, write: 'cancelled' });
    const [note] = ctx.ticketSystems.of('local-desk').notesOf(ticket.ticketId);
    expect(note?.text).toContain('verification cancelled by alice at 2026-12-01 10:00 UTC');
    expect(note?.text).toContain('no longer works');
  });

  it("is refused on another agent's verification, and on one that is over", async () => {
    const ctx = memoryContext();
    const { verificationId } = await sent(ctx);

    await expect(
      cancelVerification(ctx, verificationId, { username: 'bob', roles: ['agent'] }, undefined),
    ).rejects.toMatchObject({ constructor: NotPermitted, code: 'NOT_YOUR_VERIFICATION' });
    await cancelVerification(ctx, verificationId, admin, undefined);
    await expect(cancelVerification(ctx, verificationId, alice, undefined)).rejects.toMatchObject({
      code: 'VERIFICATION_NOT_OPEN',
    });
    expect((await ctx.audit.listAudit(verificationId)).at(-1)?.actor).toBe('root');
  });

  it('after a timeout is refused, and the timeout stands', async () => {
    const ctx = memoryContext();
    const { verificationId } = await opened(ctx);
    await recordEvent(ctx, { verificationId, event: 'timed_out' });

    await expect(cancelVerification(ctx, verificationId, alice, undefined)).rejects.toMatchObject({
      code: 'VERIFICATION_NOT_OPEN',
    });
    expect((await ctx.verifications.getVerification(verificationId))?.status).toBe('timed_out');
  });
});

describe('resend', () => {
  it('cancels the open verification as superseded and sends a new one for the same ticket', async () => {
    const ctx = memoryContext();
    const { verificationId, ticket, linkToken } = await sent(ctx);

    const next = await resendVerification(ctx, verificationId, alice);

    expect(next.verificationId).not.toBe(verificationId);
    expect(next).toMatchObject({
      status: 'sent',
      destinationIsContactOnRecord: true,
      requestedAction: 'password_reset',
    });
    expect((await ctx.verifications.getVerification(verificationId))?.status).toBe('cancelled');
    expect((await ctx.audit.listAudit(verificationId)).at(-1)?.details).toEqual({
      reason: SUPERSEDED_BY_RESEND,
    });
    expect((await ctx.tickets.getTicket(ticket))?.lastVerificationId).toBe(next.verificationId);
    expect(ctx.workflow.started.map((s) => s.verificationId)).toEqual([verificationId, next.verificationId]);
    await expect(openPortalSession(ctx, linkToken, SOURCE_IP)).rejects.toMatchObject({
      code: 'LINK_ALREADY_USED',
    });
    await writeToTicket(ctx, { verificationId, write: 'cancelled' });
    const [note] = ctx.ticketSystems.of('local-desk').notesOf(ticket.ticketId);
    expect(note?.text).toContain('superseded by a resend from alice');
    expect(note?.text).not.toContain(REQUESTER_EMAIL);
  });
});
