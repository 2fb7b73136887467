import { describe, expect, it } from 'vitest';
import { detailReads } from '../../../shared/adapters/dynamodb/console-aggregates.js';
import type { VerificationRow } from '../../../shared/console-api/verifications.js';
import { neutralise } from '../../../shared/csv-cell.js';
import type { Verification } from '../../../shared/domain/model/verification.js';
import { aggregateChanges, TTC_BUCKETS, ttcBucket } from '../../../shared/use-cases/console/dashboard.js';
import { exportFileName, toCsv } from '../../../shared/use-cases/console/export-csv.js';
import { analysisHiddenFor, toConsoleView, toRow } from '../../../shared/use-cases/console/model.js';
import { decodeCursor, encodeCursor } from '../../../shared/use-cases/console/request.js';
import { normaliseDestination } from '../../../shared/use-cases/console/send.js';
import { passedAssessment, verification } from '../fixtures.js';

const base = {
  verificationId: '01JD7Z8Q4V3M2K1N0P9R8S7T6V',
  category: 'password_reset',
  agent: 'alice',
  createdAt: '2026-03-01T10:00:00.000Z',
  status: 'sent',
  expiresAtEpoch: 1,
} as Verification;

describe('CSV cells', () => {
  it.each(['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx', ' =1+1', '\n=HYPERLINK("x")', '  \t@x', '\r\n-2'])(
    'neutralises %j',
    (cell) => {
      expect(neutralise(cell)).toBe(`'${cell}`);
    },
  );

  it('leaves other cells alone', () => {
    expect(neutralise('Zoë Martín')).toBe('Zoë Martín');
    expect(neutralise("O'Connor")).toBe("O'Connor");
    expect(neutralise(' plain text')).toBe(' plain text');
  });

  const row: VerificationRow = {
    verificationId: 'v1',
    connectionId: 'c',
    ticketId: 't',
    ticketNumber: 'INC1',
    requesterName: 'A "B", C\nD',
    category: 'x',
    status: 'not_enough_questions',
    riskLevel: 'verified',
    riskScore: 1.5,
    channel: 'sms',
    agent: ' =cmd',
    createdAt: '2026-01-01T00:00:00.000Z',
    completedAt: '2026-01-01T00:04:05.000Z',
    writeBackState: 'done',
    outcome: 'Not Enough Questions',
    level: 'Not verified',
    recommendation: 'Not verified: too few questions were answered - do not proceed',
    urgent: false,
    feedback: { difficulty: 'hard', comment: '@me', at: '2026-01-01T00:05:00.000Z' },
    mainReasons: ['Hosting network', 'New device'],
    actionState: 'none',
    durationSeconds: 245,
  };

  it('quotes every text cell, uses the labels people read, and neutralises what follows white space', async () => {
    let text = '';
    for await (const chunk of toCsv([row], 'https://console.example.com/')) text += chunk;
    const [header] = text.split('\n');
    expect(header).toBe(
      '"Verification ID","Ticket","Requester","Requester email","Outcome","Risk level","Risk score","Recommendation","Main reasons","Requester report","User feedback","Category","Initiated by","Channel","Action result","Duration","Created (UTC)","Completed (UTC)","Write-back","Console link"',
    );
    expect(text).toContain('"A ""B"", C\nD"');
    expect(text).toContain('"Not Enough Questions","Not verified",1.5,');
    expect(text).not.toContain('"Verified"');
    expect(text).toContain('"Hosting network; New device","","Hard: @me"');
    expect(text).toContain(`"x","' =cmd","SMS","","4 min 05 s"`);
    expect(text).toContain('"https://console.example.com/verifications/v1"');
  });

  it('names the file for what it holds', () => {
    expect(exportFileName({ from: '2026-01-01', to: '2026-03-31', status: 'not_enough_questions' })).toBe(
      'verifications_2026-01-01_to_2026-03-31_status-not-enough-questions.csv',
    );
    expect(exportFileName({ from: '2026-01-01', to: '2026-03-31', q: 'zoe@example.com' })).toBe(
      'verifications_2026-01-01_to_2026-03-31_q-search.csv',
    );
  });
});

describe('dashboard changes', () => {
  it('counts a new verification as started on its day, by category and agent', () => {
    expect(aggregateChanges(undefined, base)).toEqual([
      {
        change: 'started',
        date: '2026-03-01',
        counters: { started: 1, 'cat:password_reset:started': 1, 'agent:alice:started': 1 },
      },
    ]);
  });

  it('counts the outcome once, on the day it started, with risk and time to complete', () => {
    const done = {
      ...base,
      status: 'passed',
      completedAt: '2026-03-02T10:03:00.000Z',
      assessment: { riskLevel: 'verified' },
    } as Verification;
    const inProgress = { ...base, status: 'in_progress' } as Verification;
    expect(aggregateChanges(inProgress, done)).toEqual([
      {
        change: 'final',
        date: '2026-03-01',
        counters: {
          passed: 1,
          completed: 1,
          'cat:password_reset:completed': 1,
          'agent:alice:completed': 1,
          'cat:password_reset:passed': 1,
          'agent:alice:passed': 1,
          'risk:verified': 1,
          [`ttc:${ttcBucket(86_580)}`]: 1,
        },
      },
    ]);
    expect(aggregateChanges(done, { ...done, updatedAt: 'later' } as Verification)).toEqual([]);
  });

  it('counts a cancellation but not as completed', () => {
    const changes = aggregateChanges({ ...base }, { ...base, status: 'cancelled' } as Verification);
    expect(changes).toEqual([{ change: 'final', date: '2026-03-01', counters: { cancelled: 1 } }]);
  });

  it('puts times in the first bucket that holds them, past the last in the open one', () => {
    expect(ttcBucket(0)).toBe(0);
    expect(ttcBucket(30)).toBe(0);
    expect(ttcBucket(31)).toBe(1);
    expect(ttcBucket(10 ** 7)).toBe(TTC_BUCKETS.length);
  });

  it.each([
    ['2026-03-01', '2026-03-31', { months: { from: '2026-03', to: '2026-03' }, edges: [] }],
    ['2026-03-05', '2026-03-20', { months: undefined, edges: [{ from: '2026-03-05', to: '2026-03-20' }] }],
    [
      '2026-01-15',
      '2026-04-10',
      {
        months: { from: '2026-02', to: '2026-03' },
        edges: [
          { from: '2026-01-15', to: '2026-01-31' },
          { from: '2026-04-01', to: '2026-04-10' },
        ],
      },
    ],
    ['2026-02-10', '2026-03-05', { months: undefined, edges: [{ from: '2026-02-10', to: '2026-03-05' }] }],
  ])('reads details for %s..%s from whole months and the edge days', (from, to, expected) => {
    expect(detailReads(from, to)).toEqual(expected);
  });
});

describe('cursors', () => {
  const filters = { status: 'passed' };

  it('round-trips a position for the same filters', () => {
    const position = {
      partition: 'VERS#2026-03',
      before: '2026-03-01T10:00:00.000Z#01JD7Z8Q4V3M2K1N0P9R8S7T6V',
    };
    const cursor = encodeCursor(position, filters) as string;
    expect(decodeCursor(cursor, { ...filters, agent: undefined })).toEqual(position);
    expect(encodeCursor(undefined, filters)).toBeNull();
  });

  it('refuses other filters, a raw key or anything it did not issue', () => {
    const cursor = encodeCursor(
      { before: '2026-03-01T10:00:00.000Z#01JD7Z8Q4V3M2K1N0P9R8S7T6V' },
      filters,
    ) as string;
    expect(() => decodeCursor(cursor, { status: 'failed' })).toThrow(
      expect.objectContaining({ code: 'CURSOR_FILTER_MISMATCH' }),
    );
    const forged = Buffer.from(JSON.stringify({ v: 1, h: '0'.repeat(16), b: 'LINK#abc' })).toString(
      'base64url',
    );
    expect(() => decodeCursor(forged, filters)).toThrow(expect.objectContaining({ code: 'INVALID_CURSOR' }));
    expect(() => decodeCursor('%%%', filters)).toThrow(expect.objectContaining({ code: 'INVALID_CURSOR' }));
  });
});

describe('typed destinations', () => {
  it('normalises phone numbers to E.164 and emails to lower case', () => {
    expect(normaliseDestination('sms', '+44 7911 123456')).toBe('+447911123456');
    expect(normaliseDestination('sms', '07911 123456', 'GB')).toBe('+447911123456');
    expect(normaliseDestination('sms', '(415) 555-2671', 'US')).toBe('+14155552671');
    expect(normaliseDestination('email', ' Ana.Sousa@Example.com ')).toBe('ana.sousa@example.com');
  });

  it.each([['not-an-email'], ['ana.sousa@'], ['@example.com'], ['ana sousa@example.com']])(
    'refuses %j as an email address',
    (address) => {
      expect(() => normaliseDestination('email', address)).toThrow(
        expect.objectContaining({ code: 'VALIDATION_FAILED' }),
      );
    },
  );

  it.each([['+44 20 7946 0958'], ['+351 21 123 4567'], ['020 7946 0958']])(
    'refuses the landline %j: an SMS cannot reach it',
    (number) => {
      expect(() => normaliseDestination('sms', number, 'GB')).toThrow(
        expect.objectContaining({ code: 'VALIDATION_FAILED' }),
      );
    },
  );

  it.each([['555-1234'], ['07911 123456'], ['+44 12']])(
    'refuses %j without a valid country code',
    (number) => {
      expect(() => normaliseDestination('sms', number)).toThrow(
        expect.objectContaining({ code: 'VALIDATION_FAILED' }),
      );
    },
  );
});

describe('what the console shows of a result', () => {
  const old = verification({
    status: 'not_enough_questions',
    assessment: passedAssessment({ riskLevel: 'verified', recommendation: 'Identity verified - proceed' }),
    completedAt: '2026-03-01T10:04:00.000Z',
  });

  it('never shows or counts a verification that did not pass as Verified (old records included)', () => {
    const row = toRow(old);
    expect(row).toMatchObject({ outcome: 'Not Enough Questions', level: 'Not verified' });
    expect(row.recommendation).toMatch(/^Not verified/);
    const view = toConsoleView(old);
    expect(view.verdict).toMatchObject({
      outcome: 'Not Enough Questions',
      level: 'Not verified',
      proceed: false,
    });
    expect(view.assessment?.recommendation).toBe(view.verdict.recommendation);
    const final = aggregateChanges({ ...old, status: 'in_progress' }, old).find((c) => c.change === 'final');
    expect(final?.counters).not.toHaveProperty('risk:verified');
  });

  it('puts "I did not ask for this" first, and the feedback beside the result', () => {
    const denied = verification({
      status: 'failed',
      requesterReport: { kind: 'not_me', at: '2026-03-01T10:01:00.000Z' },
      feedback: { difficulty: 'easy', at: '2026-03-01T10:02:00.000Z' },
      assessment: passedAssessment({
        riskLevel: 'high',
        riskScore: 10,
        reasons: [
          {
            code: 'REQUESTER_DENIED',
            category: 'persona',
            points: 10,
            evidence: 'not_me',
            message: 'Denied',
          },
        ],
      }),
    });
    expect(toRow(denied)).toMatchObject({ urgent: true, feedback: { difficulty: 'easy' } });
    expect(toConsoleView(denied).verdict.recommendation).toMatch(/^URGENT/);
  });

  it('keeps scores, reasons and device details from agents when the connection says outcome only', () => {
    const failed = verification({
      status: 'failed',
      assessment: passedAssessment({ riskLevel: 'high', riskScore: 8 }),
    });
    const agent = { username: 'alice', roles: ['agent' as const] };
    const auditor = { username: 'audrey', roles: ['auditor' as const] };
    expect(analysisHiddenFor(agent, { agentView: 'outcome_only' })).toBe(true);
    expect(analysisHiddenFor(auditor, { agentView: 'outcome_only' })).toBe(false);
    expect(analysisHiddenFor(agent, { agentView: 'full' })).toBe(false);
    const row = toRow(failed, true);
    expect(row).not.toHaveProperty('riskScore');
    expect(row).not.toHaveProperty('riskLevel');
    expect(row).not.toHaveProperty('mainReasons');
    expect(row).toMatchObject({ outcome: 'Failed', analysisHidden: true });
    expect(row.recommendation).toMatch(/^Not verified \(high risk\)/);
    const view = JSON.parse(JSON.stringify(toConsoleView(failed, true)));
    expect(view).not.toHaveProperty('assessment');
    expect(view).not.toHaveProperty('client');
    expect(view.verdict.outcome).toBe('Failed');
  });
});
