import { describe, expect, it } from 'vitest';
import {
  MEMORY_WEBHOOK_SECRET,
  type MemoryContext,
  memoryContext,
} from '../../../shared/adapters/memory/context.js';
import {
  StateConflict,
  TicketSystemRetryableError,
  Unauthenticated,
  Unavailable,
} from '../../../shared/domain/errors.js';
import { signWebhook } from '../../../shared/domain/tokens.js';
import { intakeTicket } from '../../../shared/use-cases/intake-ticket.js';

function itsmTicket(ctx: MemoryContext, ticketId: string, category = 'password_reset') {
  ctx.ticketSystems.of('local-desk').tickets.set(ticketId, {
    connectionId: 'local-desk',
    ticketId,
    number: `INC-${ticketId}`,
    category,
    subject: 'Locked out',
    description: '',
    requesterEmail: 'Zoe.Martin@example.com',
    state: 'new',
  });
}

function delivery(ctx: MemoryContext, ticketId: string, secret = MEMORY_WEBHOOK_SECRET) {
  const rawBody = JSON.stringify({ ticketId });
  return {
    connectionId: 'local-desk',
    rawBody,
    signature: signWebhook(rawBody, secret, ctx.clock.now()),
    authorization: undefined,
  };
}

describe('ticket intake', () => {
  it('writes one "Send verification link" entry on a gated ticket and records it', async () => {
    const ctx = memoryContext();
    itsmTicket(ctx, 'tk-1');

    const result = await intakeTicket(ctx, delivery(ctx, 'tk-1'));

    expect(result).toEqual({ result: 'link_entry_written', ticketId: 'tk-1' });
    const link = ctx.ticketSystems.of('local-desk').links.get('tk-1');
    expect(link?.url).toBe('https://console.example.com/send?connection=local-desk&ticket=tk-1');
    expect(await ctx.tickets.getTicket({ connectionId: 'local-desk', ticketId: 'tk-1' })).toMatchObject({
      ticketNumber: 'INC-tk-1',
      requesterEmail: 'zoe.martin@example.com',
      linkEntry: 'done',
    });
    expect(ctx.audit.all().map((e) => e.action)).toEqual(['ticket.link_entry_written']);
  });

  it('refuses a replayed delivery, and a second delivery of the same ticket is a duplicate', async () => {
    const ctx = memoryContext();
    itsmTicket(ctx, 'tk-2');
    const first = delivery(ctx, 'tk-2');
    await intakeTicket(ctx, first);

    await expect(intakeTicket(ctx, first)).rejects.toMatchObject({
      constructor: StateConflict,
      code: 'WEBHOOK_REPLAYED',
    });
    ctx.clock.advance(1000);
    expect(await intakeTicket(ctx, delivery(ctx, 'tk-2'))).toEqual({ result: 'duplicate' });
    expect(ctx.ticketSystems.of('local-desk').notesOf('tk-2')).toHaveLength(1);
  });

  it('refuses a bad signature and ignores a category that is not gated', async () => {
    const ctx = memoryContext();
    itsmTicket(ctx, 'tk-3', 'printer');

    await expect(intakeTicket(ctx, delivery(ctx, 'tk-3', 'x'.repeat(32)))).rejects.toBeInstanceOf(
      Unauthenticated,
    );
    expect(await intakeTicket(ctx, delivery(ctx, 'tk-3'))).toEqual({
      result: 'ignored',
      reason: 'category_not_gated',
    });
    expect(await ctx.tickets.getTicket({ connectionId: 'local-desk', ticketId: 'tk-3' })).toBeUndefined();
  });

  it('answers Unavailable while the ITSM is down, releasing the claim so the redelivery is taken', async () => {
    const ctx = memoryContext();
    itsmTicket(ctx, 'tk-4');
    const itsm = ctx.ticketSystems.of('local-desk');
    itsm.failNext('addVerificationLink', new TicketSystemRetryableError('503'));
    const attempt = delivery(ctx, 'tk-4');

    await expect(intakeTicket(ctx, attempt)).rejects.toMatchObject({
      constructor: Unavailable,
      code: 'ITSM_UNAVAILABLE',
    });
    expect((await ctx.tickets.getTicket({ connectionId: 'local-desk', ticketId: 'tk-4' }))?.linkEntry).toBe(
      'failed',
    );

    expect(await intakeTicket(ctx, attempt)).toEqual({ result: 'link_entry_written', ticketId: 'tk-4' });
    expect((await ctx.tickets.getTicket({ connectionId: 'local-desk', ticketId: 'tk-4' }))?.linkEntry).toBe(
      'done',
    );
    expect(itsm.links.has('tk-4')).toBe(true);
  });
});
