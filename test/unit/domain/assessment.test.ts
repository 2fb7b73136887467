import { describe, expect, it } from 'vitest';
import { assess, DEFAULT_SCORING, RECOMMENDATIONS } from '../../../shared/domain/assessment.js';
import type { Grade } from '../../../shared/domain/questions.js';
import { directoryUser } from '../fixtures.js';

const grades = (...values: Grade[]) => new Map(values.map((g, i) => [`q${i + 1}`, g]));

const input = (overrides: Partial<Parameters<typeof assess>[0]> = {}): Parameters<typeof assess>[0] => ({
  requester: directoryUser(),
  destinationIsContactOnRecord: true,
  grades: grades('correct', 'correct', 'correct', 'correct'),
  policy: DEFAULT_SCORING,
  ...overrides,
});

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

    // Assess
    expect(assessment.riskLevel).toBe('verified');
    expect(status).toBe('failed');
  });

  it('fails a privileged account with 10 / high, whatever the answers', () => {
    // Act
    const { status, assessment } = assess(input({ requester: directoryUser({ privileged: true }) }));

    // Assess
    expect(status).toBe('failed');
    expect(assessment.riskScore).toBe(10);
    expect(assessment.riskLevel).toBe('high');
    expect(assessment.recommendation).toBe(RECOMMENDATIONS.high);
    expect(assessment.reasons).toHaveLength(1);
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
    expect(assessment.reasons.map((r) => r.code)).toEqual(['ACCOUNT_DISABLED']);
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
    expect(assessment.reasons[0]).toMatchObject({ code: 'WRONG_ANSWERS', points: 16 });
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
