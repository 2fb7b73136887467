/**
 * Open the link: the requester's first step.
 *
 * Primary course: the link token is hashed and looked up; it must not be expired or used, and opens are
 * counted. On the first open the questions are built from the person's directory record, other people's
 * (decoys) and the ITSM's ticket history, frozen on the verification (sent -> in_progress, so a reload
 * shows the same options), and the state machine's waiting AwaitOpen stage is resumed. The answer is a
 * short-lived session scoped to this one verification, and nothing about the person.
 */
import { CannotProceed, Expired, InvalidTransition, NotFound, Unauthenticated } from '../../domain/errors.js';
import { requesterAudit } from '../../domain/model/audit-event.js';
import type { Connection } from '../../domain/model/connection.js';
import type { DirectoryUser } from '../../domain/model/person.js';
import { isFinal, type Verification } from '../../domain/model/verification.js';
import { buildQuestions, DECOY_SAMPLE_SIZE } from '../../domain/questions/build.js';
import type { TicketHistory } from '../../domain/questions/tickets.js';
import { hashLinkToken, signSession } from '../../domain/tokens.js';
import { logger } from '../../logger.js';
import type { PortalSession } from '../../portal-api.js';
import type { Ctx } from '../../ports/context.js';
import { loadConnection, loadVerification } from '../load.js';
import { resumeStage } from '../resume-stage.js';
import { countInvalidLink, refuse } from './guard.js';
import { sessionKey } from './session.js';

export async function openPortalSession(
  ctx: Ctx<
    | 'directory'
    | 'secrets'
    | 'workflow'
    | 'ticketSystems'
    | 'verifications'
    | 'linkTokens'
    | 'counters'
    | 'audit'
    | 'connections'
  >,
  linkToken: string | undefined,
  sourceIp: string,
): Promise<PortalSession> {
  if (!linkToken) {
    await countInvalidLink(ctx, sourceIp);
    throw new Unauthenticated('LINK_TOKEN_MISSING', 'Open the link from your message');
  }
  const link = await ctx.linkTokens.findLinkToken(hashLinkToken(linkToken));
  if (!link) {
    await countInvalidLink(ctx, sourceIp);
    throw new NotFound('LINK_NOT_FOUND', 'This link is not valid');
  }
  const now = ctx.clock.now();
  if (Date.parse(link.expiresAt) <= now.getTime()) throw new Expired('LINK_EXPIRED', 'This link has expired');
  let v = await loadVerification(ctx, link.verificationId);
  if (v.status === 'timed_out') throw new Expired('LINK_EXPIRED', 'This link has expired');
  // Finished, or the answers are in and the manager is asked: the link has done its work.
  if (isFinal(v.status) || v.status === 'step_up')
    throw new Expired('LINK_ALREADY_USED', 'This link has already been used');
  const connection = await loadConnection(ctx, v.ticket.connectionId);
  const opens = await ctx.counters.countAttempt(
    `OPENS#${v.verificationId}`,
    connection.linkLifetimeSeconds + 60,
  );
  if (opens > ctx.config.MAX_OPENS_PER_LINK) {
    if (opens === ctx.config.MAX_OPENS_PER_LINK + 1) {
      await ctx.audit.appendAudit(requesterAudit(v, 'verification.too_many_opens', now, { opens }));
    }
    refuse('LINK_OPENED_TOO_OFTEN', 'This link was opened too many times; ask the help desk for a new one');
  }

  if (v.status === 'sent') {
    const requester = await ctx.directory.getUser(v.requesterId);
    if (!requester)
      throw new CannotProceed('REQUESTER_NOT_IN_DIRECTORY', 'The requester is not in the directory');
    const manager = requester.managerId ? await ctx.directory.getUser(requester.managerId) : undefined;
    const [others, tickets] = await Promise.all([
      ctx.directory.sampleUsers(DECOY_SAMPLE_SIZE, requester.userId),
      ticketHistory(ctx, v, requester, connection, now),
    ]);
    const questions = buildQuestions(
      requester,
      manager,
      others,
      ctx.config.QUESTIONS_PER_VERIFICATION,
      tickets,
    );
    try {
      v = await ctx.verifications.transition(
        v.verificationId,
        'in_progress',
        { questions, answers: [], openedAt: now.toISOString() },
        requesterAudit(v, 'verification.opened', now),
      );
    } catch (error) {
      // Opened twice at once: the other request froze the questions; use those.
      if (!(error instanceof InvalidTransition)) throw error;
    }
    // If AwaitOpen stored its token before the link was opened, resume it; otherwise it resumes itself.
    await resumeStage(ctx, v.verificationId, 'open');
    v = await loadVerification(ctx, v.verificationId);
  }
  const sessionExpires = new Date(
    Math.min(now.getTime() + ctx.config.SESSION_MINUTES * 60_000, Date.parse(v.linkExpiresAt)),
  );
  // What the landing page needs, and nothing about the person: no name, no contact, no answers.
  return {
    verificationId: v.verificationId,
    ticketNumber: v.ticketNumber,
    /** agent: an agent sent the link from a ticket; self_service: the person asked on the start page. */
    origin: v.origin ?? 'agent',
    status: v.status,
    requestedAction: v.requestedAction ?? null,
    questionCount: v.questions?.length ?? 0,
    minAnswered: connection.minAnswered,
    sessionToken: signSession(v.verificationId, sessionExpires, await sessionKey(ctx)),
    sessionExpiresAt: sessionExpires.toISOString(),
    linkExpiresAt: v.linkExpiresAt,
  };
}

/** How far back the recent-ticket question looks. */
const TICKET_HISTORY_DAYS = 120;

/**
 * The requester's earlier tickets and other people's (decoys) from the ticket system, for the
 * recent-ticket question. Only tickets opened `RECENT_TICKET_MIN_AGE_DAYS` before this verification
 * was asked for count as the person's (never this ticket or a later one: a caller who files a
 * ticket in the victim's name first would know the answer). Best effort: a slow or failing ITSM
 * only drops that question, never the verification.
 */
async function ticketHistory(
  ctx: Ctx<'ticketSystems'>,
  v: Verification,
  requester: DirectoryUser,
  connection: Connection,
  now: Date,
): Promise<TicketHistory> {
  const openedBefore = new Date(
    Date.parse(v.createdAt) - ctx.config.RECENT_TICKET_MIN_AGE_DAYS * 86_400_000,
  ).toISOString();
  const itsm = ctx.ticketSystems.forConnection(connection);
  const since = new Date(now.getTime() - TICKET_HISTORY_DAYS * 86_400_000);
  try {
    const [mine, others] = await Promise.all([
      itsm.recentTickets({ requesterEmail: requester.email, since, limit: 10 }),
      itsm.recentTickets({ excludeRequesterEmail: requester.email, since, limit: 20 }),
    ]);
    // The ticket being verified is not "one you raised before", and must not come back as a decoy.
    const current = mine.filter((t) => t.number === v.ticketNumber);
    return {
      own: mine.filter((t) => t.number !== v.ticketNumber),
      others: others.map((t) => ({ subject: t.subject, requester: t.requester })),
      avoid: current.map((t) => t.subject),
      openedBefore,
    };
  } catch (error) {
    logger.warn('recent tickets unavailable; the ticket question is left out', {
      error: (error as Error).name,
    });
    return { own: [], others: [], openedBefore };
  }
}
