import { describe, expect, it } from 'vitest';
import {
  allowedSources,
  canTransition,
  FINAL_STATUSES,
  isFinal,
  STATUSES,
  TRANSITIONS,
} from '../../../shared/domain/model/verification.js';

describe('TRANSITIONS', () => {
  it('gives every status an entry', () => {
    // Prepare
    const keys = Object.keys(TRANSITIONS).sort();

    // Act / Assess
    expect(keys).toEqual([...STATUSES].sort());
  });

  it.each(FINAL_STATUSES)('has no exit from the final status %s', (status) => {
    // Prepare / Act
    const exits = TRANSITIONS[status];

    // Assess
    expect(exits).toEqual([]);
    for (const to of STATUSES) expect(canTransition(status, to)).toBe(false);
  });

  it('allows sent -> in_progress', () => {
    // Act / Assess
    expect(canTransition('sent', 'in_progress')).toBe(true);
  });

  it('does not allow sent -> passed (the requester must open the link first)', () => {
    // Act / Assess
    expect(canTransition('sent', 'passed')).toBe(false);
    expect(canTransition('sent', 'failed')).toBe(false);
    expect(canTransition('sent', 'not_enough_questions')).toBe(false);
  });

  it('does not allow a status to follow itself', () => {
    // Act
    const selfLoops = STATUSES.filter((s) => canTransition(s, s));

    // Assess
    expect(selfLoops).toEqual([]);
  });

  it('only leads to known statuses', () => {
    // Act
    const targets = Object.values(TRANSITIONS).flat();

    // Assess
    for (const to of targets) expect(STATUSES).toContain(to);
  });
});

describe('allowedSources', () => {
  it('timed_out may be reached from sent and in_progress', () => {
    // Act / Assess
    expect(allowedSources('timed_out')).toEqual(['sent', 'in_progress']);
  });

  it('passed may be reached only from in_progress and a step-up', () => {
    // Act / Assess
    expect(allowedSources('passed')).toEqual(['in_progress', 'step_up']);
  });

  it('cancelled may be reached from sent, in_progress and a step-up', () => {
    // Act / Assess
    expect(allowedSources('cancelled')).toEqual(['sent', 'in_progress', 'step_up']);
  });

  it('a step-up is reached only from in_progress and is not final', () => {
    // Act / Assess
    expect(allowedSources('step_up')).toEqual(['in_progress']);
    expect(isFinal('step_up')).toBe(false);
  });

  it('in_progress may be reached only from sent', () => {
    // Act / Assess
    expect(allowedSources('in_progress')).toEqual(['sent']);
  });

  it('nothing leads back to sent', () => {
    // Act / Assess
    expect(allowedSources('sent')).toEqual([]);
  });
});

describe('isFinal', () => {
  it.each([
    ['sent', false],
    ['in_progress', false],
    ['passed', true],
    ['failed', true],
    ['not_enough_questions', true],
    ['timed_out', true],
    ['cancelled', true],
  ] as const)('%s -> %s', (status, expected) => {
    // Act / Assess
    expect(isFinal(status)).toBe(expected);
  });
});
