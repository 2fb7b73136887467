import { describe, expect, it } from 'vitest';
import {
  assess,
  DEFAULT_SCORING,
  RECOMMENDATIONS,
  type ScoringPolicy,
} from '../../../shared/domain/assessment.js';
import { personaSignals } from '../../../shared/domain/persona-signals.js';
import type { Grade } from '../../../shared/domain/questions.js';
import type { DirectoryUser } from '../../../shared/ports.js';
import { directoryUser } from '../fixtures.js';

const grades = (...values: Grade[]) => new Map(values.map((g, i) => [`q${i + 1}`, g]));

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
    policy: scenario.policy,
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
    expect(assessment.recommendation).toBe('User verified successfully - proceed with the action');
    expect(assessment.answered).toBe(4);
    expect(assessment.correct).toBe(4);
    expect(assessment.reasons.map((r) => r.code)).toEqual(['CONTACT_ON_RECORD']);
  });

  it('fails at medium risk with one wrong answer', () => {
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

  it('fails a privileged account with 10 / high, whatever the answers', () => {
    // Act
    const { status, assessment } = assess(input({ requester: directoryUser({ privileged: true }) }));

    // Assess
    expect(status).toBe('failed');
    expect(assessment.riskScore).toBe(10);
    expect(assessment.riskLevel).toBe('high');
    expect(assessment.recommendation).toBe(RECOMMENDATIONS.high);
    // The hard rule comes first; the other signals stay listed for the agent.
    expect(assessment.reasons[0]).toMatchObject({
      code: 'PRIVILEGED_ACCOUNT',
      category: 'persona',
      points: 10,
    });
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
      input({ requester: directoryUser({ privileged: true }), grades: grades('skipped', 'skipped') }),
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
    expect(assessment.reasons.find((r) => r.code === 'SKIPPED_QUESTIONS')?.points).toBe(2);
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

  it('passes at exactly minAnswered with one skipped question', () => {
    // Act
    const { status, assessment } = assess(
      input({ grades: grades('correct', 'correct', 'correct', 'skipped') }),
    );

    // Assess
    expect(status).toBe('passed');
    expect(assessment.riskScore).toBe(1);
    expect(assessment.riskLevel).toBe('verified');
  });

  it('caps the questions category at 8 points', () => {
    // Act: 4 wrong answers are 16 raw points.
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
        grades: grades('invalid', 'invalid', 'skipped', 'correct'),
      }),
    );

    // Assess
    const points = assessment.reasons.map((r) => r.points);
    expect(assessment.reasons.map((r) => r.code)).toEqual([
      'WRONG_ANSWERS',
      'AGENT_TYPED_DESTINATION',
      'SKIPPED_QUESTIONS',
    ]);
    expect(points).toEqual([...points].sort((a, b) => b - a));
  });

  it('uses the thresholds from the policy', () => {
    // Prepare
    const strict = { ...DEFAULT_SCORING, mediumFrom: 1, highFrom: 2 };

    // Act: one skipped question is 1 point.
    const { status, assessment } = assess(
      input({ grades: grades('correct', 'correct', 'correct', 'skipped'), policy: strict }),
    );

    // Assess
    expect(assessment.riskLevel).toBe('medium');
    expect(status).toBe('failed');
  });
});
