import { describe, expect, it } from 'vitest';
import { RECOMMENDATIONS } from '../../../shared/domain/assessment.js';
import { actionNote, linkEntryNote, outcomeNote, resolveNote } from '../../../shared/domain/ticket-notes.js';
import type { Reason } from '../../../shared/domain/verification.js';
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
    expect(note.text).toContain('identity verification Failed.');
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
    expect(note.text).toContain('identity verification Not Enough Questions.');
  });

  it('describes a timed-out verification without an assessment', () => {
    // Prepare
    const v = verification({ status: 'timed_out', assessment: undefined, completedAt: undefined });

    // Act
    const note = outcomeNote(v, CONSOLE_URL);

    // Assess
    expect(note.text).toContain('identity verification Timed Out.');
    expect(note.text).toContain('did not complete verification before the link expired');
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
