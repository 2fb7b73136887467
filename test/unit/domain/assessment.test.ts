import { describe, expect, it } from 'vitest';
import {
  assess,
  DEFAULT_SCORING,
  RECOMMENDATIONS,
  type ScoringPolicy,
} from '../../../shared/domain/assessment.js';
import { assuranceReport, DEFAULT_ASSURANCE } from '../../../shared/domain/assurance.js';
import type { DirectoryUser } from '../../../shared/domain/model/person.js';
import type { Grade } from '../../../shared/domain/model/question.js';
import { personaSignals } from '../../../shared/domain/persona-signals.js';
import { directoryUser } from '../fixtures.js';

const grades = (...values: Grade[]) => new Map(values.map((g, i) => [`q${i + 1}`, g]));

/** q1 a recent ticket (1.5, 6 options), q2 a group (1, 6 options), q3 the manager (0.25, typed), q4 the start year (0.25, 5 options). */
const WEIGHTS = new Map([
  ['q1', 1.5],
  ['q2', 1],
  ['q3', 0.25],
  ['q4', 0.25],
]);
const ODDS = new Map([
  ['q1', 1 / 6],
  ['q2', 1 / 6],
  ['q3', 0],
  ['q4', 1 / 5],
]);

interface Scenario {
  requester: DirectoryUser;
  destinationIsContactOnRecord: boolean;
  grades: Map<string, Grade>;
  policy: ScoringPolicy;
}

/** The persona signals of a requester and a send, with the answers: what the portal assesses. */
const input = (overrides: Partial<Scenario> = {}): Parameters<typeof assess>[0] => {
  const scenario: Scenario = {
    requester: directoryUser(),
    destinationIsContactOnRecord: true,
    grades: grades('correct', 'correct', 'correct', 'correct'),
    policy: DEFAULT_SCORING,
    ...overrides,
  };
  return {
    signals: personaSignals(scenario.requester, scenario, new Date('2026-11-21T10:00:00Z')),
    grades: scenario.grades,
    weights: WEIGHTS,
    guessOdds: ODDS,
    policy: { ...scenario.policy, minKnowledge: { sms: 2.5, email: 2.5 } },
  };
};

describe('assess', () => {
  it('passes with every answer correct and the link sent to the contact on record', () => {
    // Act
    const { status, assessment } = assess(input());

    // Assess
    expect(status).toBe('passed');
    expect(assessment.riskScore).toBe(0);
    expect(assessment.riskLevel).toBe('verified');
    expect(assessment.recommendation).toBe('Identity verified - proceed with the requested action');
    expect(assessment.answered).toBe(4);
    expect(assessment.correct).toBe(4);
    expect(assessment.reasons.map((r) => r.code)).toEqual(['CONTACT_ON_RECORD']);
  });

  it('fails at medium risk, never high, with one wrong answer to a private fact', () => {
    // Act
    const { status, assessment } = assess(
      input({ grades: grades('correct', 'invalid', 'correct', 'correct') }),
    );

    // Assess
    expect(status).toBe('failed');
    expect(assessment.riskScore).toBe(4);
    expect(assessment.riskLevel).toBe('medium');
    expect(assessment.recommendation).toBe(RECOMMENDATIONS.medium);
    expect(assessment.answered).toBe(4);
    expect(assessment.correct).toBe(3);
    // The most private fact wrong is a slip like any other private one: Medium.
    expect(
      assess(input({ grades: grades('invalid', 'correct', 'correct', 'correct') })).assessment,
    ).toMatchObject({ riskScore: 4, riskLevel: 'medium' });
    expect(assessment.reasons[0]).toMatchObject({ code: 'WRONG_ANSWERS', category: 'questions', points: 4 });
  });

  it('never passes on questions alone: an agent-typed destination fails even with every answer correct', () => {
    // Act
    const { status, assessment } = assess(input({ destinationIsContactOnRecord: false }));

    // Assess
    expect(status).toBe('failed');
    expect(assessment.riskLevel).not.toBe('verified');
    expect(assessment.correct).toBe(4);
    expect(assessment.reasons.map((r) => r.code)).toContain('AGENT_TYPED_DESTINATION');
    expect(assessment.reasons.map((r) => r.code)).not.toContain('CONTACT_ON_RECORD');
  });

  it('does not pass on questions alone even when the policy would call the score verified', () => {
    // Prepare: thresholds so lax that an agent-typed destination (4 points) is still "verified".
    const policy = { ...DEFAULT_SCORING, mediumFrom: 9, highFrom: 10 };

    // Act
    const { status, assessment } = assess(input({ destinationIsContactOnRecord: false, policy }));

    // Assess: a clean score that cannot pass is not shown as Verified, and says why
    expect(status).toBe('failed');
    expect(assessment.riskLevel).toBe('medium');
    expect(assessment.reasons.map((r) => r.code)).toContain('NO_INDEPENDENT_SIGNAL');
  });

  it('verifies a privileged account on its answers but never passes it without a strong proof', () => {
    // Arrange
    const requester = directoryUser({ privileged: true });
    const assurance = assuranceReport(DEFAULT_ASSURANCE, requester, 'password_reset');

    // Act
    const { status, assessment } = assess({ ...input({ requester }), assurance });

    // Assess: scored as anyone else (not failed at 10), Medium, and the agent told what is missing
    expect(status).toBe('failed');
    expect(assessment.riskScore).toBeLessThan(DEFAULT_SCORING.mediumFrom);
    expect(assessment.riskLevel).toBe('medium');
    expect(assessment.recommendation).toBe(RECOMMENDATIONS.strongProofMissing);
    expect(assessment.reasons.map((r) => r.code)).toEqual(
      expect.arrayContaining(['PRIVILEGED_ACCOUNT', 'STRONG_PROOF_MISSING']),
    );
    expect(assessment.assurance).toMatchObject({ tier: 'privileged', required: 1, given: [], missing: 1 });
  });

  it('passes a privileged account once its strong proof is given, still without self-service', () => {
    // Arrange
    const requester = directoryUser({ privileged: true });
    const assurance = assuranceReport(DEFAULT_ASSURANCE, requester, 'password_reset', ['manager_approval']);

    // Act
    const { status, assessment } = assess({ ...input({ requester }), assurance });

    // Assess
    expect(status).toBe('passed');
    expect(assessment.reasons.map((r) => r.code)).not.toContain('STRONG_PROOF_MISSING');
    expect(assessment.assurance).toMatchObject({ missing: 0, selfService: false });
  });

  it('never passes an MFA reset for a standard account on the answers alone', () => {
    // Act
    const { status, assessment } = assess({
      ...input(),
      assurance: assuranceReport(DEFAULT_ASSURANCE, directoryUser(), 'mfa_reset'),
    });

    // Assess
    expect(status).toBe('failed');
    expect(assessment.recommendation).toBe(RECOMMENDATIONS.strongProofMissing);
  });

  it('keeps a high score High when a strong proof is also missing', () => {
    // Act
    const { assessment } = assess({
      ...input({
        requester: directoryUser({ privileged: true }),
        grades: grades('invalid', 'invalid', 'correct', 'correct'),
      }),
      assurance: assuranceReport(DEFAULT_ASSURANCE, directoryUser({ privileged: true }), 'password_reset'),
    });

    // Assess
    expect(assessment.riskLevel).toBe('high');
    expect(assessment.recommendation).toBe(RECOMMENDATIONS.high);
  });

  it('fails a disabled account with 10 / high', () => {
    // Act
    const { status, assessment } = assess(input({ requester: directoryUser({ enabled: false }) }));

    // Assess
    expect(status).toBe('failed');
    expect(assessment.riskScore).toBe(10);
    expect(assessment.riskLevel).toBe('high');
    expect(assessment.reasons[0]?.code).toBe('ACCOUNT_DISABLED');
  });

  it('applies hard rules before the answer count', () => {
    // Act
    const { status } = assess(
      input({ requester: directoryUser({ enabled: false }), grades: grades('skipped', 'skipped') }),
    );

    // Assess
    expect(status).toBe('failed');
  });

  it('reports not_enough_questions when fewer than minAnswered were answered', () => {
    // Act
    const { status, assessment } = assess(
      input({ grades: grades('correct', 'correct', 'skipped', 'skipped') }),
    );

    // Assess
    expect(status).toBe('not_enough_questions');
    expect(assessment.answered).toBe(2);
    expect(assessment.correct).toBe(2);
    // A skip costs what a guess would: the typed manager (never guessed) 1, the start year 4/5 of 1.
    expect(assessment.reasons.find((r) => r.code === 'SKIPPED_QUESTIONS')?.points).toBe(1.8);
    // Never shown as Verified, never "proceed".
    expect(assessment.riskLevel).toBe('medium');
    expect(assessment.recommendation).toBe(RECOMMENDATIONS.notEnoughQuestions);
  });

  it('counts invalid answers as answered for the minimum', () => {
    // Act
    const { status, assessment } = assess(
      input({ grades: grades('correct', 'invalid', 'invalid', 'skipped') }),
    );

    // Assess
    expect(assessment.answered).toBe(3);
    expect(status).toBe('failed');
  });

  it('passes at exactly minAnswered with one public fact skipped', () => {
    // Act
    const { status, assessment } = assess(
      input({ grades: grades('correct', 'correct', 'correct', 'skipped') }),
    );

    // Assess: the start year skipped costs 4/5 of its wrong answer's point.
    expect(status).toBe('passed');
    expect(assessment.riskScore).toBe(0.8);
    expect(assessment.riskLevel).toBe('verified');
  });

  it('does not reward skipping a private fact: Medium, as a wrong guess would be', () => {
    // Act
    const skipped = assess(input({ grades: grades('correct', 'skipped', 'correct', 'correct') }));

    // Assess
    expect(skipped.status).toBe('failed');
    expect(skipped.assessment.riskLevel).toBe('medium');
    expect(skipped.assessment.reasons[0]).toMatchObject({ code: 'SKIPPED_QUESTIONS', points: 4 });
  });

  it('never passes the contact on record plus public facts (a SIM swap with LinkedIn research)', () => {
    // Act: the manager and the start year right, both private facts skipped or wrong.
    const skipper = assess(input({ grades: grades('skipped', 'skipped', 'correct', 'correct') }));
    const guesser = assess(input({ grades: grades('invalid', 'invalid', 'correct', 'correct') }));

    // Assess
    expect(skipper.status).toBe('not_enough_questions');
    expect(skipper.assessment.riskLevel).not.toBe('verified');
    expect(guesser.status).toBe('failed');
    expect(guesser.assessment.riskLevel).toBe('high');
  });

  it('asks for private knowledge: public facts alone lift a clean score to Medium, not High', () => {
    // Prepare: only public facts were there to ask (weights 0.25), all answered right.
    const publicOnly = {
      ...input({ grades: grades('correct', 'correct', 'correct') }),
      weights: new Map([
        ['q1', 0.25],
        ['q2', 0.25],
        ['q3', 0.1],
      ]),
    };

    // Act
    const { status, assessment } = assess(publicOnly);

    // Assess
    expect(status).toBe('failed');
    expect(assessment.riskScore).toBe(4);
    expect(assessment.riskLevel).toBe('medium');
    expect(assessment.reasons.find((r) => r.code === 'KNOWLEDGE_NOT_SHOWN')).toMatchObject({
      points: 4,
      evidence: 'private knowledge 0.6 of 2.5 needed (0.6 asked)',
    });
  });

  it('ends as Failed, High and urgent when the person says they did not ask for this', () => {
    // Act
    const { status, assessment } = assess({
      ...input(),
      signals: [
        ...input().signals,
        { code: 'REQUESTER_DENIED', category: 'persona', points: 10, evidence: 'requester', message: 'x' },
      ],
    });

    // Assess
    expect(status).toBe('failed');
    expect(assessment.riskScore).toBe(10);
    expect(assessment.recommendation).toBe(RECOMMENDATIONS.requesterDenied);
  });

  it('caps the questions category at 8 points', () => {
    // Act: 4 wrong answers are 14.4 raw points.
    const { status, assessment } = assess(
      input({ grades: grades('invalid', 'invalid', 'invalid', 'invalid') }),
    );

    // Assess
    expect(assessment.reasons[0]).toMatchObject({ code: 'WRONG_ANSWERS', points: 8 });
    expect(assessment.riskScore).toBe(8);
    expect(assessment.riskLevel).toBe('high');
    expect(status).toBe('failed');
  });

  it('caps the total at 10 across categories', () => {
    // Act: questions capped at 8 plus 4 persona points.
    const { assessment } = assess(
      input({ destinationIsContactOnRecord: false, grades: grades('invalid', 'invalid', 'invalid') }),
    );

    // Assess
    expect(assessment.riskScore).toBe(10);
    expect(assessment.riskLevel).toBe('high');
  });

  it('sorts reasons by points, highest first', () => {
    // Act
    const { assessment } = assess(
      input({
        destinationIsContactOnRecord: false,
        grades: grades('invalid', 'correct', 'skipped', 'correct'),
      }),
    );

    // Assess
    const points = assessment.reasons.map((r) => r.points);
    expect(assessment.reasons.map((r) => r.code)).toEqual([
      'AGENT_TYPED_DESTINATION',
      'WRONG_ANSWERS',
      'SKIPPED_QUESTIONS',
      'KNOWLEDGE_NOT_SHOWN',
    ]);
    expect(points).toEqual([...points].sort((a, b) => b - a));
  });

  it('uses the thresholds from the policy', () => {
    // Prepare
    const strict = { ...DEFAULT_SCORING, mediumFrom: 0.5, highFrom: 2 };

    // Act: the start year skipped is 0.8 points.
    const { status, assessment } = assess(
      input({ grades: grades('correct', 'correct', 'correct', 'skipped'), policy: strict }),
    );

    // Assess
    expect(assessment.riskLevel).toBe('medium');
    expect(status).toBe('failed');
  });
});
