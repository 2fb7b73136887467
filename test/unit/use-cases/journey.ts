/**
 * The steps of a verification over the in-memory context, as the handlers and the state machine
 * take them: a ticket arrives, an agent sends, SendLink delivers, the requester opens the link and
 * answers (right or wrong, from the frozen questions), completes.
 */
import { expect } from 'vitest';
import type { MemoryContext } from '../../../shared/adapters/memory/context.js';
import type { TicketRecord } from '../../../shared/domain/model/ticket.js';
import type { RequestedAction } from '../../../shared/domain/model/verification.js';
import { sendLink } from '../../../shared/use-cases/lifecycle/send-link.js';
import { answerQuestion, nextQuestion } from '../../../shared/use-cases/portal/answer.js';
import { openPortalSession } from '../../../shared/use-cases/portal/open.js';
import { recordSignals } from '../../../shared/use-cases/portal/signals.js';
import { sendVerification } from '../../../shared/use-cases/send-verification.js';
import { CHROME_MAC, genuineClient } from '../fixtures.js';

export const REQUESTER_EMAIL = 'zoe.martin@example.com';
/** Where the requester connects from: an address the IP data knows as Portuguese. */
export const SOURCE_IP = '198.51.100.7';
export const alice = { username: 'alice', roles: ['agent' as const] };
export const admin = { username: 'root', roles: ['admin' as const] };

let tickets = 0;

/** A gated ticket in the ITSM and in our records, as intake leaves it. */
export async function ticketOf(ctx: MemoryContext, overrides: Partial<TicketRecord> = {}) {
  tickets += 1;
  const ref = { connectionId: 'local-desk', ticketId: `tk-${1000 + tickets}` };
  const record: TicketRecord = {
    ...ref,
    ticketNumber: `INC00${10_000 + tickets}`,
    category: 'password_reset',
    requesterEmail: REQUESTER_EMAIL,
    createdAt: ctx.clock.now().toISOString(),
    linkEntry: 'done',
    ...overrides,
  };
  ctx.ticketSystems.of(ref.connectionId).tickets.set(record.ticketId, {
    ...ref,
    ticketId: record.ticketId,
    number: record.ticketNumber,
    category: record.category,
    subject: 'Forgot my password',
    description: 'I cannot sign in',
    requesterEmail: record.requesterEmail,
    state: 'new',
  });
  await ctx.tickets.createTicket(record);
  return record;
}

/** An agent sends a verification for a new ticket and SendLink delivers it: the id and the link token. */
export async function sent(
  ctx: MemoryContext,
  options: { requestedAction?: RequestedAction; category?: string } = {},
) {
  ctx.ipIntel.addresses.set(SOURCE_IP, { country: 'PT', asn: 2860, asOrg: 'NOS Comunicacoes' });
  const ticket = await ticketOf(ctx, options.category ? { category: options.category } : {});
  const view = await sendVerification(ctx, 'alice', {
    connectionId: ticket.connectionId,
    ticketId: ticket.ticketId,
    channel: 'email',
    requestedAction: options.requestedAction ?? 'password_reset',
  });
  await sendLink(ctx, view.verificationId);
  const message = ctx.messenger.outbox.at(-1);
  const token = /#t=([^\s]+)/.exec(message?.text ?? '')?.[1];
  expect(token).toBeDefined();
  return { verificationId: view.verificationId, ticket, linkToken: token as string };
}

/** What a Lisbon person's page reports (test/unit/fixtures.ts), with a device hash. */
export const pageSignals = { ...genuineClient, deviceHash: 'a'.repeat(64) };

/** Sent, opened, and the page's silent checks posted: the portal session. */
export async function opened(
  ctx: MemoryContext,
  options: { requestedAction?: RequestedAction; category?: string } = {},
) {
  const s = await sent(ctx, options);
  const session = await openPortalSession(ctx, s.linkToken, SOURCE_IP);
  await recordSignals(ctx, session.sessionToken, pageSignals, { userAgent: CHROME_MAC, sourceIp: SOURCE_IP });
  return { ...s, session, sessionToken: session.sessionToken };
}

export type Answering = 'right' | 'wrong' | 'skip';

/** Answers every question in turn, a few seconds apart (as a person reads), from the frozen questions. */
export async function answerAll(ctx: MemoryContext, sessionToken: string, how: Answering) {
  let view = await nextQuestion(ctx, sessionToken);
  while (!view.done) {
    const v = await ctx.verifications.getVerification(sessionToken.split('.')[1] ?? '');
    const question = v?.questions?.[view.position - 1];
    if (!question) throw new Error('no current question');
    ctx.clock.advance(6_000);
    const response =
      how === 'skip'
        ? { skipped: true as const }
        : question.kind === 'choice'
          ? {
              optionId:
                how === 'right'
                  ? question.answerOptionId
                  : (question.options.find((o) => o.id !== question.answerOptionId)?.id ?? ''),
            }
          : { text: how === 'right' ? (question.accepted[0] ?? '') : 'Quentin Zarathustra' };
    const next = await answerQuestion(ctx, sessionToken, { questionId: question.id, ...response });
    view = next.done ? next : await nextQuestion(ctx, sessionToken);
  }
  return view;
}

/** The audit trail's actions, in order. */
export async function actions(ctx: MemoryContext, verificationId: string) {
  return (await ctx.audit.listAudit(verificationId)).map((e) => e.action);
}
