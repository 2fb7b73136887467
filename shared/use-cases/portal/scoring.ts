/**
 * What the completion and "I did not ask for this" score besides the answers: answer speed, network,
 * persona and endpoint signals, and the connection's scoring policy.
 */
import { assess, DEFAULT_SCORING } from '../../domain/assessment.js';
import { assuranceFor, DEFAULT_ASSURANCE } from '../../domain/assurance.js';
import { endpointSignals } from '../../domain/endpoint-signals.js';
import type { StrongProof } from '../../domain/model/assurance.js';
import type { Connection } from '../../domain/model/connection.js';
import type { DirectoryUser } from '../../domain/model/person.js';
import type { AnswerRecord } from '../../domain/model/question.js';
import type { Assessment, OutcomeStatus, Reason, Verification } from '../../domain/model/verification.js';
import { personaSignals } from '../../domain/persona-signals.js';
import { gradesOf, guessOddsOf, weightsOf } from '../../domain/questions/tally.js';
import type { Ctx } from '../../ports/context.js';

/** Refusals that say someone tried to borrow a device (an expired or revoked one is just no credit). */
const SUSPICIOUS_CREDENTIAL = new Set(['bad_signature', 'other_person']);

/**
 * Every signal but the answers, as the completion and "I did not ask for this" score them. The
 * device credit comes only from a server-issued credential, re-checked now (it may have been revoked
 * since the page presented it); the page's fingerprint is looked up for a zero-point note.
 */
export async function scoredSignals(
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

/**
 * The answers scored with every signal under the connection's policy, with the strong proofs given
 * (none at completion; the manager's approval after the step-up) and any reason a step adds.
 * `wouldPassWithManager`: the one missing proof is what the manager's approval gives, and with it
 * the answers pass: the case for a step-up rather than a Failed.
 */
export async function scoreAnswers(
  ctx: Ctx<'people'>,
  v: Verification,
  requester: DirectoryUser,
  connection: Connection,
  options: { given?: StrongProof[]; extra?: Reason[] } = {},
): Promise<{ status: OutcomeStatus; assessment: Assessment; wouldPassWithManager: boolean }> {
  const questions = v.questions ?? [];
  const policy = connection.assurance ?? DEFAULT_ASSURANCE;
  const given = options.given ?? [];
  const signals = [...(options.extra ?? []), ...(await scoredSignals(ctx, v, requester))];
  const input = {
    channel: v.channel,
    signals,
    grades: gradesOf(questions, v.answers ?? []),
    weights: weightsOf(questions),
    guessOdds: guessOddsOf(questions),
    policy: scoringPolicy(connection),
  };
  const scored = assess({ ...input, assurance: assuranceFor(policy, requester, v, given) });
  const withManager = [...given, 'manager_approval' as const];
  const wouldPassWithManager =
    scored.status === 'failed' &&
    !given.includes('manager_approval') &&
    assess({ ...input, assurance: assuranceFor(policy, requester, v, withManager) }).status === 'passed';
  return { status: scored.status, assessment: withProvenance(scored.assessment), wouldPassWithManager };
}

/** What the summary shows: every reason says who vouches for it; only endpoint ones come from the page. */
export function withProvenance(assessment: Assessment): Assessment {
  return {
    ...assessment,
    reasons: assessment.reasons.map((r) => (r.verifiedBy ? r : { ...r, verifiedBy: 'server' as const })),
  };
}

export const scoringPolicy = (connection: Connection) => ({
  ...DEFAULT_SCORING,
  minAnswered: connection.minAnswered,
  mediumFrom: connection.mediumFrom ?? DEFAULT_SCORING.mediumFrom,
  highFrom: connection.highFrom ?? DEFAULT_SCORING.highFrom,
  minKnowledge: {
    sms: connection.minKnowledgeSms ?? DEFAULT_SCORING.minKnowledge.sms,
    email: connection.minKnowledgeEmail ?? DEFAULT_SCORING.minKnowledge.email,
  },
});

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
