/**
 * Bounded work for every request (issue 12.1), through the local gateway: the far-future ranges
 * that used to loop for ever (dashboard), walk ~95,000 month partitions (export) or build ~2.9
 * million day partitions (audit) answer 400 at once with a stable code and a sentence, and the
 * stack keeps serving.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { call, type Harness, sharedHarness } from './harness.js';

let h: Harness;
let admin = '';

beforeAll(async () => {
  h = await sharedHarness();
  admin = await h.stack.gateway.issueToken('adam', ['admin']);
  // Load each handler once (a cold start), so the timings below are of the requests alone.
  for (const path of ['/api/dashboard', '/api/audit', '/api/verifications', '/api/me'])
    await call(h, 'GET', path, { token: admin });
  await call(h, 'POST', '/api/exports', { token: admin, body: { filters: { status: 'bogus' } } });
});

async function timed(method: string, path: string, body?: unknown) {
  const started = performance.now();
  const res = await call(h, method, path, { token: admin, ...(body !== undefined ? { body } : {}) });
  return { ...res, ms: performance.now() - started };
}

describe('far-future date ranges', () => {
  it.each([
    ['GET', '/api/dashboard?to=9999-12-31', undefined],
    ['GET', '/api/audit?to=9999-12-31', undefined],
    ['GET', '/api/verifications?to=9999-12-31', undefined],
    ['POST', '/api/exports', { filters: { to: '9999-12-31' } }],
  ] as const)('%s %s answers 400 DATE_IN_FUTURE at once', async (method, path, body) => {
    const res = await timed(method, path, body);
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('DATE_IN_FUTURE');
    expect(res.json.error.message).toMatch(
      /^The end date \(9999-12-31\) is in the future; pick a day up to today/,
    );
    // Before the fix these never answered (or took minutes); a refusal is a few milliseconds.
    expect(res.ms).toBeLessThan(1000);
    // ...and the stack keeps serving.
    expect((await call(h, 'GET', '/api/me', { token: admin })).status).toBe(200);
  });
});

describe('far-past date ranges', () => {
  it.each([
    ['GET', '/api/dashboard?from=0000-01-01&to=1901-01-31', undefined],
    ['GET', '/api/audit?from=0050-01-01&to=0099-12-31', undefined],
    ['POST', '/api/exports', { filters: { from: '0001-01-01', to: '0090-01-01' } }],
  ] as const)(
    '%s %s answers 400 RANGE_TOO_LONG at once (years 0-99 are not 1900-1999)',
    async (method, path, body) => {
      const res = await timed(method, path, body);
      expect(res.status).toBe(400);
      expect(res.json.error.code).toBe('RANGE_TOO_LONG');
      expect(res.ms).toBeLessThan(1000);
    },
  );
});

describe('date ranges people get wrong', () => {
  it('a reversed range is a sentence, not a schema path', async () => {
    const res = await timed('GET', '/api/verifications?from=2026-05-01&to=2026-04-01');
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({
      code: 'RANGE_REVERSED',
      message:
        'The start date (2026-05-01) is after the end date (2026-04-01); swap them or pick another start date.',
    });
  });

  it('a day that does not exist names the field', async () => {
    const res = await timed('GET', '/api/dashboard?from=2026-02-30');
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('VALIDATION_FAILED');
    expect(res.json.error.message).toBe('`from` must be a date like 2026-01-31.');
  });

  it('an audit range over 13 months is refused; an export may cover five years', async () => {
    const audit = await timed('GET', '/api/audit?from=2024-01-01&to=2025-06-30');
    expect(audit.status).toBe(400);
    expect(audit.json.error.code).toBe('RANGE_TOO_LONG');
    const exp = await timed('POST', '/api/exports', { filters: { from: '2022-01-01', to: '2025-06-30' } });
    expect(exp.status).toBe(202);
    const tooLong = await timed('POST', '/api/exports', {
      filters: { from: '2015-01-01', to: '2025-06-30' },
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.json.error.code).toBe('RANGE_TOO_LONG');
  });
});
