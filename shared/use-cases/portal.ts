/**
 * The requester's side (primary course): open the link (the token is exchanged for a short-lived
 * session scoped to one verification, the verification goes `in_progress`, questions are built
 * once and frozen), answer and complete (graded, scored, written with a conditional transition so
 * a double submission gets a clear 409), then, if passed and eligible, perform the requested action.
 *
 * Completing and the state machine's AwaitCompletion task can race: whichever runs second sends the
 * callback, so exactly one SendTaskSuccess happens (see storeTaskToken's condition).
 */

import { createHmac } from 'node:crypto';
import { DirectoryPasswordRejectedError } from '../adapters/directory/errors.js';
import { secretNames } from '../adapters/secrets.js';
import type { Ctx } from '../composition.js';
import { assess, DEFAULT_SCORING } from '../domain/assessment.js';
import { endpointSignals } from '../domain/endpoint-signals.js';
import { AppError, badRequest, conflict, forbidden, gone, notFound, unauthorized } from '../domain/errors.js';
import { ipPrefix, networkSignals } from '../domain/network-signals.js';
import { checkPassword } from '../domain/password-policy.js';
import { personaSignals } from '../domain/persona-signals.js';
import {
  type AnswerRecord,
  buildQuestions,
  buildTranscript,
  gradeResponse,
  gradesOf,
  publicQuestion,
  type Response,
  type TicketHistory,
  weightsOf,
} from '../domain/questions.js';
import { hashLinkToken, signSession, verifySession } from '../domain/tokens.js';
import { isFinal, type Reason, remainingSeconds, type Verification } from '../domain/verification.js';
import { logger } from '../logger.js';
import type { Connection, DirectoryUser } from '../ports.js';
import * as z from '../zod.js';
import { loadConnection } from './intake-ticket.js';
import { resumeStage } from './resume-stage.js';
import { torExits } from './tor-exits.js';

/**
 * Abuse limit on every portal request: so many per source network (/24 or /48) per 15 minutes.
 * Link guessing, scripted retries and floods from one network are cut off with 429.
 */
export async function guardPortalSource(ctx: Ctx<'store'>, sourceIp: string): Promise<void> {
  const attempts = await ctx.store.countAttempt(`SOURCE#${ipPrefix(sourceIp)}`, 900);
  if (attempts > ctx.config.PORTAL_REQUESTS_PER_SOURCE) {
    throw new AppError(
      'TOO_MANY_ATTEMPTS',
      429,
      'Too many attempts from this network; try again in 15 minutes',
    );
  }
}

const shortId = () => z.string().check(z.minLength(1), z.maxLength(16));

const short = (max: number) => z.string().check(z.maxLength(max));

export async function openPortalSession(
  ctx: Ctx<'store' | 'directory' | 'secrets' | 'workflow' | 'ticketSystems'>,
  linkToken: string | undefined,
) {
  if (!linkToken) throw unauthorized('LINK_TOKEN_MISSING', 'Open the link from your message');
  const link = await ctx.store.findLinkToken(hashLinkToken(linkToken));
  if (!link) throw notFound('LINK_NOT_FOUND', 'This link is not valid');
  const now = ctx.clock.now();
  if (Date.parse(link.expiresAt) <= now.getTime()) throw gone('LINK_EXPIRED', 'This link has expired');
  let v = await mustGet(ctx, link.verificationId);
  if (v.status === 'timed_out') throw gone('LINK_EXPIRED', 'This link has expired');
  if (isFinal(v.status)) throw gone('LINK_ALREADY_USED', 'This link has already been used');
  const connection = await loadConnection(ctx, v.ticket.connectionId);
  const opens = await ctx.store.countAttempt(
    `OPENS#${v.verificationId}`,
    connection.linkLifetimeSeconds + 60,
  );
  if (opens > ctx.config.MAX_OPENS_PER_LINK) {
    if (opens === ctx.config.MAX_OPENS_PER_LINK + 1) {
      await ctx.store.appendAudit(audit(v, 'verification.too_many_opens', now, { opens }));
    }
    throw new AppError(
      'TOO_MANY_ATTEMPTS',
      429,
      'This link was opened too many times; ask the help desk for a new one',
    );
  }

  if (v.status === 'sent') {
    const requester = await ctx.directory.getUser(v.requesterId);
    if (!requester)
      throw new AppError('REQUESTER_NOT_IN_DIRECTORY', 422, 'The requester is not in the directory');
    const manager = requester.managerId ? await ctx.directory.getUser(requester.managerId) : undefined;
    const [others, tickets] = await Promise.all([
      ctx.directory.sampleUsers(40, requester.userId),
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
      v = await ctx.store.transition(
        v.verificationId,
        'in_progress',
        { questions, answers: [], openedAt: now.toISOString() },
        audit(v, 'verification.opened', now),
      );
    } catch (error) {
      // Opened twice at once: the other request froze the questions; use those.
      if (!(error instanceof AppError && error.code === 'INVALID_TRANSITION')) throw error;
    }
    // If AwaitOpen stored its token before the link was opened, resume it; otherwise it resumes itself.
    await resumeStage(ctx, v.verificationId, 'open');
    v = await mustGet(ctx, v.verificationId);
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
 * The requester's recent tickets (not this one) and other people's (decoys) from the ticket
 * system, for the recent-ticket question. Best effort: a slow or failing ITSM only drops that
 * question, never the verification.
 */
async function ticketHistory(
  ctx: Ctx<'ticketSystems'>,
  v: Verification,
  requester: DirectoryUser,
  connection: Connection,
  now: Date,
): Promise<TicketHistory> {
  const itsm = ctx.ticketSystems.forConnection(connection);
  const since = new Date(now.getTime() - TICKET_HISTORY_DAYS * 86_400_000);
  try {
    const [mine, others] = await Promise.all([
      itsm.recentTickets({ requesterEmail: requester.email, since, limit: 6 }),
      itsm.recentTickets({ excludeRequesterEmail: requester.email, since, limit: 20 }),
    ]);
    // The ticket being verified is not "one you raised before", and must not come back as a decoy.
    const current = mine.filter((t) => t.number === v.ticketNumber);
    return {
      own: mine.filter((t) => t.number !== v.ticketNumber),
      others: others.map((t) => t.subject),
      avoid: current.map((t) => t.subject),
    };
  } catch (error) {
    logger.warn('recent tickets unavailable; the ticket question is left out', {
      error: (error as Error).name,
    });
    return { own: [], others: [] };
  }
}

/** The question to answer now (questions are answered in order, one at a time), or done. */
function questionView(v: Verification, now: Date) {
  const questions = v.questions ?? [];
  const answered = v.answers?.length ?? 0;
  const next = questions[answered];
  if (!next) return { done: true as const, total: questions.length, answered };
  return {
    done: false as const,
    position: answered + 1,
    total: questions.length,
    remainingSeconds: remainingSeconds(v, now),
    question: publicQuestion(next),
  };
}

export async function nextQuestion(ctx: Ctx<'store' | 'secrets'>, sessionToken: string | undefined) {
  const v = await sessionVerification(ctx, sessionToken);
  if (v.status !== 'in_progress')
    throw conflict('VERIFICATION_ALREADY_COMPLETED', `The verification is already ${v.status}`);
  return questionView(v, ctx.clock.now());
}

export const answerSchema = z.union([
  z.strictObject({ questionId: shortId(), optionId: shortId() }),
  z.strictObject({ questionId: shortId(), text: z.string().check(z.maxLength(200)) }),
  z.strictObject({ questionId: shortId(), skipped: z.literal(true) }),
]);

/**
 * Records one answer, graded at once (only the grade and, unless redacted, the response are kept),
 * timed by the server. Answers go in order and once: a double submission or a stale page gets 409.
 */
export async function answerQuestion(
  ctx: Ctx<'store' | 'secrets'>,
  sessionToken: string | undefined,
  input: z.infer<typeof answerSchema>,
) {
  const v = await sessionVerification(ctx, sessionToken);
  if (v.status !== 'in_progress')
    throw conflict('VERIFICATION_ALREADY_COMPLETED', `The verification is already ${v.status}`);
  const answers = v.answers ?? [];
  if (answers.some((a) => a.questionId === input.questionId))
    throw conflict('ANSWER_ALREADY_RECORDED', 'This question has already been answered');
  const position = answers.length;
  const question = v.questions?.[position];
  if (!question || question.id !== input.questionId) {
    throw conflict('QUESTION_OUT_OF_ORDER', 'Answer the current question first; reload the page');
  }
  const { questionId, ...response } = input;
  let graded: ReturnType<typeof gradeResponse>;
  try {
    graded = gradeResponse(question, response as Response);
  } catch (error) {
    throw badRequest('INVALID_ANSWER', (error as Error).message);
  }
  const now = ctx.clock.now();
  const previousAt = answers.at(-1)?.answeredAt ?? v.openedAt ?? now.toISOString();
  const redact = ctx.config.TRANSCRIPT_RESPONSES === 'redact';
  const record: AnswerRecord = {
    questionId,
    grade: graded.grade,
    response: redact ? null : graded.shown,
    redacted: redact && graded.shown !== null,
    answeredAt: now.toISOString(),
    elapsedMs: Math.max(0, now.getTime() - Date.parse(previousAt)),
  };
  if (!(await ctx.store.recordAnswer(v.verificationId, position, record))) {
    const current = await mustGet(ctx, v.verificationId);
    if (current.status !== 'in_progress')
      throw conflict('VERIFICATION_ALREADY_COMPLETED', `The verification is already ${current.status}`);
    throw conflict('ANSWER_ALREADY_RECORDED', 'This question has already been answered');
  }
  return questionView({ ...v, answers: [...answers, record] }, now);
}

export const signalsSchema = z.strictObject({
  webdriver: z.boolean(),
  bot: z.optional(z.strictObject({ detected: z.boolean(), kind: z.optional(short(40)) })),
  timeZone: z.optional(short(64)),
  languages: z.optional(z.array(short(35)).check(z.maxLength(10))),
  clientHints: z.optional(
    z.strictObject({ platform: z.optional(short(40)), mobile: z.optional(z.boolean()) }),
  ),
  deviceHash: z.optional(z.string().check(z.regex(/^[0-9a-f]{64}$/))),
});

/**
 * The page's silent checks, posted once after the link is opened. The device hash becomes an HMAC
 * per person (comparable across verifications, not reversible); a report from a second device is
 * flagged. The source IP comes from the gateway's request context, never X-Forwarded-For.
 */
export async function recordSignals(
  ctx: Ctx<'store' | 'secrets' | 'directory' | 'ipIntel'>,
  sessionToken: string | undefined,
  input: z.infer<typeof signalsSchema>,
  request: { userAgent: string; sourceIp: string },
) {
  const v = await sessionVerification(ctx, sessionToken);
  if (v.status !== 'in_progress')
    throw conflict('VERIFICATION_NOT_IN_PROGRESS', 'This verification is not in progress');
  const { deviceHash, ...signals } = input;
  const deviceHmac = deviceHash
    ? createHmac('sha256', await sessionKey(ctx))
        .update(`device:${v.requesterId}:${deviceHash}`)
        .digest('hex')
    : undefined;
  const now = ctx.clock.now();
  const requester = await ctx.directory.getUser(v.requesterId);
  const ip = ctx.ipIntel.lookup(request.sourceIp);
  const previous = await ctx.store.lastSighting(v.requesterId);
  const networkReasons = networkSignals({
    ip,
    sourceIp: request.sourceIp,
    previous: previous ? [previous] : [],
    usualCountries: requester?.usualCountries ?? (requester ? [requester.country] : []),
    corporateAsns: ctx.config.CORPORATE_ASNS.split(',').map(Number).filter(Number.isInteger),
    now,
    dataAgeDays: ctx.ipIntel.dataAgeDays(now),
    torExitIps: await torExits(ctx),
  });
  const { secondDevice } = await ctx.store.recordClient(v.verificationId, {
    signals,
    deviceHmac,
    userAgent: request.userAgent.slice(0, 300),
    ipPrefix: ipPrefix(request.sourceIp),
    ipCountry: ip.country,
    asn: ip.asn,
    asOrg: ip.asOrg,
    networkReasons,
    at: now.toISOString(),
  });
  if (!secondDevice && ip.country)
    await ctx.store.recordSighting(v.requesterId, { country: ip.country, at: now.toISOString() });
  if (secondDevice) await ctx.store.appendAudit(audit(v, 'verification.second_device', ctx.clock.now()));
  return { received: true };
}

export const completeSchema = z.strictObject({});

/** Grades what was answered (unanswered questions count as skipped), scores, records the outcome. */
export async function completeVerification(
  ctx: Ctx<'store' | 'directory' | 'secrets' | 'workflow'>,
  sessionToken: string | undefined,
) {
  const v = await sessionVerification(ctx, sessionToken);
  if (isFinal(v.status))
    throw conflict('VERIFICATION_ALREADY_COMPLETED', `The verification is already ${v.status}`);
  const questions = v.questions ?? [];
  const answers = v.answers ?? [];
  // Scoring is the one place that needs the person's recent history from the IdP's logs.
  const requester = await ctx.directory.getUser(v.requesterId, { history: true });
  if (!requester)
    throw new AppError('REQUESTER_NOT_IN_DIRECTORY', 422, 'The requester is not in the directory');
  const connection = await loadConnection(ctx, v.ticket.connectionId);
  const grades = gradesOf(questions, answers);
  const signalsAt = ctx.clock.now();
  const deviceHmac = v.client?.deviceHmac;
  const knownDevice = deviceHmac ? await ctx.store.isKnownDevice(requester.userId, deviceHmac) : false;
  const { status, assessment } = assess({
    signals: [
      ...answerSpeed(answers, ctx.config.MIN_MS_PER_ANSWER),
      ...(v.client?.networkReasons ?? []),
      ...(v.secondDeviceNetworkReasons ?? []).map((r) => ({
        ...r,
        evidence: `second device: ${r.evidence}`,
      })),
      ...personaSignals(requester, v, signalsAt),
      ...endpointSignals(v.client?.signals, {
        userAgent: v.client?.userAgent ?? '',
        ipCountry: v.client?.ipCountry,
        profileCountry: requester.country,
        knownDevice,
        secondDevice: v.secondDevice ?? false,
      }),
    ],
    grades,
    weights: weightsOf(questions),
    policy: {
      ...DEFAULT_SCORING,
      minAnswered: connection.minAnswered,
      mediumFrom: connection.mediumFrom ?? DEFAULT_SCORING.mediumFrom,
      highFrom: connection.highFrom ?? DEFAULT_SCORING.highFrom,
    },
  });
  // A device that passed becomes known for this person (a small credit next time).
  if (status === 'passed' && deviceHmac) await ctx.store.rememberDevice(requester.userId, deviceHmac);
  const eligibleForAction = status === 'passed' && v.requestedAction !== undefined && !requester.privileged;
  const now = ctx.clock.now();
  await ctx.store.transition(
    v.verificationId,
    status,
    {
      assessment,
      completedAt: now.toISOString(),
      action: { state: eligibleForAction ? 'pending' : 'none' },
      transcript: buildTranscript(questions, answers),
    },
    audit(v, `verification.${status}`, now, {
      riskScore: assessment.riskScore,
      riskLevel: assessment.riskLevel,
    }),
  );
  await resumeStage(ctx, v.verificationId, 'completion');
  return {
    verificationId: v.verificationId,
    outcome: status,
    // The requester learns the outcome, never which check failed or the score.
    nextAction: eligibleForAction ? v.requestedAction : undefined,
  };
}

export const actionSchema = z.strictObject({
  action: z.literal('password_reset'),
  newPassword: z.string().check(z.minLength(1), z.maxLength(256)),
});

export async function performAction(
  ctx: Ctx<'store' | 'directory' | 'secrets' | 'workflow' | 'messenger'>,
  sessionToken: string | undefined,
  input: z.infer<typeof actionSchema>,
) {
  const v = await sessionVerification(ctx, sessionToken);
  if (v.status !== 'passed' || v.requestedAction !== input.action) {
    throw forbidden('ACTION_NOT_ALLOWED', 'This action is not available for this verification');
  }
  const requester = await ctx.directory.getUser(v.requesterId);
  if (!requester || requester.privileged)
    throw forbidden('ACTION_NOT_ALLOWED', 'This action is not available');
  const policy = checkPassword(input.newPassword, personalWords(requester));
  if (!policy.ok) {
    throw badRequest('PASSWORD_POLICY', policy.message, {
      reason: policy.reason,
      suggestions: policy.suggestions,
    });
  }
  const now = ctx.clock.now();
  const claimed = await ctx.store.setAction(
    v.verificationId,
    ['pending'],
    'running',
    audit(v, 'action.started', now),
  );
  if (!claimed)
    throw conflict('ACTION_ALREADY_DONE', 'This action has already been performed or has expired');
  try {
    await ctx.directory.resetPassword(requester.userId, input.newPassword);
  } catch (error) {
    if (error instanceof DirectoryPasswordRejectedError) {
      // The directory's own policy refused it: the requester may choose another.
      await ctx.store.setAction(
        v.verificationId,
        ['running'],
        'pending',
        audit(v, 'action.password_rejected', ctx.clock.now()),
      );
      throw badRequest(
        'PASSWORD_POLICY',
        error.idpMessage || 'The directory refused this password; choose another',
        {
          reason: 'directory_policy',
          suggestions: [],
        },
      );
    }
    await ctx.store.setAction(
      v.verificationId,
      ['running'],
      'failed',
      audit(v, 'action.failed', ctx.clock.now()),
    );
    await resumeAfterAction(ctx, v.verificationId, 'failed');
    throw error;
  }
  await ctx.store.setAction(
    v.verificationId,
    ['running'],
    'done',
    audit(v, 'action.password_reset', ctx.clock.now()),
  );
  await resumeAfterAction(ctx, v.verificationId, 'done');
  await noticePasswordChanged(ctx, v, requester);
  return { verificationId: v.verificationId, action: input.action, state: 'done' as const };
}

const personalWords = (u: DirectoryUser) => [u.displayName, u.givenName, u.email.split('@')[0] ?? ''];

export const passwordCheckSchema = z.strictObject({
  newPassword: z.string().check(z.maxLength(256)),
});

/** Strength feedback while the requester types (the policy library is too big to ship to a phone). */
export async function checkNewPassword(
  ctx: Ctx<'store' | 'directory' | 'secrets'>,
  sessionToken: string | undefined,
  input: z.infer<typeof passwordCheckSchema>,
) {
  const v = await sessionVerification(ctx, sessionToken);
  if (v.status !== 'passed' || v.action.state !== 'pending')
    throw forbidden('ACTION_NOT_ALLOWED', 'This action is not available for this verification');
  const requester = await ctx.directory.getUser(v.requesterId);
  if (!requester || requester.privileged)
    throw forbidden('ACTION_NOT_ALLOWED', 'This action is not available');
  const result = checkPassword(input.newPassword, personalWords(requester));
  return result.ok
    ? { ok: true, message: 'This password meets the policy', suggestions: [] }
    : { ok: false, reason: result.reason, message: result.message, suggestions: result.suggestions };
}

/**
 * Tells the requester, on the contact on record (never an agent-typed destination), that their
 * password changed: if it was not them, they know at once. A failed notice does not undo the reset.
 */
async function noticePasswordChanged(
  ctx: Ctx<'store' | 'messenger'>,
  v: Verification,
  requester: DirectoryUser,
) {
  const channel = requester.email ? 'email' : 'sms';
  const to = requester.email || requester.mobilePhone;
  if (!to) return;
  try {
    await ctx.messenger.send({
      channel,
      to,
      verificationId: v.verificationId,
      subject: 'Your password was changed',
      text: `Your password was changed through the IT help desk's self-service portal (ticket ${v.ticketNumber}). If this was not you, call the help desk now on the number you know.`,
    });
    await ctx.store.appendAudit(audit(v, 'action.notice_sent', ctx.clock.now(), { channel }));
  } catch (error) {
    await ctx.store.appendAudit(
      audit(v, 'action.notice_failed', ctx.clock.now(), { channel, error: (error as Error).name }),
    );
  }
}

/** If AwaitAction stored its token before the action closed, resume it; otherwise it resumes itself. */
async function resumeAfterAction(
  ctx: Ctx<'store' | 'workflow'>,
  verificationId: string,
  _actionState: 'done' | 'failed', // resumeStage reads it back from the store
) {
  await resumeStage(ctx, verificationId, 'action');
}

async function sessionVerification(
  ctx: Ctx<'store' | 'secrets'>,
  sessionToken: string | undefined,
): Promise<Verification> {
  if (!sessionToken) throw unauthorized('SESSION_MISSING', 'Open the link from your message again');
  const check = verifySession(sessionToken, await sessionKey(ctx), ctx.clock.now());
  if (!check.ok) {
    throw unauthorized(
      check.reason === 'expired' ? 'SESSION_EXPIRED' : 'SESSION_INVALID',
      'Your session has ended; open the link again',
    );
  }
  const v = await mustGet(ctx, check.verificationId);
  // The link ran out while the page was open: the same answer as opening an expired link.
  if (v.status === 'timed_out') throw gone('LINK_EXPIRED', 'This link has expired');
  return v;
}

async function mustGet(ctx: Ctx<'store'>, verificationId: string): Promise<Verification> {
  const v = await ctx.store.getVerification(verificationId);
  if (!v) throw notFound('VERIFICATION_NOT_FOUND', 'No such verification');
  return v;
}

const sessionKey = (ctx: Ctx<'secrets'>) => ctx.secrets.get(secretNames.portalSessionKey);

function audit(
  v: Verification,
  action: string,
  at: Date,
  details?: Record<string, string | number | boolean>,
) {
  return {
    verificationId: v.verificationId,
    ticket: v.ticket,
    actor: 'requester',
    action,
    at: at.toISOString(),
    details,
  };
}

/**
 * Answers faster than a person reads (server-timed between answers, so the page cannot forge it):
 * a script that fetched each question and answered at once. Flagged when most answers were fast.
 */
function answerSpeed(answers: AnswerRecord[], minMsPerAnswer: number): Reason[] {
  const given = answers.filter((a) => a.grade !== 'skipped');
  if (minMsPerAnswer <= 0 || given.length === 0) return [];
  const fast = given.filter((a) => a.elapsedMs < minMsPerAnswer).length;
  if (fast < Math.max(2, Math.ceil(given.length / 2))) return [];
  return [
    {
      code: 'ANSWERS_TOO_FAST',
      category: 'endpoint',
      points: 3,
      evidence: `${fast} of ${given.length} answers under ${(minMsPerAnswer / 1000).toFixed(1)} s`,
      message: 'The questions were answered faster than a person can read them',
    },
  ];
}
