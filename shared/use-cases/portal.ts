/**
 * The requester's side (primary course): open the link (the token is exchanged for a short-lived
 * session scoped to one verification, the verification goes `in_progress`, questions are built
 * once and frozen), answer and complete (graded, scored, written with a conditional transition so
 * a double submission gets a clear 409), then, if passed and eligible, perform the requested action.
 *
 * Completing and the state machine's AwaitCompletion task can race: whichever runs second sends the
 * callback, so exactly one SendTaskSuccess happens (see storeTaskToken's condition).
 */

import { createHash, createHmac } from 'node:crypto';
import { DirectoryPasswordRejectedError } from '../adapters/directory/errors.js';
import { secretNames } from '../adapters/secrets.js';
import type { Ctx } from '../composition.js';
import { assess, DEFAULT_SCORING } from '../domain/assessment.js';
import { checkDeviceCredential, endpointSignals, issueDeviceCredential } from '../domain/endpoint-signals.js';
import {
  AlreadyCompleted,
  CannotProceed,
  Expired,
  InvalidInput,
  InvalidTransition,
  NotFound,
  NotPermitted,
  RateLimited,
  StateConflict,
  Unauthenticated,
} from '../domain/errors.js';
import type { Connection } from '../domain/model/connection.js';
import type { DirectoryUser } from '../domain/model/person.js';
import type { AnswerRecord, Response } from '../domain/model/question.js';
import {
  type Assessment,
  type ClientContext,
  isFinal,
  type Reason,
  remainingSeconds,
  type Verification,
} from '../domain/model/verification.js';
import { ipPrefix, networkSignals } from '../domain/network-signals.js';
import { checkPassword } from '../domain/password-policy.js';
import { personaSignals } from '../domain/persona-signals.js';
import {
  buildQuestions,
  buildTranscript,
  DECOY_SAMPLE_SIZE,
  gradeResponse,
  gradesOf,
  guessOddsOf,
  publicQuestion,
  type TicketHistory,
  weightsOf,
} from '../domain/questions.js';
import { hashLinkToken, signSession, verifySession } from '../domain/tokens.js';
import { REQUESTER_DENIED } from '../domain/verdict.js';
import { logger } from '../logger.js';
import * as z from '../zod.js';
import { loadConnection } from './intake-ticket.js';
import { resumeStage } from './resume-stage.js';
import { torExits } from './tor-exits.js';

/**
 * Abuse limits (README "Portal"). They are aimed at whoever abuses, not at the people who share
 * their address:
 * - Unauthenticated entry points are limited per source network (/24 or /48), sized for an office
 *   or a carrier's NAT: the self-service start (every request) and links that do not open (only
 *   those: a valid link is limited per link, so a neighbour spraying junk never locks it out).
 *   Junk links are also limited per host, so one host is cut off long before its network.
 * - Calls with a session are limited per session and per link, never per network.
 * - A person who passed can always finish: the action and "I did not ask for this" are never cut off.
 */
const WINDOW_SECONDS = 900;

function refuse(code: string, message: string): never {
  throw new RateLimited(code, message);
}

/** Per source network, for the unauthenticated entry points (the self-service start calls this). */
export async function guardPortalSource(ctx: Ctx<'counters'>, sourceIp: string): Promise<void> {
  const attempts = await ctx.counters.countAttempt(`SOURCE#${ipPrefix(sourceIp)}`, WINDOW_SECONDS);
  if (attempts > ctx.config.PORTAL_REQUESTS_PER_SOURCE) {
    refuse(
      'NETWORK_RATE_LIMITED',
      'Too many requests without a working link came from your network; try again in 15 minutes',
    );
  }
}

/**
 * The host behind an address: the IPv4 address itself (also when IPv4-mapped), or the IPv6 /64
 * (one home or phone). Hashed: counters never hold a full address (DESIGN.md §6, privacy).
 */
function hostKey(sourceIp: string): string {
  const ip = sourceIp.trim().toLowerCase();
  let host = ip;
  if (ip.includes(':') && !ip.includes('.')) {
    const [head = '', tail = ''] = ip.split('::');
    const left = head ? head.split(':') : [];
    const right = tail ? tail.split(':') : [];
    const groups = ip.includes('::')
      ? [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
      : left;
    host = `${groups.slice(0, 4).join(':')}::/64`;
  } else if (ip.includes(':')) {
    host = ip.slice(ip.lastIndexOf(':') + 1);
  }
  return createHash('sha256').update(`host:${host}`).digest('hex').slice(0, 32);
}

/** A link token that does not open: counted against the host, then its network. */
async function countInvalidLink(ctx: Ctx<'counters'>, sourceIp: string): Promise<void> {
  const byHost = await ctx.counters.countAttempt(`BADLINK#${hostKey(sourceIp)}`, WINDOW_SECONDS);
  if (byHost > ctx.config.PORTAL_INVALID_LINKS_PER_HOST) {
    refuse(
      'TOO_MANY_INVALID_LINKS',
      'Too many links that do not work were tried from this device; try again in 15 minutes. A link from your message still opens.',
    );
  }
  await guardPortalSource(ctx, sourceIp);
}

type Budget = 'calls' | 'password_checks' | 'none';

/** Per session and per link (all its sessions), for calls that carry a session token. */
async function guardSession(
  ctx: Ctx<'counters' | 'audit' | 'verifications'>,
  sessionToken: string,
  verificationId: string,
  budget: Budget,
): Promise<void> {
  if (budget === 'none') return;
  const session = hashLinkToken(sessionToken).slice(0, 32);
  if (budget === 'password_checks') {
    const checks = await ctx.counters.countAttempt(`PWCHECK#${session}`, WINDOW_SECONDS);
    if (checks > ctx.config.PORTAL_PASSWORD_CHECKS_PER_SESSION) {
      refuse(
        'PASSWORD_CHECKS_RATE_LIMITED',
        'Live password feedback is paused for a few minutes; you can still choose your password',
      );
    }
    return;
  }
  const [bySession, byLink] = await Promise.all([
    ctx.counters.countAttempt(`PSESSION#${session}`, WINDOW_SECONDS),
    ctx.counters.countAttempt(`PLINK#${verificationId}`, WINDOW_SECONDS),
  ]);
  const over =
    bySession > ctx.config.PORTAL_REQUESTS_PER_SESSION
      ? { code: 'SESSION_RATE_LIMITED', first: bySession === ctx.config.PORTAL_REQUESTS_PER_SESSION + 1 }
      : byLink > ctx.config.PORTAL_REQUESTS_PER_LINK
        ? { code: 'LINK_RATE_LIMITED', first: byLink === ctx.config.PORTAL_REQUESTS_PER_LINK + 1 }
        : undefined;
  if (!over) return;
  if (over.first) {
    const v = await mustGet(ctx, verificationId);
    await ctx.audit.appendAudit(
      audit(
        v,
        over.code === 'SESSION_RATE_LIMITED' ? 'portal.session_rate_limited' : 'portal.link_rate_limited',
        ctx.clock.now(),
      ),
    );
  }
  refuse(
    over.code,
    over.code === 'SESSION_RATE_LIMITED'
      ? 'This page sent too many requests in a short time; wait 15 minutes, then open your link again'
      : 'Your link was used for too many requests in a short time; wait 15 minutes, then open it again',
  );
}

const shortId = () => z.string().check(z.minLength(1), z.maxLength(16));

const short = (max: number) => z.string().check(z.maxLength(max));

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
) {
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
  let v = await mustGet(ctx, link.verificationId);
  if (v.status === 'timed_out') throw new Expired('LINK_EXPIRED', 'This link has expired');
  if (isFinal(v.status)) throw new Expired('LINK_ALREADY_USED', 'This link has already been used');
  const connection = await loadConnection(ctx, v.ticket.connectionId);
  const opens = await ctx.counters.countAttempt(
    `OPENS#${v.verificationId}`,
    connection.linkLifetimeSeconds + 60,
  );
  if (opens > ctx.config.MAX_OPENS_PER_LINK) {
    if (opens === ctx.config.MAX_OPENS_PER_LINK + 1) {
      await ctx.audit.appendAudit(audit(v, 'verification.too_many_opens', now, { opens }));
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
        audit(v, 'verification.opened', now),
      );
    } catch (error) {
      // Opened twice at once: the other request froze the questions; use those.
      if (!(error instanceof InvalidTransition)) throw error;
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

export async function nextQuestion(
  ctx: Ctx<'secrets' | 'counters' | 'audit' | 'verifications'>,
  sessionToken: string | undefined,
) {
  const v = await sessionVerification(ctx, sessionToken);
  if (v.status !== 'in_progress') throw new AlreadyCompleted(v.status);
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
  ctx: Ctx<'secrets' | 'verifications' | 'counters' | 'audit'>,
  sessionToken: string | undefined,
  input: z.infer<typeof answerSchema>,
) {
  const v = await sessionVerification(ctx, sessionToken);
  if (v.status !== 'in_progress') throw new AlreadyCompleted(v.status);
  const answers = v.answers ?? [];
  if (answers.some((a) => a.questionId === input.questionId))
    throw new StateConflict('ANSWER_ALREADY_RECORDED', 'This question has already been answered');
  const position = answers.length;
  const question = v.questions?.[position];
  if (!question || question.id !== input.questionId) {
    throw new StateConflict('QUESTION_OUT_OF_ORDER', 'Answer the current question first; reload the page');
  }
  const { questionId, ...response } = input;
  let graded: ReturnType<typeof gradeResponse>;
  try {
    graded = gradeResponse(question, response as Response);
  } catch (error) {
    throw new InvalidInput('INVALID_ANSWER', (error as Error).message);
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
  if (!(await ctx.verifications.recordAnswer(v.verificationId, position, record))) {
    const current = await mustGet(ctx, v.verificationId);
    if (current.status !== 'in_progress') throw new AlreadyCompleted(current.status);
    throw new StateConflict('ANSWER_ALREADY_RECORDED', 'This question has already been answered');
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
  /** The device credential this browser was given when the person last passed here, if any. */
  deviceCredential: z.optional(z.string().check(z.minLength(1), z.maxLength(400))),
});

/**
 * The page's silent checks, posted once after the link is opened. The device hash becomes an HMAC
 * per person (comparable across verifications, not reversible); a report from a second device is
 * flagged. The source IP comes from the gateway's request context, never X-Forwarded-For.
 */
export async function recordSignals(
  ctx: Ctx<
    'secrets' | 'directory' | 'ipIntel' | 'verifications' | 'people' | 'audit' | 'torExits' | 'counters'
  >,
  sessionToken: string | undefined,
  input: z.infer<typeof signalsSchema>,
  request: { userAgent: string; sourceIp: string },
) {
  const v = await sessionVerification(ctx, sessionToken);
  if (v.status !== 'in_progress')
    throw new StateConflict('VERIFICATION_NOT_IN_PROGRESS', 'This verification is not in progress');
  const { deviceHash, deviceCredential: presented, ...signals } = input;
  const deviceHmac = deviceHash
    ? createHmac('sha256', await sessionKey(ctx))
        .update(`device:${v.requesterId}:${deviceHash}`)
        .digest('hex')
    : undefined;
  const now = ctx.clock.now();
  const requester = await ctx.directory.getUser(v.requesterId);
  const deviceCredential = presented ? await checkCredential(ctx, v, presented, now) : undefined;
  const ip = ctx.ipIntel.lookup(request.sourceIp);
  const previous = await ctx.people.lastSighting(v.requesterId);
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
  const { secondDevice } = await ctx.verifications.recordClient(v.verificationId, {
    signals,
    deviceHmac,
    userAgent: request.userAgent.slice(0, 300),
    ipPrefix: ipPrefix(request.sourceIp),
    ipCountry: ip.country,
    asn: ip.asn,
    asOrg: ip.asOrg,
    networkReasons,
    deviceCredential,
    at: now.toISOString(),
  });
  if (!secondDevice && ip.country)
    await ctx.people.recordSighting(v.requesterId, { country: ip.country, at: now.toISOString() });
  if (secondDevice) await ctx.audit.appendAudit(audit(v, 'verification.second_device', ctx.clock.now()));
  return { received: true };
}

/** Checks a presented device credential: signature, person, connection, expiry, then the stored record. */
async function checkCredential(
  ctx: Ctx<'secrets' | 'people'>,
  v: Verification,
  credential: string,
  now: Date,
): Promise<NonNullable<ClientContext['deviceCredential']>> {
  const check = checkDeviceCredential(
    credential,
    await sessionKey(ctx),
    { userId: v.requesterId, connectionId: v.ticket.connectionId },
    now,
  );
  if (!check.ok) return { state: 'rejected', reason: check.reason };
  if (!(await ctx.people.isKnownDevice(v.requesterId, check.storeKey)))
    return { state: 'rejected', reason: 'revoked' };
  return { state: 'verified', key: check.storeKey };
}

/** Refusals that say someone tried to borrow a device (an expired or revoked one is just no credit). */
const SUSPICIOUS_CREDENTIAL = new Set(['bad_signature', 'other_person']);

/**
 * Every signal but the answers, as the completion and "I did not ask for this" score them. The
 * device credit comes only from a server-issued credential, re-checked now (it may have been revoked
 * since the page presented it); the page's fingerprint is looked up for a zero-point note.
 */
async function collectSignals(
  ctx: Ctx<'people'>,
  v: Verification,
  requester: DirectoryUser,
): Promise<Reason[]> {
  const now = ctx.clock.now();
  const deviceHmac = v.client?.deviceHmac;
  const credential = v.client?.deviceCredential;
  const [knownDevice, fingerprintSeen] = await Promise.all([
    credential?.state === 'verified'
      ? ctx.people.isKnownDevice(requester.userId, credential.key)
      : Promise.resolve(false),
    deviceHmac ? ctx.people.isKnownDevice(requester.userId, deviceHmac) : Promise.resolve(false),
  ]);
  return [
    ...answerSpeed(v.answers ?? [], ctx.config.MIN_MS_PER_ANSWER),
    ...(v.client?.networkReasons ?? []),
    ...(v.secondDeviceNetworkReasons ?? []).map((r) => ({
      ...r,
      evidence: `second device: ${r.evidence}`,
    })),
    ...personaSignals(requester, v, now),
    ...endpointSignals(v.client?.signals, {
      userAgent: v.client?.userAgent ?? '',
      ipCountry: v.client?.ipCountry,
      profileCountry: requester.country,
      knownDevice,
      fingerprintSeen,
      credentialRejected:
        credential?.state === 'rejected' && SUSPICIOUS_CREDENTIAL.has(credential.reason)
          ? credential.reason
          : undefined,
      secondDevice: v.secondDevice ?? false,
    }),
  ];
}

/** What the summary shows: every reason says who vouches for it; only endpoint ones come from the page. */
function withProvenance(assessment: Assessment): Assessment {
  return {
    ...assessment,
    reasons: assessment.reasons.map((r) => (r.verifiedBy ? r : { ...r, verifiedBy: 'server' as const })),
  };
}

const scoringPolicy = (connection: Connection) => ({
  ...DEFAULT_SCORING,
  minAnswered: connection.minAnswered,
  mediumFrom: connection.mediumFrom ?? DEFAULT_SCORING.mediumFrom,
  highFrom: connection.highFrom ?? DEFAULT_SCORING.highFrom,
  minKnowledge: {
    sms: connection.minKnowledgeSms ?? DEFAULT_SCORING.minKnowledge.sms,
    email: connection.minKnowledgeEmail ?? DEFAULT_SCORING.minKnowledge.email,
  },
});

export const completeSchema = z.strictObject({});

/** Grades what was answered (unanswered questions count as skipped), scores, records the outcome. */
export async function completeVerification(
  ctx: Ctx<
    'directory' | 'secrets' | 'workflow' | 'verifications' | 'connections' | 'counters' | 'audit' | 'people'
  >,
  sessionToken: string | undefined,
) {
  const v = await sessionVerification(ctx, sessionToken);
  if (isFinal(v.status)) throw new AlreadyCompleted(v.status);
  const questions = v.questions ?? [];
  const answers = v.answers ?? [];
  // Scoring is the one place that needs the person's recent history from the IdP's logs.
  const requester = await ctx.directory.getUser(v.requesterId, { history: true });
  if (!requester)
    throw new CannotProceed('REQUESTER_NOT_IN_DIRECTORY', 'The requester is not in the directory');
  const connection = await loadConnection(ctx, v.ticket.connectionId);
  const grades = gradesOf(questions, answers);
  const scored = assess({
    channel: v.channel,
    signals: await collectSignals(ctx, v, requester),
    grades,
    weights: weightsOf(questions),
    guessOdds: guessOddsOf(questions),
    policy: scoringPolicy(connection),
  });
  const status = scored.status;
  const assessment = withProvenance(scored.assessment);
  const eligibleForAction = status === 'passed' && v.requestedAction !== undefined && !requester.privileged;
  const now = ctx.clock.now();
  await ctx.verifications.transition(
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
  const deviceCredential = status === 'passed' ? await rememberThisDevice(ctx, v, requester) : undefined;
  await resumeStage(ctx, v.verificationId, 'completion');
  return {
    verificationId: v.verificationId,
    outcome: status,
    // The requester learns the outcome, never which check failed or the score.
    nextAction: eligibleForAction ? v.requestedAction : undefined,
    /** Kept by the page (this browser only) and presented with the next verification's checks. */
    deviceCredential,
  };
}

/**
 * After a pass: a new device credential for this browser (the credit next time; the server keeps
 * its key, so it can expire and be revoked) and the page's fingerprint noted (zero points later).
 */
async function rememberThisDevice(
  ctx: Ctx<'secrets' | 'people' | 'audit'>,
  v: Verification,
  requester: DirectoryUser,
): Promise<string> {
  const issued = issueDeviceCredential(
    await sessionKey(ctx),
    { userId: requester.userId, connectionId: v.ticket.connectionId },
    ctx.clock.now(),
  );
  await ctx.people.rememberDevice(requester.userId, issued.storeKey);
  if (v.client?.deviceHmac) await ctx.people.rememberDevice(requester.userId, v.client.deviceHmac);
  await ctx.audit.appendAudit(
    audit(v, 'device.credential_issued', ctx.clock.now(), { expiresAt: issued.expiresAt }),
  );
  return issued.credential;
}

/** "I did not ask for this" needs an explicit confirmation, so a stray tap never ends a verification. */
export const notMeSchema = z.strictObject({ confirm: z.literal(true) });

/**
 * "I did not ask for this": the person the link reached says someone else asked. The verification
 * ends Failed at once with REQUESTER_DENIED, a hard rule that outranks every other signal (10, High,
 * the URGENT recommendation and ticket note), scored with everything seen so far so the agent also
 * sees where the link was opened. The lifecycle carries on as after any completion. A device
 * credential presented in this verification is revoked: whoever holds it is not to be trusted.
 * Never cut off by a rate limit; once completed, 409.
 */
export async function reportNotMe(
  ctx: Ctx<
    'directory' | 'secrets' | 'workflow' | 'verifications' | 'people' | 'audit' | 'connections' | 'counters'
  >,
  sessionToken: string | undefined,
) {
  let v = await sessionVerification(ctx, sessionToken, 'none');
  if (isFinal(v.status)) throw new AlreadyCompleted(v.status);
  const requester = await ctx.directory.getUser(v.requesterId, { history: true });
  if (!requester)
    throw new CannotProceed('REQUESTER_NOT_IN_DIRECTORY', 'The requester is not in the directory');
  const connection = await loadConnection(ctx, v.ticket.connectionId);
  const answers = v.answers ?? [];
  // Only what was answered is graded: the questions not reached are not "skipped" by this person.
  const reached = (v.questions ?? []).slice(0, answers.length);
  const denied: Reason = {
    code: REQUESTER_DENIED,
    category: 'persona',
    points: 10,
    evidence: `"I did not ask for this" chosen on the portal after ${answers.length} answer${answers.length === 1 ? '' : 's'}`,
    message: 'The person the link reached says they did not ask for this verification',
    verifiedBy: 'server',
  };
  const scored = assess({
    signals: [denied, ...(await collectSignals(ctx, v, requester))],
    channel: v.channel,
    grades: gradesOf(reached, answers),
    weights: weightsOf(reached),
    guessOdds: guessOddsOf(reached),
    policy: scoringPolicy(connection),
  });
  const assessment = withProvenance(scored.assessment);
  const now = ctx.clock.now();
  v = await ctx.verifications.transition(
    v.verificationId,
    scored.status,
    {
      assessment,
      completedAt: now.toISOString(),
      action: { state: 'none' },
      transcript: buildTranscript(reached, answers),
      requesterReport: { kind: 'not_me', at: now.toISOString() },
    },
    audit(v, 'verification.requester_denied', now, {
      outcome: scored.status,
      riskScore: assessment.riskScore,
      riskLevel: assessment.riskLevel,
      answered: answers.length,
    }),
  );
  const credential = v.client?.deviceCredential;
  if (credential?.state === 'verified') {
    await ctx.people.forgetDevice(v.requesterId, credential.key);
    await ctx.audit.appendAudit(audit(v, 'device.credential_revoked', ctx.clock.now()));
  }
  await resumeStage(ctx, v.verificationId, 'completion');
  return { verificationId: v.verificationId, outcome: scored.status, reported: 'not_me' as const };
}

export const feedbackSchema = z.strictObject({
  difficulty: z.enum(['easy', 'hard']),
  comment: z.optional(z.string().check(z.maxLength(500))),
});

/**
 * Optional feedback after any outcome, once per verification (a second one gets 409). The comment
 * is stored for the console and never logged or audited: the audit says only that there is one.
 */
export async function leaveFeedback(
  ctx: Ctx<'secrets' | 'verifications' | 'counters' | 'audit'>,
  sessionToken: string | undefined,
  input: z.infer<typeof feedbackSchema>,
) {
  const v = await sessionVerification(ctx, sessionToken);
  if (!isFinal(v.status) || v.status === 'cancelled')
    throw new StateConflict(
      'VERIFICATION_NOT_COMPLETED',
      'Feedback can be left once the verification has a result',
    );
  if (v.feedback)
    throw new StateConflict('FEEDBACK_ALREADY_LEFT', 'Feedback was already left for this verification');
  const now = ctx.clock.now();
  const comment = input.comment?.trim();
  const feedback = { difficulty: input.difficulty, ...(comment ? { comment } : {}), at: now.toISOString() };
  const stored = await ctx.verifications.setFeedback(
    v.verificationId,
    feedback,
    audit(v, 'verification.feedback', now, { difficulty: input.difficulty, comment: Boolean(comment) }),
  );
  if (!stored)
    throw new StateConflict('FEEDBACK_ALREADY_LEFT', 'Feedback was already left for this verification');
  return { verificationId: v.verificationId, received: true as const };
}

export const actionSchema = z.strictObject({
  action: z.literal('password_reset'),
  newPassword: z.string().check(z.minLength(1), z.maxLength(256)),
});

export async function performAction(
  ctx: Ctx<
    | 'directory'
    | 'secrets'
    | 'workflow'
    | 'messenger'
    | 'verifications'
    | 'audit'
    | 'counters'
    | 'connections'
  >,
  sessionToken: string | undefined,
  input: z.infer<typeof actionSchema>,
) {
  // A person who passed can always finish: the action is bounded by its own state, not a budget.
  const v = await sessionVerification(ctx, sessionToken, 'none');
  if (v.status !== 'passed' || v.requestedAction !== input.action) {
    throw new NotPermitted('ACTION_NOT_ALLOWED', 'This action is not available for this verification');
  }
  const requester = await ctx.directory.getUser(v.requesterId);
  if (!requester || requester.privileged)
    throw new NotPermitted('ACTION_NOT_ALLOWED', 'This action is not available');
  const policy = checkPassword(input.newPassword, personalWords(requester));
  if (!policy.ok) {
    throw new InvalidInput('PASSWORD_POLICY', policy.message, {
      reason: policy.reason,
      suggestions: policy.suggestions,
    });
  }
  const now = ctx.clock.now();
  const claimed = await ctx.verifications.setAction(
    v.verificationId,
    ['pending'],
    'running',
    audit(v, 'action.started', now),
  );
  if (!claimed)
    throw new StateConflict('ACTION_ALREADY_DONE', 'This action has already been performed or has expired');
  try {
    await ctx.directory.resetPassword(requester.userId, input.newPassword);
  } catch (error) {
    if (error instanceof DirectoryPasswordRejectedError) {
      // The directory's own policy refused it: the requester may choose another.
      await ctx.verifications.setAction(
        v.verificationId,
        ['running'],
        'pending',
        audit(v, 'action.password_rejected', ctx.clock.now()),
      );
      throw new InvalidInput(
        'PASSWORD_POLICY',
        error.idpMessage || 'The directory refused this password; choose another',
        {
          reason: 'directory_policy',
          suggestions: [],
        },
      );
    }
    await ctx.verifications.setAction(
      v.verificationId,
      ['running'],
      'failed',
      audit(v, 'action.failed', ctx.clock.now()),
    );
    await resumeStage(ctx, v.verificationId, 'action');
    throw error;
  }
  await ctx.verifications.setAction(
    v.verificationId,
    ['running'],
    'done',
    audit(v, 'action.password_reset', ctx.clock.now()),
  );
  await resumeStage(ctx, v.verificationId, 'action');
  await noticePasswordChanged(ctx, v, requester);
  return { verificationId: v.verificationId, action: input.action, state: 'done' as const };
}

const personalWords = (u: DirectoryUser) => [u.displayName, u.givenName, u.email.split('@')[0] ?? ''];

export const passwordCheckSchema = z.strictObject({
  newPassword: z.string().check(z.maxLength(256)),
});

/** Strength feedback while the requester types (the policy library is too big to ship to a phone). */
export async function checkNewPassword(
  ctx: Ctx<'directory' | 'secrets' | 'counters' | 'audit' | 'verifications'>,
  sessionToken: string | undefined,
  input: z.infer<typeof passwordCheckSchema>,
) {
  const v = await sessionVerification(ctx, sessionToken, 'password_checks');
  if (v.status !== 'passed' || v.action.state !== 'pending')
    throw new NotPermitted('ACTION_NOT_ALLOWED', 'This action is not available for this verification');
  const requester = await ctx.directory.getUser(v.requesterId);
  if (!requester || requester.privileged)
    throw new NotPermitted('ACTION_NOT_ALLOWED', 'This action is not available');
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
  ctx: Ctx<'messenger' | 'audit'>,
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
    await ctx.audit.appendAudit(audit(v, 'action.notice_sent', ctx.clock.now(), { channel }));
  } catch (error) {
    await ctx.audit.appendAudit(
      audit(v, 'action.notice_failed', ctx.clock.now(), { channel, error: (error as Error).name }),
    );
  }
}

/**
 * The verification a session token is for. The token is checked first (no store access for a
 * forged one), then the call is counted against the session's and the link's budget.
 */
async function sessionVerification(
  ctx: Ctx<'secrets' | 'counters' | 'audit' | 'verifications'>,
  sessionToken: string | undefined,
  budget: Budget = 'calls',
): Promise<Verification> {
  if (!sessionToken) throw new Unauthenticated('SESSION_MISSING', 'Open the link from your message again');
  const check = verifySession(sessionToken, await sessionKey(ctx), ctx.clock.now());
  if (!check.ok) {
    throw new Unauthenticated(
      check.reason === 'expired' ? 'SESSION_EXPIRED' : 'SESSION_INVALID',
      'Your session has ended; open the link again',
    );
  }
  await guardSession(ctx, sessionToken, check.verificationId, budget);
  const v = await mustGet(ctx, check.verificationId);
  // The link ran out while the page was open: the same answer as opening an expired link.
  if (v.status === 'timed_out') throw new Expired('LINK_EXPIRED', 'This link has expired');
  return v;
}

async function mustGet(ctx: Ctx<'verifications'>, verificationId: string): Promise<Verification> {
  const v = await ctx.verifications.getVerification(verificationId);
  if (!v) throw new NotFound('VERIFICATION_NOT_FOUND', 'No such verification');
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
