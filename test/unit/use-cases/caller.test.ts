/**
 * "Verify a caller" on the in-memory context: the directory search (masked, rate-limited, audited
 * without an email or phone number in clear) and the send, without a ticket (no write-back at all)
 * or with one checked against the ITSM (written back as usual).
 */
import { describe, expect, it } from 'vitest';
import { memoryContext } from '../../../shared/adapters/memory/context.js';
import { callerSendBodySchema } from '../../../shared/console-api/people.js';
import { sendForCaller } from '../../../shared/use-cases/console/caller-send.js';
import { searchPeople } from '../../../shared/use-cases/console/people-search.js';
import { resendVerification } from '../../../shared/use-cases/console/send.js';
import { sendLink } from '../../../shared/use-cases/lifecycle/send-link.js';
import { writeToTicket } from '../../../shared/use-cases/lifecycle/ticket-write.js';
import { alice, REQUESTER_EMAIL, ticketOf } from './journey.js';

describe('searching the directory for a caller', () => {
  it('finds by name with the contact on record masked, and audits who searched and whom it showed', async () => {
    const ctx = memoryContext();

    const result = await searchPeople(ctx, alice, 'zoe mar');

    expect(result.more).toBe(false);
    expect(result.items).toEqual([
      {
        userId: 'u001',
        displayName: 'Zoe Martin',
        title: expect.any(String),
        department: expect.any(String),
        employeeId: 'u001',
        enabled: true,
        contactOnRecord: { email: 'z***@example.com', sms: '***78' },
      },
    ]);
    expect(JSON.stringify(result)).not.toContain(REQUESTER_EMAIL);
    expect(JSON.stringify(result)).not.toContain('912345678');
    const events = ctx.audit.all().filter((e) => e.action === 'people.searched');
    expect(events).toEqual([
      expect.objectContaining({
        actor: 'alice',
        details: { queryKind: 'name', query: 'zoe mar', matches: 1, shown: 'u001' },
      }),
    ]);
  });

  it('keeps an email or a phone number out of the audit trail in clear', async () => {
    const ctx = memoryContext();

    const byEmail = await searchPeople(ctx, alice, REQUESTER_EMAIL);
    const byPhone = await searchPeople(ctx, alice, '+351 912 345 678');

    expect(byEmail.items.map((p) => p.userId)).toEqual(['u001']);
    // A phone number is not a directory key: nothing is asked, nothing found.
    expect(byPhone.items).toEqual([]);
    const audited = JSON.stringify(ctx.audit.all());
    expect(audited).not.toContain(REQUESTER_EMAIL);
    expect(audited).not.toContain('912 345 678');
    expect(ctx.audit.all().map((e) => e.details?.queryKind)).toEqual(['email', 'phone']);
    expect(ctx.audit.all()[0]?.details?.query).toBe('z***@example.com');
  });

  it('allows each agent PEOPLE_SEARCHES_PER_MINUTE searches a minute (429 TOO_MANY_SEARCHES)', async () => {
    const ctx = memoryContext({ env: { PEOPLE_SEARCHES_PER_MINUTE: '2' } });

    await searchPeople(ctx, alice, 'zoe');
    await searchPeople(ctx, alice, 'rui');

    await expect(searchPeople(ctx, alice, 'ines')).rejects.toMatchObject({ code: 'TOO_MANY_SEARCHES' });
    await expect(searchPeople(ctx, { username: 'bob', roles: ['agent'] }, 'ines')).resolves.toBeDefined();
  });

  it('answers 503 DIRECTORY_UNAVAILABLE when the directory fails', async () => {
    const ctx = memoryContext();
    ctx.directory.failNext('searchPeople', new Error('boom'));

    await expect(searchPeople(ctx, alice, 'zoe')).rejects.toMatchObject({ code: 'DIRECTORY_UNAVAILABLE' });
  });
});

describe('sending to a caller without a ticket', () => {
  it('runs the lifecycle on the person record of the policy connection, agent-led, and never writes back', async () => {
    const ctx = memoryContext();

    const view = await sendForCaller(ctx, 'alice', 'u001', {
      channel: 'sms',
      request: 'mfa_reset',
    });

    expect(view).toMatchObject({
      status: 'sent',
      origin: 'agent_led',
      ticketless: true,
      ticketNumber: 'No ticket',
      category: 'mfa_reset',
      ticket: { connectionId: 'local-desk', ticketId: 'caller-u001' },
      destinationMasked: '***78',
      destinationIsContactOnRecord: true,
    });
    expect(ctx.workflow.started.map((s) => s.verificationId)).toEqual([view.verificationId]);
    const [sentEvent] = await ctx.audit.listAudit(view.verificationId);
    expect(sentEvent).toMatchObject({
      actor: 'alice',
      action: 'verification.sent',
      details: { origin: 'agent_led', ticketless: true, category: 'mfa_reset', channel: 'sms' },
    });

    await sendLink(ctx, view.verificationId);
    expect(ctx.messenger.outbox.at(-1)?.text).not.toContain('No ticket');

    for (const write of ['sent', 'outcome'] as const)
      await writeToTicket(ctx, { verificationId: view.verificationId, write });
    const desk = ctx.ticketSystems.of('local-desk');
    expect(desk.notes.size).toBe(0);
    expect((await ctx.audit.listAudit(view.verificationId)).map((e) => e.action)).not.toContain(
      'ticket.outcome_written',
    );
  });

  it('refuses a second one for the same person while the first is open', async () => {
    const ctx = memoryContext();
    await sendForCaller(ctx, 'alice', 'u001', { channel: 'email', request: 'password_reset' });

    await expect(
      sendForCaller(ctx, 'alice', 'u001', { channel: 'email', request: 'password_reset' }),
    ).rejects.toMatchObject({ code: 'VERIFICATION_IN_PROGRESS' });
  });

  it('resends as ticketless and agent-led, to the same place', async () => {
    const ctx = memoryContext();
    const first = await sendForCaller(ctx, 'alice', 'u001', { channel: 'email', request: 'account_unlock' });

    const again = await resendVerification(ctx, first.verificationId, alice);

    expect(again).toMatchObject({ origin: 'agent_led', ticketless: true, category: 'account_unlock' });
    expect((await ctx.verifications.getVerification(first.verificationId))?.status).toBe('cancelled');
  });

  it('records a typed destination with its reason, not as the contact on record', async () => {
    const ctx = memoryContext();

    const view = await sendForCaller(ctx, 'alice', 'u001', {
      channel: 'email',
      request: 'other',
      destination: 'Zoe.Personal@example.org',
      reason: 'work mailbox locked',
    });

    const v = await ctx.verifications.getVerification(view.verificationId);
    expect(v?.destination).toBe('zoe.personal@example.org');
    expect(v?.destinationIsContactOnRecord).toBe(false);
  });

  it('answers 404 PERSON_NOT_FOUND for someone not in the directory', async () => {
    const ctx = memoryContext();

    await expect(
      sendForCaller(ctx, 'alice', 'nobody', { channel: 'email', request: 'other' }),
    ).rejects.toMatchObject({ code: 'PERSON_NOT_FOUND' });
  });

  it('needs the caller policy connection (422 TICKET_REQUIRED without one)', async () => {
    const ctx = memoryContext();
    ctx.config.SELF_SERVICE_CONNECTION_ID = undefined;

    await expect(
      sendForCaller(ctx, 'alice', 'u001', { channel: 'email', request: 'other' }),
    ).rejects.toMatchObject({ code: 'TICKET_REQUIRED' });
  });
});

describe('sending to a caller with a ticket', () => {
  it('reads a ticket intake never saw from the ITSM, records it and writes the outcome back', async () => {
    const ctx = memoryContext();
    const desk = ctx.ticketSystems.of('local-desk');
    desk.tickets.set('tk-9001', {
      connectionId: 'local-desk',
      ticketId: 'tk-9001',
      number: 'INC0090001',
      category: 'general',
      subject: 'Cannot sign in',
      description: '',
      requesterEmail: REQUESTER_EMAIL,
      state: 'new',
    });

    const view = await sendForCaller(ctx, 'alice', 'u001', {
      ticket: { connectionId: 'local-desk', ticketId: 'tk-9001' },
      channel: 'email',
    });

    expect(view).toMatchObject({ origin: 'agent_led', ticketNumber: 'INC0090001', category: 'general' });
    expect(view).not.toHaveProperty('ticketless');
    expect(
      (await ctx.tickets.getTicket({ connectionId: 'local-desk', ticketId: 'tk-9001' }))?.lastVerificationId,
    ).toBe(view.verificationId);
    await writeToTicket(ctx, { verificationId: view.verificationId, write: 'sent' });
    expect(desk.notes.get('tk-9001')).toHaveLength(1);
  });

  it("refuses another person's ticket (409 TICKET_REQUESTER_MISMATCH) and an unknown one (404)", async () => {
    const ctx = memoryContext();
    const ticket = await ticketOf(ctx);

    await expect(
      sendForCaller(ctx, 'alice', 'u002', {
        ticket: { connectionId: ticket.connectionId, ticketId: ticket.ticketId },
        channel: 'email',
      }),
    ).rejects.toMatchObject({ code: 'TICKET_REQUESTER_MISMATCH' });
    await expect(
      sendForCaller(ctx, 'alice', 'u001', {
        ticket: { connectionId: ticket.connectionId, ticketId: 'tk-nope' },
        channel: 'email',
      }),
    ).rejects.toMatchObject({ code: 'TICKET_NOT_FOUND' });
  });
});

describe('the caller send body', () => {
  it('needs what the caller asks for when there is no ticket, and a reason for a typed destination', () => {
    expect(callerSendBodySchema.safeParse({ channel: 'email' }).error?.issues[0]?.path).toEqual(['request']);
    expect(
      callerSendBodySchema.safeParse({ channel: 'email', request: 'other', destination: 'a@b.example' }).error
        ?.issues[0]?.path,
    ).toEqual(['reason']);
    expect(callerSendBodySchema.safeParse({ channel: 'fax', request: 'other' }).success).toBe(false);
    expect(
      callerSendBodySchema.safeParse({ channel: 'sms', ticket: { connectionId: 'c', ticketId: ' 1 ' } }).data
        ?.ticket?.ticketId,
    ).toBe('1');
  });
});
