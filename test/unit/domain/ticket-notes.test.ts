import { describe, expect, it } from 'vitest';
import { RECOMMENDATIONS } from '../../../shared/domain/assessment.js';
import { assuranceReport, DEFAULT_ASSURANCE } from '../../../shared/domain/assurance.js';
import type { AnswerRecord, Grade, Question } from '../../../shared/domain/model/question.js';
import type { Reason, Verification } from '../../../shared/domain/model/verification.js';
import {
  actionNote,
  cancelledNote,
  linkEntryNote,
  outcomeNote,
  resolveNote,
} from '../../../shared/domain/ticket-notes.js';
import { REQUESTER_DENIED, verdictOf } from '../../../shared/domain/verdict.js';
import { passedAssessment, verification } from '../fixtures.js';

const CONSOLE_URL = 'https://console.verify.example.com/verifications/01JD7Z8Q4V3M2K1N0P9R8S7T6U';
const CLEAR_DESTINATION = 'zoe.martin@example.com';

const reason = (code: string, points: number, message: string): Reason => ({
  code,
  category: code === 'WRONG_ANSWERS' || code === 'SKIPPED_QUESTIONS' ? 'questions' : 'persona',
  points,
  evidence: 'test',
  message,
});

describe('outcomeNote', () => {
  it('describes a passed verification', () => {
    // Prepare
    const v = verification();

    // Act
    const note = outcomeNote(v, CONSOLE_URL);

    // Assess
    expect(note.text).toContain('identity verification Passed.');
    expect(note.text).toContain('Risk: Verified (score 0.0 of 10).');
    expect(note.text).toContain(`Recommendation: ${RECOMMENDATIONS.verified}.`);
    expect(note.text).toContain('Verification ID: 01JD7Z8Q4V3M2K1N0P9R8S7T6U.');
    expect(note.text).toContain('z***@example.com');
    expect(note.text).toContain('Sent by alice via email');
    expect(note.link).toEqual({ label: 'Open in Helpdesk Verify', url: CONSOLE_URL });
  });

  it('says which strong proofs were required, given and missing, even to outcome-only agents', () => {
    // Prepare: a privileged person's password reset, answered well, without a strong proof
    const assurance = assuranceReport(DEFAULT_ASSURANCE, { privileged: true }, 'password_reset');
    const v = verification({
      status: 'failed',
      assessment: {
        ...passedAssessment(),
        riskLevel: 'medium',
        reasons: [reason('STRONG_PROOF_MISSING', 0, 'A strong proof is required')],
        assurance,
      },
    });

    // Act
    const full = outcomeNote(v, CONSOLE_URL).text;
    const outcomeOnly = outcomeNote(v, CONSOLE_URL, { outcomeOnly: true }).text;

    // Assess
    for (const text of [full, outcomeOnly]) {
      expect(text).toContain('NOT verified');
      expect(text).toContain(
        "Proofs: Privileged account (directory: admin role): password reset needs 1 strong proof (a push approved on their enrolled authenticator, or their manager's approval); none given; 1 missing.",
      );
      expect(text).toContain(`Recommendation: ${RECOMMENDATIONS.strongProofMissing}.`);
    }
  });

  it('shows agents only the outcome and the recommendation when the connection says so', () => {
    // Prepare
    const v = verification({
      status: 'failed',
      assessment: {
        ...passedAssessment(),
        riskScore: 8,
        riskLevel: 'high',
        reasons: [reason('WRONG_ANSWERS', 8, '2 challenge questions answered wrongly')],
      },
    });

    // Act
    const full = outcomeNote(v, CONSOLE_URL);
    const outcomeOnly = outcomeNote(v, CONSOLE_URL, { outcomeOnly: true });

    // Assess
    expect(full.text).toContain('Risk: High (score 8.0 of 10).');
    expect(full.text).toContain('Top reasons: 2 challenge questions answered wrongly.');
    expect(outcomeOnly.text).not.toContain('score');
    expect(outcomeOnly.text).not.toContain('Top reasons');
    expect(outcomeOnly.text).toContain('identity verification Failed - NOT verified.');
    expect(outcomeOnly.text).toContain(`Recommendation: ${RECOMMENDATIONS.high}.`);
  });

  it('leaves zero-point reasons out of the top reasons', () => {
    // Act
    const note = outcomeNote(verification(), CONSOLE_URL);

    // Assess
    expect(note.text).not.toContain('Top reasons');
    expect(note.text).not.toContain('The link was sent to the contact on record');
  });

  it('describes a failed verification with its top three non-zero reasons', () => {
    // Prepare
    const v = verification({
      status: 'failed',
      assessment: passedAssessment({
        riskScore: 7.5,
        riskLevel: 'high',
        recommendation: RECOMMENDATIONS.high,
        reasons: [
          reason('WRONG_ANSWERS', 8, '2 challenge questions answered wrongly'),
          reason('AGENT_TYPED_DESTINATION', 4, 'The link went to an address the agent typed'),
          reason('SKIPPED_QUESTIONS', 1, '1 challenge question skipped'),
          reason('LOW_SIGNAL', 0.5, 'A fourth, minor reason'),
          reason('CONTACT_ON_RECORD', 0, 'The link was sent to the contact on record'),
        ],
      }),
    });

    // Act
    const note = outcomeNote(v, CONSOLE_URL);

    // Assess
    expect(note.text).toContain('identity verification Failed - NOT verified.');
    expect(note.text).toContain('Risk: High (score 7.5 of 10).');
    expect(note.text).toContain(
      'Top reasons: 2 challenge questions answered wrongly; The link went to an address the agent typed; 1 challenge question skipped.',
    );
    expect(note.text).not.toContain('A fourth, minor reason');
    expect(note.text).not.toContain('contact on record');
    expect(note.text).toContain(`Recommendation: ${RECOMMENDATIONS.high}.`);
  });

  it('labels a medium-risk failure', () => {
    // Prepare
    const v = verification({
      status: 'failed',
      assessment: passedAssessment({
        riskScore: 4,
        riskLevel: 'medium',
        recommendation: RECOMMENDATIONS.medium,
      }),
    });

    // Act
    const note = outcomeNote(v, CONSOLE_URL);

    // Assess
    expect(note.text).toContain('Risk: Medium (score 4.0 of 10).');
  });

  it('describes not enough questions', () => {
    // Prepare
    const v = verification({ status: 'not_enough_questions' });

    // Act
    const note = outcomeNote(v, CONSOLE_URL);

    // Assess
    expect(note.text).toContain('identity verification Not Enough Questions - NOT verified.');
  });

  it('describes a timed-out verification without an assessment', () => {
    // Prepare
    const v = verification({ status: 'timed_out', assessment: undefined, completedAt: undefined });

    // Act
    const note = outcomeNote(v, CONSOLE_URL);

    // Assess
    expect(note.text).toContain('identity verification Timed Out - NOT verified.');
    expect(note.text).toContain('The requester never opened the link before it expired.');
    expect(note.text).not.toContain('Risk:');
    expect(note.text).toContain('Verification ID: 01JD7Z8Q4V3M2K1N0P9R8S7T6U.');
  });

  it.each(['passed', 'failed', 'not_enough_questions', 'timed_out'] as const)(
    'never contains the clear destination (%s)',
    (status) => {
      // Prepare
      const v = verification({
        status,
        destination: CLEAR_DESTINATION,
        destinationMasked: 'z***@example.com',
      });

      // Act
      const note = outcomeNote(v, CONSOLE_URL);

      // Assess
      expect(JSON.stringify(note)).not.toContain(CLEAR_DESTINATION);
      expect(JSON.stringify(note).toLowerCase()).not.toContain('zoe.martin');
    },
  );

  it('never contains a clear phone number for SMS', () => {
    // Prepare
    const v = verification({ channel: 'sms', destination: '+14155550100', destinationMasked: '***00' });

    // Act
    const note = outcomeNote(v, CONSOLE_URL);

    // Assess
    expect(note.text).toContain('via sms to ***00');
    expect(note.text).not.toContain('4155550100');
  });
});

const questions = (n: number): Question[] =>
  (['manager', 'office', 'department', 'app', 'group'] as const).slice(0, n).map((id) => ({
    id,
    kind: 'text' as const,
    prompt: `Your ${id}?`,
    weight: 1,
    hint: '',
    accepted: ['x'],
    answerKind: 'person' as const,
    decoys: [],
  }));

const answers = (...grades: Grade[]): AnswerRecord[] =>
  grades.map((grade, i) => ({
    questionId: `q${i}`,
    grade,
    response: null,
    redacted: true,
    answeredAt: '2025-01-01T10:03:00.000Z',
    elapsedMs: 1000,
  }));

const TAIL = 'Verification ID: 01JD7Z8Q4V3M2K1N0P9R8S7T6U. Sent by alice via email to z***@example.com.';

/** Every outcome, word for word: level, recommendation and the whole note. */
const EVERY_OUTCOME: {
  name: string;
  v: Partial<Verification>;
  level: string;
  recommendation: string;
  text: string[];
}[] = [
  {
    name: 'passed',
    v: {},
    level: 'Verified',
    recommendation: 'Identity verified - proceed with the requested action',
    text: [
      'Helpdesk Verify: identity verification Passed.',
      'Risk: Verified (score 0.0 of 10).',
      'Recommendation: Identity verified - proceed with the requested action.',
      TAIL,
    ],
  },
  {
    name: 'failed, medium risk',
    v: {
      status: 'failed',
      assessment: passedAssessment({
        riskScore: 5.2,
        riskLevel: 'medium',
        reasons: [reason('WRONG_ANSWERS', 5.2, '2 challenge questions answered wrongly')],
      }),
    },
    level: 'Medium',
    recommendation:
      'Not verified (medium risk) - do not proceed; step up: call back on the number on record or get manager approval',
    text: [
      'Helpdesk Verify: identity verification Failed - NOT verified.',
      'Risk: Medium (score 5.2 of 10).',
      'Top reasons: 2 challenge questions answered wrongly.',
      'Recommendation: Not verified (medium risk) - do not proceed; step up: call back on the number on record or get manager approval.',
      TAIL,
    ],
  },
  {
    name: 'failed, high risk',
    v: {
      status: 'failed',
      assessment: passedAssessment({
        riskScore: 10,
        riskLevel: 'high',
        reasons: [reason('TOR_EXIT', 10, 'Connected through Tor')],
      }),
    },
    level: 'High',
    recommendation: 'Not verified (high risk) - reject this request and escalate',
    text: [
      'Helpdesk Verify: identity verification Failed - NOT verified.',
      'Risk: High (score 10.0 of 10).',
      'Top reasons: Connected through Tor.',
      'Recommendation: Not verified (high risk) - reject this request and escalate.',
      TAIL,
    ],
  },
  {
    name: 'failed, the requester said "I did not ask for this"',
    v: {
      status: 'failed',
      requesterReport: { kind: 'not_me', at: '2025-01-01T10:02:00.000Z' },
      assessment: passedAssessment({
        riskScore: 10,
        riskLevel: 'high',
        reasons: [reason(REQUESTER_DENIED, 10, 'The requester said they did not ask for this')],
      }),
    },
    level: 'High',
    recommendation:
      'URGENT: the person says they did not ask for this - someone may be impersonating them right now. Do not proceed; end the call and escalate to security',
    text: [
      'URGENT - Helpdesk Verify: identity verification Failed - NOT verified.',
      'Risk: High (score 10.0 of 10).',
      'Top reasons: The requester said they did not ask for this.',
      'Recommendation: URGENT: the person says they did not ask for this - someone may be impersonating them right now. Do not proceed; end the call and escalate to security.',
      TAIL,
    ],
  },
  {
    name: 'not enough questions',
    v: {
      status: 'not_enough_questions',
      questions: questions(4),
      answers: answers('correct', 'skipped'),
      assessment: passedAssessment({ riskScore: 2, riskLevel: 'verified', reasons: [] }),
    },
    level: 'Not verified',
    recommendation:
      'Not verified: too few questions were answered - do not proceed; send a new link or follow the escalation procedure',
    text: [
      'Helpdesk Verify: identity verification Not Enough Questions - NOT verified.',
      'Risk: Not verified (score 2.0 of 10).',
      'The requester answered 1 of 4 questions: too few to verify.',
      'Recommendation: Not verified: too few questions were answered - do not proceed; send a new link or follow the escalation procedure.',
      TAIL,
    ],
  },
  {
    name: 'timed out after opening',
    v: {
      status: 'timed_out',
      assessment: undefined,
      completedAt: undefined,
      openedAt: '2025-01-01T10:01:00.000Z',
      questions: questions(3),
      answers: answers('correct', 'partial'),
    },
    level: 'Not verified',
    recommendation:
      'Not verified: the link expired before the requester finished - do not proceed; send a new link or follow the escalation procedure',
    text: [
      'Helpdesk Verify: identity verification Timed Out - NOT verified.',
      'The requester answered 2 of 3 questions before the link expired.',
      'Recommendation: Not verified: the link expired before the requester finished - do not proceed; send a new link or follow the escalation procedure.',
      TAIL,
    ],
  },
  {
    name: 'cancelled',
    v: { status: 'cancelled', assessment: undefined, completedAt: undefined },
    level: 'Not verified',
    recommendation: 'Not verified: this verification was cancelled - do not proceed on it',
    text: [
      'Helpdesk Verify: identity verification Cancelled - NOT verified.',
      'Recommendation: Not verified: this verification was cancelled - do not proceed on it.',
      TAIL,
    ],
  },
];

describe('outcomeNote, every outcome word for word', () => {
  it.each(EVERY_OUTCOME)('$name', ({ v: overrides, level, recommendation, text }) => {
    // Prepare
    const v = verification(overrides);

    // Act
    const verdict = verdictOf(v.status, v.assessment);
    const note = outcomeNote(v, CONSOLE_URL);

    // Assess
    expect(verdict.level).toBe(level);
    expect(verdict.recommendation).toBe(recommendation);
    expect(note.text).toBe(text.join('\n'));
    expect(note.link).toEqual({ label: 'Open in Helpdesk Verify', url: CONSOLE_URL });
  });

  it('only Passed says verified or proceed', () => {
    for (const { v, text } of EVERY_OUTCOME) {
      const says = text.join('\n');
      if (v.status === undefined) continue;
      expect(says).not.toMatch(/identity verified|- proceed/i);
    }
  });
});

describe('cancelledNote', () => {
  it('says who cancelled, when, and that the old link no longer works', () => {
    // Act
    const note = cancelledNote(verification({ status: 'cancelled' }), {
      actor: 'bob',
      at: '2025-01-01T10:04:30.000Z',
      resend: false,
    });

    // Assess
    expect(note.text).toBe(
      'Helpdesk Verify: verification cancelled by bob at 2025-01-01 10:04 UTC. The link sent earlier to z***@example.com no longer works. Not verified - do not proceed on it. Verification ID: 01JD7Z8Q4V3M2K1N0P9R8S7T6U.',
    );
  });

  it('says a resend superseded the old link', () => {
    // Act
    const note = cancelledNote(verification({ status: 'cancelled' }), {
      actor: 'alice',
      at: '2025-01-01T10:06:00.000Z',
      resend: true,
    });

    // Assess
    expect(note.text).toBe(
      'Helpdesk Verify: verification superseded by a resend from alice at 2025-01-01 10:06 UTC: a new link was sent. The link sent earlier to z***@example.com no longer works. Not verified - do not proceed on it. Verification ID: 01JD7Z8Q4V3M2K1N0P9R8S7T6U.',
    );
    expect(note.text).not.toContain('opened');
  });
});

describe('other notes', () => {
  it('linkEntryNote links to the send page', () => {
    // Act
    const note = linkEntryNote('https://console.verify.example.com/send?ticket=tk-1001');

    // Assess
    expect(note.text).toContain('requires identity verification');
    expect(note.link).toEqual({
      label: 'Send Verification Link',
      url: 'https://console.verify.example.com/send?ticket=tk-1001',
    });
  });

  it('actionNote and resolveNote carry the verification ID and no contact details', () => {
    // Prepare
    const v = verification();

    // Act
    const texts = [actionNote(v).text, resolveNote(v)];

    // Assess
    for (const text of texts) {
      expect(text).toContain('01JD7Z8Q4V3M2K1N0P9R8S7T6U');
      expect(text).not.toContain(CLEAR_DESTINATION);
    }
  });
});
