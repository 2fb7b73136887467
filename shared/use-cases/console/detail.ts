/**
 * The verification summary panel and the transcript. The summary adds the timeline (the
 * verification's audit events) and the reasons grouped by category; the transcript is only shown
 * with an audit event recording who viewed it.
 */

import type { AuditEventView } from '../../console-api/audit.js';
import type { TranscriptView, VerificationDetail } from '../../console-api/verifications.js';
import { NotFound, NotPermitted } from '../../domain/errors.js';
import type { Principal } from '../../domain/model/principal.js';
import type { TranscriptEntry } from '../../domain/model/question.js';
import type { ConsoleVerification } from '../../domain/model/verification.js';
import { hasTicket, isFinal, type Reason } from '../../domain/model/verification.js';
import { buildTranscript } from '../../domain/questions/tally.js';
import { logger } from '../../logger.js';
import type { Ctx } from '../../ports/context.js';
import { toAuditView } from './audit.js';
import { analysisHiddenFor, COMPLETED, toConsoleView } from './model.js';
import { oldestDay } from './request.js';
import { mayActOn } from './send.js';

const TIMELINE_MAX = 500;

async function load(ctx: Ctx<'verifications'>, verificationId: string) {
  const v = await ctx.verifications.getVerification(verificationId);
  if (!v) throw new NotFound('VERIFICATION_NOT_FOUND', 'No such verification');
  return v as ConsoleVerification;
}

/** How long a ticket's text is reused: the summary polls every few seconds while a verification is open. */
const TICKET_TEXT_TTL_MS = 60_000;
const TICKET_TEXT_MAX = 500;
const ticketTexts = new Map<string, { at: number; text: { subject: string; description: string } }>();

/**
 * The ticket's subject and description, read live from the ticket system (we never store what the
 * requester wrote) and kept in memory for a minute, so a polling summary does not call the ITSM on
 * every refresh; the summary shows without them when it does not answer. Self-service requests
 * have no ticket, nor do agent-led ones sent without one.
 */
async function ticketText(ctx: Ctx<'ticketSystems' | 'connections'>, v: ConsoleVerification) {
  if (!hasTicket(v)) return undefined;
  const key = `${v.ticket.connectionId}/${v.ticket.ticketId}`;
  const now = ctx.clock.now().getTime();
  const cached = ticketTexts.get(key);
  if (cached && now - cached.at < TICKET_TEXT_TTL_MS) return cached.text;
  try {
    const connection = await ctx.connections.getConnection(v.ticket.connectionId);
    if (!connection) return undefined;
    const ticket = await ctx.ticketSystems.forConnection(connection).getTicket(v.ticket.ticketId);
    const text = { subject: ticket.subject, description: ticket.description };
    // Oldest first out (a Map keeps insertion order): the cache stays small.
    ticketTexts.delete(key);
    if (ticketTexts.size >= TICKET_TEXT_MAX) ticketTexts.delete(ticketTexts.keys().next().value as string);
    ticketTexts.set(key, { at: now, text });
    return text;
  } catch (error) {
    logger.info('ticket subject not available', { error: (error as Error).name });
    return undefined;
  }
}

/** An event's details without scores, levels or reasons (for an agent who sees the outcome only). */
function withoutAnalysis(e: AuditEventView): AuditEventView {
  if (!e.details) return e;
  const details = Object.fromEntries(
    Object.entries(e.details).filter(([k]) => !/score|level|reason|signal|asn|country|device/i.test(k)),
  );
  return { ...e, details };
}

export async function verificationDetail(
  ctx: Ctx<'consoleQueries' | 'ticketSystems' | 'connections' | 'verifications' | 'audit'>,
  verificationId: string,
  principal: Principal,
): Promise<VerificationDetail> {
  const v = await load(ctx, verificationId);
  const text = ticketText(ctx, v);
  const connection = ctx.connections.getConnection(v.ticket.connectionId);
  const audit = await ctx.consoleQueries.listAudit(
    { verificationId },
    undefined,
    TIMELINE_MAX,
    oldestDay(ctx.clock.now(), ctx.config.RETENTION_DAYS),
  );
  // The server, not the page, keeps the analysis from agents where the connection says so.
  const hidden = analysisHiddenFor(principal, await connection);
  const reasonsByCategory: VerificationDetail['reasonsByCategory'] = {};
  for (const r of hidden ? [] : [...(v.assessment?.reasons ?? [])].sort((a, b) => b.points - a.points)) {
    const list: Reason[] = reasonsByCategory[r.category] ?? [];
    list.push(r);
    reasonsByCategory[r.category] = list;
  }
  const writer = principal.roles.some((r) => r === 'admin' || r === 'agent');
  // Who opened which summary is audited (once per user and verification every ten minutes).
  await auditView(ctx, v, principal);
  const ticket = await text;
  return {
    ...toConsoleView(v, hidden),
    ...(ticket ? { ticketSubject: ticket.subject } : {}),
    ...(ticket?.description ? { ticketDescription: ticket.description } : {}),
    reasonsByCategory,
    // The timeline is what happened to the verification; who looked at it is in the audit log.
    timeline: audit.items
      .filter((e) => e.action !== 'verification.viewed')
      .reverse()
      .map(toAuditView)
      .map((e) => (hidden ? withoutAnalysis(e) : e)),
    transcriptAvailable: hasTranscript(v) && !hidden,
    can: {
      cancel: !isFinal(v.status) && mayActOn(v, principal),
      resend: !isFinal(v.status) && mayActOn(v, principal),
      // A self-service or ticketless request has no ticket to write to.
      retryWriteBack: writer && v.writeBack.state === 'failed' && hasTicket(v),
      viewTranscript: hasTranscript(v) && !hidden,
    },
  };
}

/** The questions and the answers a verification got before it timed out (none: undefined). */
function partialTranscript(v: ConsoleVerification): TranscriptEntry[] | undefined {
  if (v.status !== 'timed_out' || !v.questions?.length || !v.answers?.length) return undefined;
  return buildTranscript(v.questions, v.answers);
}

/** Whether there is a transcript to show: a completed one, or the answers of a timed-out one. */
const hasTranscript = (v: ConsoleVerification) =>
  COMPLETED.has(v.status) || partialTranscript(v) !== undefined;

/** The last summary view audited per user and verification: a polling summary is one view. */
const viewed = new Map<string, number>();
const VIEW_AUDIT_MS = 10 * 60_000;

async function auditView(ctx: Ctx<'audit'>, v: ConsoleVerification, principal: Principal) {
  const key = `${principal.username}/${v.verificationId}`;
  const now = ctx.clock.now().getTime();
  const last = viewed.get(key);
  if (last !== undefined && now - last < VIEW_AUDIT_MS) return;
  viewed.delete(key);
  if (viewed.size >= 5000) viewed.delete(viewed.keys().next().value as string);
  viewed.set(key, now);
  await ctx.audit.appendAudit({
    verificationId: v.verificationId,
    ticket: v.ticket,
    actor: principal.username,
    action: 'verification.viewed',
    at: new Date(now).toISOString(),
  });
}

export async function viewTranscript(
  ctx: Ctx<'verifications' | 'connections' | 'audit'>,
  verificationId: string,
  principal: Principal,
): Promise<TranscriptView> {
  const v = await load(ctx, verificationId);
  if (analysisHiddenFor(principal, await ctx.connections.getConnection(v.ticket.connectionId)))
    throw new NotPermitted(
      'ANALYSIS_HIDDEN',
      'This connection shows agents the outcome and the recommendation only; ask an auditor for the transcript',
    );
  // A timed-out verification has no stored transcript: what it got is built from its answers.
  const entries = (await ctx.verifications.getTranscript(verificationId)) ?? partialTranscript(v);
  if (!entries)
    throw new NotFound('TRANSCRIPT_NOT_AVAILABLE', 'This verification has no transcript (not completed)');
  await ctx.audit.appendAudit({
    verificationId,
    ticket: v.ticket,
    actor: principal.username,
    action: 'transcript.viewed',
    at: ctx.clock.now().toISOString(),
  });
  return {
    verificationId,
    ticketNumber: v.ticketNumber,
    requesterName: v.requesterName,
    ...(v.openedAt ? { openedAt: v.openedAt } : {}),
    ...(v.completedAt ? { completedAt: v.completedAt } : {}),
    entries,
  };
}
