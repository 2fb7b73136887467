/**
 * The console's data routes against the real local stack: the verifications table (filters,
 * search, newest first, cursor pages), the dashboard (aggregates kept by the stream consumer,
 * idempotent under redelivery), the CSV export (quoting, formula injection, audit), the audit
 * log, the summary and transcript, settings and users. Verifications are written through the real
 * store (the same writes the send and portal use cases make), spread over three months.
 */
import { marshall } from '@aws-sdk/util-dynamodb';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoke } from '../../local/lambda.js';
import type {
  ConsoleVerification,
  RiskLevel,
  Verification,
  VerificationStatus,
} from '../../shared/domain/model/verification.js';
import { call, type Harness, openTicket, sendLink, startHarness, until } from './harness.js';

let h: Harness;
const tokens: Record<string, string> = {};
const made: ConsoleVerification[] = [];
const DAY = 86_400_000;
const today = new Date();
const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);

const NAMES = [
  'Zoë Martín',
  'José Álvarez',
  "Siobhán O'Connor",
  '=HYPERLINK("http://evil.example","x")',
  '+cmd|calc',
  '-2+3',
  '@SUM(A1)',
  '\tTabbed',
  '\rCarriage',
  'Comma, "Quoted" Name',
];
const CATEGORIES = ['password_reset', 'mfa_reset', 'account_unlock'];
const AGENTS = ['alice', 'bob', 'carol'];
const FINAL: VerificationStatus[] = ['passed', 'failed', 'not_enough_questions', 'timed_out', 'cancelled'];

/** Writes one verification the way the use cases do: created as sent, then moved to its final status. */
async function seedOne(i: number): Promise<ConsoleVerification> {
  const createdAt = new Date(today.getTime() - (i * 3 + 1) * DAY + i * 1000).toISOString();
  const ticketId = `T${1000 + i}`;
  const ref = { connectionId: 'local-desk', ticketId };
  await h.stack.repositories.tickets.createTicket({
    ...ref,
    ticketNumber: `INC${String(1000 + i).padStart(7, '0')}`,
    category: CATEGORIES[i % 3] as string,
    requesterEmail: `person${i}@example.com`,
    createdAt,
    linkEntry: 'done',
  });
  const status = i % 6 === 0 ? 'sent' : (FINAL[i % 5] as VerificationStatus);
  const v: ConsoleVerification = {
    verificationId: ulid(Date.parse(createdAt)),
    ticket: ref,
    ticketNumber: `INC${String(1000 + i).padStart(7, '0')}`,
    category: CATEGORIES[i % 3] as string,
    requesterId: `u${i}`,
    requesterName: NAMES[i % NAMES.length] as string,
    requesterEmail: `person${i}@example.com`,
    channel: i % 2 ? 'sms' : 'email',
    destination: `person${i}@example.com`,
    destinationMasked: 'p***@example.com',
    destinationIsContactOnRecord: true,
    agent: AGENTS[i % 3] as string,
    status: 'sent',
    createdAt,
    updatedAt: createdAt,
    linkExpiresAt: new Date(Date.parse(createdAt) + 900_000).toISOString(),
    writeBack: { state: 'pending' },
    action: { state: 'none' },
    expiresAtEpoch: Math.floor(Date.now() / 1000) + 365 * 86_400,
    // Row 1 (failed): the requester said "I did not ask for this"; row 2 left feedback.
    ...(i === 1 ? { requesterReport: { kind: 'not_me' as const, at: createdAt } } : {}),
    ...(i === 2
      ? { feedback: { difficulty: 'hard' as const, comment: '=too many questions', at: createdAt } }
      : {}),
  };
  await h.stack.repositories.verifications.createVerification(
    v,
    {
      verificationId: v.verificationId,
      ticket: ref,
      actor: v.agent,
      action: 'verification.sent',
      at: createdAt,
    },
    undefined,
  );
  const at = (ms: number) => new Date(Date.parse(createdAt) + ms).toISOString();
  const audit = (action: string, ms: number) => ({
    verificationId: v.verificationId,
    ticket: ref,
    actor: 'system',
    action,
    at: at(ms),
  });
  if (status === 'sent') return v;
  if (status === 'cancelled' || status === 'timed_out') {
    await h.stack.repositories.verifications.transition(
      v.verificationId,
      status,
      {},
      audit(`verification.${status}`, 60_000),
    );
    return { ...v, status };
  }
  await h.stack.repositories.verifications.transition(
    v.verificationId,
    'in_progress',
    { openedAt: at(30_000) },
    audit('link.opened', 30_000),
  );
  const level: RiskLevel = status === 'passed' ? 'verified' : i % 2 ? 'high' : 'medium';
  const assessment = {
    riskScore: level === 'verified' ? 1.5 : level === 'medium' ? 5 : 8.5,
    riskLevel: level,
    reasons: [
      {
        code: 'CONTACT_ON_RECORD',
        category: 'persona' as const,
        points: -0.5,
        evidence: 'email',
        message: 'On record',
      },
      {
        code: 'DATACENTER_ASN',
        category: 'network' as const,
        points: 2,
        evidence: 'AS16509',
        message: 'Hosting',
      },
    ],
    recommendation: 'proceed',
    answered: 3,
    correct: status === 'passed' ? 3 : 1,
  };
  // Time to complete: 100 s for even rows, 500 s for odd ones.
  const completedAt = at(i % 2 ? 500_000 : 100_000);
  await h.stack.repositories.verifications.transition(
    v.verificationId,
    status,
    {
      assessment,
      completedAt,
      transcript: [
        {
          questionId: 'q1',
          kind: 'choice',
          prompt: 'Who is your manager?',
          options: ['Ana Sousa', 'Raj Patel'],
          response: 'Ana Sousa',
          redacted: false,
          grade: 'correct',
          elapsedMs: 4200,
        },
      ],
    } as never,
    audit(`verification.${status}`, 200_000),
  );
  return { ...v, status, assessment, completedAt };
}

const N = 30;

/** RFC 4180 as a spreadsheet reads it (csv-parse is not a dependency): quoted cells, "" inside quotes. */
function parse(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n') {
      rows.push([...row, cell]);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  const [header = [], ...body] = rows;
  return body.map((r) => Object.fromEntries(header.map((name, i) => [name, r[i] ?? ''])));
}

beforeAll(async () => {
  h = await startHarness();
  tokens.admin = await h.stack.gateway.issueToken('adam', ['admin']);
  tokens.agent = await h.stack.gateway.issueToken('alice', ['agent']);
  tokens.auditor = await h.stack.gateway.issueToken('audrey', ['auditor']);
  for (let i = 0; i < N; i++) made.push(await seedOne(i));
  made.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
});

afterAll(async () => {
  await h?.stop();
});

const list = (query: Record<string, string>, token = tokens.agent) =>
  call(h, 'GET', `/api/verifications?${new URLSearchParams(query)}`, { token });

async function all(query: Record<string, string>) {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res = await list({ ...query, limit: '7', ...(cursor ? { cursor } : {}) });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    // A "Next" never leads to an empty page.
    if (cursor) expect(res.json.items.length).toBeGreaterThan(0);
    ids.push(...res.json.items.map((r: { verificationId: string }) => r.verificationId));
    cursor = res.json.nextCursor;
    pages++;
  } while (cursor && pages < 50);
  return ids;
}

const expectedIds = (keep: (v: ConsoleVerification) => boolean) =>
  made.filter(keep).map((v) => v.verificationId);

describe('verifications table', () => {
  it('lists everything newest first, across months, one cursor page at a time, each row once', async () => {
    expect(await all({})).toEqual(expectedIds(() => true));
    const first = await list({ limit: '5' });
    expect(first.json.items[0]).toMatchObject({
      verificationId: made[0]?.verificationId,
      ticketNumber: made[0]?.ticketNumber,
      requesterEmail: made[0]?.requesterEmail,
      agent: made[0]?.agent,
    });
    expect(JSON.stringify(first.json)).not.toContain('"destination"');
  });

  it('offers no next page after the last row, even when the last page is full', async () => {
    const exactly = await list({ limit: String(made.length) });
    expect(exactly.json.items).toHaveLength(made.length);
    expect(exactly.json.nextCursor).toBeNull();
    const onePassed = expectedIds((v) => v.status === 'passed');
    const passed = await list({ status: 'passed', limit: String(onePassed.length) });
    expect(passed.json.items).toHaveLength(onePassed.length);
    expect(passed.json.nextCursor).toBeNull();
    const jose = expectedIds((v) => v.requesterName === 'José Álvarez');
    const search = await list({ q: 'jose alvarez', limit: String(jose.length) });
    expect(search.json.items).toHaveLength(jose.length);
    expect(search.json.nextCursor).toBeNull();
  });

  it.each([
    ['status', { status: 'passed' }, (v: ConsoleVerification) => v.status === 'passed'],
    ['risk level', { riskLevel: 'high' }, (v: ConsoleVerification) => v.assessment?.riskLevel === 'high'],
    ['category', { category: 'mfa_reset' }, (v: ConsoleVerification) => v.category === 'mfa_reset'],
    ['agent', { agent: 'bob' }, (v: ConsoleVerification) => v.agent === 'bob'],
    [
      'agent and status',
      { agent: 'carol', status: 'failed' },
      (v: ConsoleVerification) => v.agent === 'carol' && v.status === 'failed',
    ],
    [
      'category, risk and dates',
      {
        category: 'account_unlock',
        riskLevel: 'medium',
        from: isoDay(Date.now() - 60 * DAY),
        to: isoDay(Date.now()),
      },
      (v: ConsoleVerification) =>
        v.category === 'account_unlock' &&
        v.assessment?.riskLevel === 'medium' &&
        v.createdAt.slice(0, 10) >= isoDay(Date.now() - 60 * DAY),
    ],
    [
      'date range',
      { from: isoDay(Date.now() - 40 * DAY), to: isoDay(Date.now() - 10 * DAY) },
      (v: ConsoleVerification) =>
        v.createdAt.slice(0, 10) >= isoDay(Date.now() - 40 * DAY) &&
        v.createdAt.slice(0, 10) <= isoDay(Date.now() - 10 * DAY),
    ],
  ])('filters by %s on the server', async (_, query, keep) => {
    const expected = expectedIds(keep);
    expect(expected.length).toBeGreaterThan(0);
    expect(await all(query as Record<string, string>)).toEqual(expected);
  });

  it('searches by ticket number, requester email or full name (any case, accents ignored)', async () => {
    const target = made.find((v) => v.requesterName === 'José Álvarez') as ConsoleVerification;
    expect(await all({ q: target.ticketNumber.toLowerCase() })).toEqual([target.verificationId]);
    expect(await all({ q: (target.requesterEmail as string).toUpperCase() })).toEqual([
      target.verificationId,
    ]);
    expect(await all({ q: 'jose alvarez' })).toEqual(expectedIds((v) => v.requesterName === 'José Álvarez'));
    expect(await all({ q: 'jose alvarez', status: 'passed' })).toEqual([]);
  });

  it('refuses a tampered cursor, a cursor reused with other filters, and bad filters', async () => {
    const page = await list({ limit: '3' });
    const cursor = page.json.nextCursor as string;
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    const tampered = Buffer.from(JSON.stringify({ ...decoded, b: 'VER#x' })).toString('base64url');
    expect((await list({ cursor: tampered })).json.error.code).toBe('INVALID_CURSOR');
    expect((await list({ cursor: 'not-a-cursor' })).json.error.code).toBe('INVALID_CURSOR');
    expect((await list({ cursor, status: 'passed' })).json.error.code).toBe('CURSOR_FILTER_MISMATCH');
    const bad = await list({ status: 'nope', limit: '1000' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('VALIDATION_FAILED');
    expect(bad.json.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['limit', 'status']);
  });
});

describe('dashboard', () => {
  const range = () => ({ from: isoDay(Date.now() - 120 * DAY), to: isoDay(Date.now()) });

  it('reports the range from the per-day aggregates the stream consumer keeps', async () => {
    const finals = made.filter((v) => v.status !== 'sent').length;
    const board = await until('aggregates', async () => {
      const res = await call(h, 'GET', `/api/dashboard?${new URLSearchParams(range())}`, {
        token: tokens.auditor,
      });
      const t = res.json.totals;
      return t.started === N &&
        t.passed + t.failed + t.notEnoughQuestions + t.timedOut + t.cancelled === finals
        ? res.json
        : undefined;
    });
    const count = (s: VerificationStatus) => made.filter((v) => v.status === s).length;
    const completed = count('passed') + count('failed') + count('not_enough_questions');
    expect(board.totals).toEqual({
      started: N,
      passed: count('passed'),
      failed: count('failed'),
      notEnoughQuestions: count('not_enough_questions'),
      timedOut: count('timed_out'),
      cancelled: count('cancelled'),
      completed,
    });
    expect(board.rates.completion).toBeCloseTo(completed / N, 4);
    expect(board.rates.pass).toBeCloseTo(count('passed') / completed, 4);
    expect(board.rates.timedOut).toBeCloseTo(count('timed_out') / N, 4);
    const risk = (l: RiskLevel) => made.filter((v) => v.assessment?.riskLevel === l).length;
    expect(board.risk).toEqual({ verified: risk('verified'), medium: risk('medium'), high: risk('high') });
    const evenDone = made.filter((v) => v.completedAt && Number(v.ticket.ticketId.slice(1)) % 2 === 0).length;
    // Even rows took 100 s, odd rows 500 s: the median bucket's upper bound.
    expect(board.medianTimeToCompleteSeconds).toBe(evenDone * 2 >= completed ? 120 : 600);
    expect(board.days).toHaveLength(121);
    expect(board.days.reduce((n: number, d: { started: number }) => n + d.started, 0)).toBe(N);
    const mfa = board.byCategory.find((b: { key: string }) => b.key === 'mfa_reset');
    expect(mfa).toMatchObject({ started: made.filter((v) => v.category === 'mfa_reset').length });
    expect(board.byAgent.map((b: { key: string }) => b.key).sort()).toEqual(AGENTS);
  });

  it('counts nothing twice when the stream delivers a record again', async () => {
    const before = (
      await call(h, 'GET', `/api/dashboard?${new URLSearchParams(range())}`, { token: tokens.admin })
    ).json;
    const v = made.find((x) => x.status === 'passed') as ConsoleVerification;
    const stored = (await h.stack.repositories.verifications.getVerification(
      v.verificationId,
    )) as Verification;
    const image = marshall(
      { pk: `VER#${v.verificationId}`, sk: 'VER', ...stored },
      { removeUndefinedValues: true },
    );
    const opened = marshall(
      { pk: `VER#${v.verificationId}`, sk: 'VER', ...stored, status: 'in_progress' },
      {
        removeUndefinedValues: true,
      },
    );
    const replay = {
      Records: [
        { eventName: 'INSERT', dynamodb: { NewImage: image, SequenceNumber: '1' } },
        { eventName: 'MODIFY', dynamodb: { OldImage: opened, NewImage: image, SequenceNumber: '2' } },
      ],
    };
    expect(await invoke('console-aggregate', replay)).toEqual({ batchItemFailures: [] });
    expect(await invoke('console-aggregate', replay)).toEqual({ batchItemFailures: [] });
    const after = (
      await call(h, 'GET', `/api/dashboard?${new URLSearchParams(range())}`, { token: tokens.admin })
    ).json;
    expect(after).toEqual(before);
  });

  it('refuses a range longer than allowed', async () => {
    const res = await call(h, 'GET', '/api/dashboard?from=2020-01-01&to=2026-01-01', { token: tokens.admin });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('RANGE_TOO_LONG');
  });
});

describe('CSV export', () => {
  async function exportCsv(body: unknown, token = tokens.auditor) {
    const started = await call(h, 'POST', '/api/exports', { token, body });
    expect(started.status).toBe(202);
    expect(started.json.status).toBe('queued');
    const job = await until('export done', async () => {
      const res = await call(h, 'GET', `/api/exports/${started.json.exportId}`, { token });
      return res.json.status === 'done' || res.json.status === 'failed' ? res.json : undefined;
    });
    expect(job.status).toBe('done');
    const res = await fetch(job.downloadUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('attachment');
    return { job, text: await res.text() };
  }

  it('exports everything, quoted, with formulas neutralised, and audits the export', async () => {
    const { job, text } = await exportCsv({});
    const rows = parse(text) as Record<string, string>[];
    expect(job.rowCount).toBe(N);
    expect(rows).toHaveLength(N);
    expect(rows.map((r) => r['Verification ID'])).toEqual(expectedIds(() => true));
    const names = new Set(rows.map((r) => r.Requester));
    expect(names).toContain('\'=HYPERLINK("http://evil.example","x")');
    expect(names).toContain("'+cmd|calc");
    expect(names).toContain("'-2+3");
    expect(names).toContain("'@SUM(A1)");
    expect(names).toContain("'\tTabbed");
    expect(names).toContain("'\rCarriage");
    expect(names).toContain('Comma, "Quoted" Name');
    expect(names).toContain("Siobhán O'Connor");
    for (const name of names) expect(name).not.toMatch(/^[=+\-@\t\r]/);
    // Every string cell is quoted: a cell can never spill into the next one.
    expect(text).toContain('"Comma, ""Quoted"" Name"');
    const audit = await call(h, 'GET', '/api/audit?actor=audrey&action=export.requested', {
      token: tokens.admin,
    });
    expect(audit.json.items.map((e: { details: { exportId: string } }) => e.details.exportId)).toContain(
      job.exportId,
    );
    const done = await call(h, 'GET', '/api/audit?action=export.completed', { token: tokens.admin });
    expect(done.json.items[0].details).toMatchObject({
      exportId: job.exportId,
      rows: N,
      requestedBy: 'audrey',
    });
  });

  it('uses the labels people read, names the file for what it holds, and carries reports and feedback', async () => {
    const started = await call(h, 'POST', '/api/exports', {
      token: tokens.auditor,
      body: { filters: { status: 'not_enough_questions' } },
    });
    const job = await until('export done', async () => {
      const res = await call(h, 'GET', `/api/exports/${started.json.exportId}`, { token: tokens.auditor });
      return res.json.status === 'done' ? res.json : undefined;
    });
    const res = await fetch(job.downloadUrl);
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="verifications_\d{4}-\d{2}-\d{2}_to_\d{4}-\d{2}-\d{2}_status-not-enough-questions\.csv"$/,
    );
    const rows = parse(await res.text());
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(r.Outcome).toBe('Not Enough Questions');
      expect(r['Risk level']).not.toBe('Verified');
      expect(r.Recommendation).toMatch(/^Not verified/);
      expect(r['Console link']).toMatch(/\/verifications\/[0-9A-Z]{26}$/);
      expect(r['Main reasons']).toMatch(/^Hosting(; |$)/);
    }
    expect(rows.map((r) => r['User feedback'])).toContain('Hard: =too many questions');
  });

  it('exports only the filtered rows', async () => {
    const { text } = await exportCsv({ filters: { status: 'failed', agent: 'bob' } });
    const rows = parse(text) as Record<string, string>[];
    expect(rows.map((r) => r['Verification ID'])).toEqual(
      expectedIds((v) => v.status === 'failed' && v.agent === 'bob'),
    );
  });

  it('serves the file only with an untampered, unexpired link', async () => {
    const { job } = await exportCsv({ filters: { category: 'mfa_reset' } });
    const url = new URL(job.downloadUrl);
    url.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 3600));
    expect((await fetch(url)).status).toBe(403);
    const expired = new URL(job.downloadUrl);
    expired.searchParams.set('expires', '1000');
    expect((await fetch(expired)).status).toBe(403);
  });
});

describe('summary, transcript and audit log', () => {
  it('shows the summary with its timeline and reasons by category', async () => {
    const v = made.find((x) => x.status === 'failed') as ConsoleVerification;
    const res = await call(h, 'GET', `/api/verifications/${v.verificationId}`, { token: tokens.auditor });
    expect(res.status).toBe(200);
    expect(res.json.timeline.map((e: { action: string }) => e.action)).toEqual([
      'verification.sent',
      'link.opened',
      'verification.failed',
    ]);
    expect(Object.keys(res.json.reasonsByCategory).sort()).toEqual(['network', 'persona']);
    expect(res.json.can).toEqual({
      cancel: false,
      resend: false,
      retryWriteBack: false,
      viewTranscript: true,
    });
    expect(res.json).not.toHaveProperty('destination');
    // Its ticket is not in the ticket desk: the summary still shows, without the subject.
    expect(res.json).not.toHaveProperty('ticketSubject');
  });

  it('shows the transcript and records who viewed it', async () => {
    const v = made.find((x) => x.status === 'passed') as ConsoleVerification;
    const res = await call(h, 'GET', `/api/verifications/${v.verificationId}/transcript`, {
      token: tokens.auditor,
    });
    expect(res.status).toBe(200);
    expect(res.json.entries).toEqual([
      expect.objectContaining({ prompt: 'Who is your manager?', grade: 'correct' }),
    ]);
    const audit = await call(
      h,
      'GET',
      `/api/audit?verificationId=${v.verificationId}&action=transcript.viewed`,
      {
        token: tokens.auditor,
      },
    );
    expect(audit.json.items).toEqual([
      expect.objectContaining({ actor: 'audrey', action: 'transcript.viewed' }),
    ]);
  });

  it('filters the audit log by actor, action and day, newest first, by cursor', async () => {
    const day = made[3]?.createdAt.slice(0, 10) as string;
    const onDay = await call(h, 'GET', `/api/audit?from=${day}&to=${day}`, { token: tokens.auditor });
    expect(onDay.json.items.length).toBeGreaterThan(0);
    for (const e of onDay.json.items) expect(e.at.slice(0, 10)).toBe(day);
    // Every event has its own id (the console keys its rows by it).
    const ids = onDay.json.items.map((e: { eventId: string }) => e.eventId);
    expect(ids.every((id: string) => /^[0-9A-Z]{26}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    const sent: string[] = [];
    let cursor: string | null = null;
    do {
      const q = new URLSearchParams({
        action: 'verification.sent',
        actor: 'bob',
        limit: '2',
        ...(cursor ? { cursor } : {}),
      });
      const res = await call(h, 'GET', `/api/audit?${q}`, { token: tokens.auditor });
      sent.push(...res.json.items.map((e: { verificationId: string }) => e.verificationId));
      cursor = res.json.nextCursor;
    } while (cursor);
    expect(sent).toEqual(expectedIds((v) => v.agent === 'bob'));
  });
});

describe('send page', () => {
  it('pre-fills the ticket, normalises a national number to E.164 and requires a reason for it', async () => {
    const ticket = await openTicket(h);
    const prefill = await call(h, 'GET', `/api/tickets/local-desk/${ticket.id}`, { token: tokens.agent });
    expect(prefill.status).toBe(200);
    expect(prefill.json).toMatchObject({ subject: 'Locked out', requiresVerification: true, history: [] });
    expect(prefill.json.contactOnRecord.email).toMatch(/^\w\*\*\*@/);
    const body = {
      connectionId: 'local-desk',
      ticketId: ticket.id,
      channel: 'sms',
      destination: '07911 123456',
    };
    const noReason = await call(h, 'POST', '/api/verifications', {
      token: tokens.agent,
      body: { ...body, country: 'GB' },
    });
    expect(noReason.status).toBe(400);
    expect(noReason.json.error.details).toEqual([expect.objectContaining({ path: 'reason' })]);
    const noCountry = await call(h, 'POST', '/api/verifications', {
      token: tokens.agent,
      body: { ...body, reason: 'Lost phone' },
    });
    expect(noCountry.json.error.details).toEqual([expect.objectContaining({ path: 'destination' })]);
    const sent = await call(h, 'POST', '/api/verifications', {
      token: tokens.agent,
      body: { ...body, country: 'GB', reason: 'Lost phone' },
    });
    expect(sent.status).toBe(202);
    const stored = (await h.stack.repositories.verifications.getVerification(
      sent.json.verificationId,
    )) as ConsoleVerification;
    expect(stored.destination).toBe('+447911123456');
    expect(stored.destinationReason).toBe('Lost phone');
    const summary = await call(h, 'GET', `/api/verifications/${sent.json.verificationId}`, {
      token: tokens.agent,
    });
    expect(summary.json).toMatchObject({
      ticketSubject: 'Locked out',
      ticketDescription: 'I typed the wrong password too many times this morning.',
      destinationReason: 'Lost phone',
    });
    // A polling summary reads the ticket system once a minute at most.
    const reads = () => h.stack.desk.calls.filter((c) => c.method === 'GET' && c.id === ticket.id).length;
    const before = reads();
    await call(h, 'GET', `/api/verifications/${sent.json.verificationId}`, { token: tokens.agent });
    expect(reads()).toBe(before);
    const again = await call(h, 'GET', `/api/tickets/local-desk/${ticket.id}`, { token: tokens.agent });
    expect(again.json.openVerification.verificationId).toBe(sent.json.verificationId);
  });
});

describe('settings and users', () => {
  it("changes a connection's policy, validates it, never returns secrets, and audits each change", async () => {
    const update = await call(h, 'POST', '/api/settings/connections/local-desk', {
      token: tokens.admin,
      body: {
        linkLifetimeSeconds: 1200,
        gatedCategories: ['password_reset', 'mfa_reset'],
        highFrom: 8,
        retentionDays: 90,
        minKnowledgeSms: 4,
      },
    });
    expect(update.status).toBe(200);
    expect(update.json).toMatchObject({
      linkLifetimeSeconds: 1200,
      highFrom: 8,
      mediumFrom: 4,
      retentionDays: 90,
      // The private knowledge a pass needs: set for SMS links, the default for email ones.
      minKnowledgeSms: 4,
      minKnowledgeEmail: 3,
    });
    expect((await h.stack.repositories.connections.getConnection('local-desk'))?.minKnowledgeSms).toBe(4);
    // The retention applies to what is sent from now on.
    const ticket = await openTicket(h);
    const sent = await call(h, 'POST', '/api/verifications', {
      token: tokens.agent,
      body: { connectionId: 'local-desk', ticketId: ticket.id, channel: 'email' },
    });
    const stored = (await h.stack.repositories.verifications.getVerification(
      sent.json.verificationId,
    )) as Verification;
    expect(stored.expiresAtEpoch - Math.floor(Date.parse(stored.createdAt) / 1000)).toBe(90 * 86_400);
    const bad = await call(h, 'POST', '/api/settings/connections/local-desk', {
      token: tokens.admin,
      body: { mediumFrom: 9 },
    });
    expect(bad.status).toBe(400);
    const secret = 'a-brand-new-webhook-signing-secret';
    const put = await call(h, 'POST', '/api/settings/connections/local-desk/secrets', {
      token: tokens.admin,
      body: { webhook: [secret] },
    });
    expect(put.json).toEqual({ updated: ['webhook'] });
    const settings = await call(h, 'GET', '/api/settings', { token: tokens.admin });
    expect(
      settings.json.connections.find((c: { connectionId: string }) => c.connectionId === 'local-desk'),
    ).toMatchObject({ linkLifetimeSeconds: 1200, gatedCategories: ['password_reset', 'mfa_reset'] });
    expect(JSON.stringify(settings.json)).not.toContain(secret);
    const audit = await call(h, 'GET', '/api/audit?actor=adam', { token: tokens.admin });
    expect(audit.json.items.map((e: { action: string }) => e.action)).toEqual([
      'settings.secret_updated',
      'settings.connection_updated',
    ]);
    expect(JSON.stringify(audit.json)).not.toContain(secret);
  });

  it('adds a user who can sign in with their role, and a disabled user cannot', async () => {
    const created = await call(h, 'POST', '/api/users', {
      token: tokens.admin,
      body: { username: 'dora', email: 'dora@example.com', roles: ['auditor'] },
    });
    expect(created.status).toBe(201);
    const signIn = () =>
      call(h, 'POST', '/local-auth/token', {
        body: { username: 'dora', password: created.json.temporaryPassword },
      });
    const signed = await signIn();
    expect(signed.status).toBe(200);
    const me = await call(h, 'GET', '/api/me', { token: signed.json.id_token });
    expect(me.json).toEqual({ username: 'dora', roles: ['auditor'] });
    const taken = await call(h, 'POST', '/api/users', {
      token: tokens.admin,
      body: { username: 'dora', email: 'd@example.com', roles: ['agent'] },
    });
    expect(taken.status).toBe(409);
    const disabled = await call(h, 'POST', '/api/users/dora', {
      token: tokens.admin,
      body: { enabled: false },
    });
    expect(disabled.json).toMatchObject({ username: 'dora', enabled: false });
    expect((await signIn()).status).toBe(401);
    const users = await call(h, 'GET', '/api/users', { token: tokens.admin });
    expect(users.json.items.map((u: { username: string }) => u.username).sort()).toEqual([
      'adam',
      'alice',
      'audrey',
      'dora',
    ]);
  });
});

describe('what agents see', () => {
  it('lists the urgent "I did not ask for this" verifications on their own, flagged', async () => {
    const res = await list({ reported: 'not_me' });
    expect(res.status).toBe(200);
    expect(res.json.items).toHaveLength(1);
    expect(res.json.items[0]).toMatchObject({ urgent: true, outcome: 'Failed' });
    const detail = await call(h, 'GET', `/api/verifications/${res.json.items[0].verificationId}`, {
      token: tokens.agent,
    });
    expect(detail.json.requesterReport).toMatchObject({ kind: 'not_me' });
    expect(detail.json.verdict.urgent).toBe(true);
  });

  it('shows agents only the outcome and the recommendation when the connection says so; auditors all', async () => {
    const on = await call(h, 'POST', '/api/settings/connections/local-desk', {
      token: tokens.admin,
      body: { agentView: 'outcome_only' },
    });
    expect(on.status).toBe(200);
    expect(on.json.agentView).toBe('outcome_only');
    try {
      const failed = made.find((x) => x.status === 'failed') as ConsoleVerification;
      const agentRows = (await list({ status: 'failed' })).json.items;
      for (const r of agentRows) {
        expect(r).not.toHaveProperty('riskScore');
        expect(r).not.toHaveProperty('mainReasons');
        expect(r).toMatchObject({ analysisHidden: true, outcome: 'Failed' });
        expect(r.recommendation).toMatch(/^(Not verified|URGENT)/);
      }
      const agent = await call(h, 'GET', `/api/verifications/${failed.verificationId}`, {
        token: tokens.agent,
      });
      expect(agent.json).not.toHaveProperty('assessment');
      // The send page's ticket history too.
      const desk = await openTicket(h);
      await sendLink(h, desk.id);
      const prefill = await call(h, 'GET', `/api/tickets/local-desk/${desk.id}`, { token: tokens.agent });
      expect(prefill.status).toBe(200);
      expect(prefill.json.history.length).toBeGreaterThan(0);
      for (const r of prefill.json.history) {
        expect(r).not.toHaveProperty('riskScore');
        expect(r.analysisHidden).toBe(true);
      }
      const auditor = await call(h, 'GET', `/api/verifications/${failed.verificationId}`, {
        token: tokens.auditor,
      });
      expect(auditor.json.assessment.riskScore).toEqual(expect.any(Number));
      expect((await list({ status: 'failed' }, tokens.auditor)).json.items[0].riskScore).toEqual(
        expect.any(Number),
      );
      const audit = await call(h, 'GET', '/api/audit?action=settings.connection_updated', {
        token: tokens.admin,
      });
      expect(audit.json.items[0].details).toMatchObject({
        connectionId: 'local-desk',
        'agentView.before': '(default)',
        'agentView.after': 'outcome_only',
      });
    } finally {
      await call(h, 'POST', '/api/settings/connections/local-desk', {
        token: tokens.admin,
        body: { agentView: 'full' },
      });
    }
  });
});

describe('what an agent or auditor hits in the first hour', () => {
  it('finds a verification by the Verification ID the portal gave the requester, any case', async () => {
    const v = made[3] as ConsoleVerification;
    const res = await list({ q: v.verificationId.toLowerCase() });
    expect(res.status).toBe(200);
    expect(res.json.items.map((r: { verificationId: string }) => r.verificationId)).toEqual([
      v.verificationId,
    ]);
  });

  it('finds requesters by the start of a name, a surname or an email, any case and accents', async () => {
    // Other tests in this file send links too (to the demo requester): check who was found.
    const found = async (q: string) =>
      (await list({ q })).json.items as {
        verificationId: string;
        requesterName: string;
        requesterEmail?: string;
      }[];
    const seeded = (n: string) => made.filter((v) => v.requesterName === n).map((v) => v.verificationId);
    for (const [q, name] of [
      ['ALVA', 'José Álvarez'],
      ['zoë mar', 'Zoë Martín'],
      ['Siob', "Siobhán O'Connor"],
      ['oconn', "Siobhán O'Connor"],
    ] as const) {
      const rows = await found(q);
      expect(new Set(rows.map((r) => r.requesterName)), q).toEqual(new Set([name]));
      expect(
        rows.map((r) => r.verificationId),
        q,
      ).toEqual(expect.arrayContaining(seeded(name)));
    }
    const emails = (await found('Person1')).map((r) => r.requesterEmail);
    expect(emails.length).toBe(11);
    for (const e of emails) expect(e).toMatch(/^person1\d?@example\.com$/);
    expect((await found('person12@example.com')).map((r) => r.requesterEmail)).toEqual([
      'person12@example.com',
    ]);
  });

  it('says in a sentence which policy value is wrong', async () => {
    const res = await call(h, 'POST', '/api/settings/connections/local-desk', {
      token: tokens.admin,
      body: { minAnswered: 50 },
    });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: '`minAnswered` must be at most 10.',
    });
    const order = await call(h, 'POST', '/api/settings/connections/local-desk', {
      token: tokens.admin,
      body: { mediumFrom: 8, highFrom: 6 },
    });
    expect(order.json.error.message).toBe('`highFrom` must be above `mediumFrom`.');
  });

  it('audits who opened a summary, once while it is being watched', async () => {
    const v = made[5] as ConsoleVerification;
    await call(h, 'GET', `/api/verifications/${v.verificationId}`, { token: tokens.auditor });
    await call(h, 'GET', `/api/verifications/${v.verificationId}`, { token: tokens.auditor });
    const audit = await call(
      h,
      'GET',
      `/api/audit?verificationId=${v.verificationId}&action=verification.viewed`,
      { token: tokens.admin },
    );
    expect(audit.json.items).toHaveLength(1);
    expect(audit.json.items[0]).toMatchObject({ actor: 'audrey', ticket: { connectionId: 'local-desk' } });
  });
});
