/**
 * Console fixes an agent or auditor hits in the first hour (issue 11.8): a timed-out verification
 * shows the answers it got; bad input is a sentence naming the field, not a schema path.
 */
import { describe, expect, it } from 'vitest';
import { prefixTerm, prefixTerms, startsWithTerm } from '../../../shared/adapters/dynamodb/console-index.js';
import { connectionPolicyBodySchema } from '../../../shared/console-api/settings.js';
import { listQuerySchema } from '../../../shared/console-api/verifications.js';
import type { Verification } from '../../../shared/domain/model/verification.js';
import { parseWith } from '../../../shared/http/validation.js';
import type { Ctx } from '../../../shared/ports/context.js';
import { viewTranscript } from '../../../shared/use-cases/console/detail.js';
import { auditCsv } from '../../../web/console/src/audit-csv.js';
import { verification } from '../fixtures.js';

describe('a timed-out verification', () => {
  it('shows the answers it got before the link expired', async () => {
    const v = verification({
      status: 'timed_out',
      questions: [
        {
          id: 'manager',
          kind: 'choice',
          prompt: 'Who is your manager?',
          weight: 1,
          options: [
            { id: 'a', label: 'Ana Sousa' },
            { id: 'b', label: 'Raj Patel' },
          ],
          answerOptionId: 'a',
        },
        {
          id: 'office',
          kind: 'choice',
          prompt: 'Which office?',
          weight: 0.5,
          options: [
            { id: 'c', label: 'Lisbon' },
            { id: 'd', label: 'Porto' },
          ],
          answerOptionId: 'c',
        },
      ],
      answers: [
        {
          questionId: 'manager',
          grade: 'correct',
          response: 'Ana Sousa',
          redacted: false,
          answeredAt: '2026-03-01T10:01:00.000Z',
          elapsedMs: 5000,
        },
      ],
    } as Partial<Verification>);
    const audit: string[] = [];
    const ctx = {
      clock: { now: () => new Date('2026-03-01T11:00:00Z') },
      verifications: {
        getVerification: async () => v,
        getTranscript: async () => undefined,
      },
      connections: { getConnection: async () => undefined },
      audit: {
        appendAudit: async (e: { action: string }) => {
          audit.push(e.action);
        },
      },
    } as unknown as Ctx<'verifications' | 'connections' | 'audit'>;
    const t = await viewTranscript(ctx, v.verificationId, { username: 'audrey', roles: ['auditor'] });
    expect(t.entries.map((e) => [e.questionId, e.response, e.grade])).toEqual([
      ['manager', 'Ana Sousa', 'correct'],
      ['office', null, expect.any(String)],
    ]);
    expect(audit).toEqual(['transcript.viewed']);
  });
});

describe('bad input', () => {
  const message = (schema: Parameters<typeof parseWith>[0], input: unknown) => {
    try {
      parseWith(schema, input, 'request body');
    } catch (error) {
      return (error as Error).message;
    }
    return undefined;
  };

  it('is a sentence naming the field and what it must be', () => {
    expect(message(connectionPolicyBodySchema, { minAnswered: 50 })).toBe(
      '`minAnswered` must be at most 10.',
    );
    expect(message(connectionPolicyBodySchema, { minAnswered: 2.5 })).toBe(
      '`minAnswered` must be a whole number.',
    );
    expect(message(connectionPolicyBodySchema, { agentView: 'some' })).toBe(
      '`agentView` must be one of full, outcome_only.',
    );
    expect(message(connectionPolicyBodySchema, { colour: 'red' })).toBe(
      '`colour` is not something this request takes (and 1 more problem).',
    );
    expect(message(listQuerySchema, { from: '2026-02-30' })).toBe('`from` must be a date like 2026-01-31.');
    expect(message(listQuerySchema, { status: 'done', riskLevel: 'low' })).toBe(
      '`status` must be one of sent, in_progress, step_up, passed, failed, not_enough_questions, timed_out, cancelled (and 1 more problem).',
    );
  });
});

describe('prefix search', () => {
  const v = {
    requesterName: "Siobhán O'Connor",
    requesterEmail: 'Siobhan.OConnor@example.com',
    ticketNumber: 'INC0001234',
  } as never;

  it('writes the first 3, 5 and 8 characters of the name, each later word, the email and the ticket', () => {
    expect(prefixTerms(v)).toEqual([
      '~sio',
      '~siobh',
      '~siobhan ',
      '~oco',
      '~oconn',
      '~siobhan.',
      '~inc',
      '~inc00',
      '~inc00012',
    ]);
  });

  it('reads the longest prefix a term reaches, and keeps what starts with the term', () => {
    expect(prefixTerm('SIOBH')).toBe('~siobh');
    expect(prefixTerm("O'Conno")).toBe('~oconn');
    expect(prefixTerm('siobhan o')).toBe('~siobhan ');
    expect(startsWithTerm(v, 'siobhán o')).toBe(true);
    expect(startsWithTerm(v, "o'con")).toBe(true);
    expect(startsWithTerm(v, 'connor')).toBe(false);
  });
});

describe("the audit log's CSV", () => {
  it('quotes every cell, neutralises formulas after white space, and carries the ticket', () => {
    const csv = auditCsv([
      {
        eventId: 'e1',
        actor: ' =cmd',
        action: 'settings.connection_updated',
        at: '2026-03-01T10:00:00.000Z',
        verificationId: 'V1',
        ticket: { connectionId: 'local-desk', ticketId: 'T1' },
        details: { 'minAnswered.before': 3, 'minAnswered.after': 4 },
      },
    ]);
    const [header, row] = csv.split('\r\n');
    expect(header).toBe('"When (UTC)","Actor","Action","Verification ID","Ticket","Connection","Details"');
    expect(row).toBe(
      `"2026-03-01T10:00:00.000Z","' =cmd","settings.connection_updated","V1","T1","local-desk","minAnswered.before: 3; minAnswered.after: 4"`,
    );
  });
});
