/**
 * `npm run bench:console`: the console API with a year of data. Seeds 100,000 verifications into
 * an in-memory DynamoDB Local (BatchWriteItem; the same items, index attributes and search terms
 * the store writes; spread over the last 365 days with a realistic mix of outcomes, categories
 * and agents), then measures through the local gateway (JWT check, handler, DynamoDB Local):
 *
 * - the verifications list: first page and a deep page (page 40), with and without filters;
 * - the dashboard: 30 days and the whole year;
 * - a full CSV export (100,000 rows): time, and the process RSS sampled every 20 ms.
 *
 * The dashboard aggregates are written from the seeded verifications with the same functions the
 * stream consumer applies (`aggregateChanges`, `aggregateItems`), summed: replaying 200,000 stream records
 * through DynamoDB Local would measure the seeding, not the dashboard. Prints the numbers and
 * saves them as JSON under bench/results/.
 *
 *   npm run bench:console -- --verifications 100000 --samples 200
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { localDynamoClient, startDynamoDbLocal } from '../local/dynamodb-local.js';
import { invoke } from '../local/lambda.js';
import { freePort } from '../local/ports.js';
import { startLocalStack } from '../local/stack.js';
import { aggregateItems } from '../shared/adapters/dynamodb/console-aggregates.js';
import { searchItems, verificationItem } from '../shared/adapters/dynamodb/console-index.js';
import type {
  ConsoleVerification,
  RiskLevel,
  VerificationStatus,
} from '../shared/domain/model/verification.js';
import { aggregateChanges } from '../shared/use-cases/console/dashboard.js';

const { values } = parseArgs({
  options: {
    verifications: { type: 'string', default: '100000' },
    samples: { type: 'string', default: '200' },
  },
});
const TOTAL = Number(values.verifications);
const SAMPLES = Number(values.samples);
const DAY = 86_400_000;

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? 0;
}

/** A deterministic pseudo-random sequence, so every run seeds the same data. */
function random(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s / 2_147_483_648;
  };
}

const GIVEN = [
  'Ana',
  'Raj',
  'Mei',
  'Zoë',
  'José',
  'Grace',
  'Kwame',
  'Ingrid',
  'Priya',
  'Oliver',
  'Fatima',
  'Sven',
];
const FAMILY = [
  'Sousa',
  'Patel',
  'Tanaka',
  'Martín',
  'Álvarez',
  'Whitfield',
  'Mensah',
  'Larsen',
  'Nguyen',
  'Brennan',
];
const CATEGORIES = [
  'password_reset',
  'mfa_reset',
  'account_unlock',
  'device_enrolment',
  'access_request',
  'other',
];
const AGENTS = Array.from({ length: 25 }, (_, i) => `agent${String(i + 1).padStart(2, '0')}`);
/** Outcome mix: mostly passed, a tail of failures, timeouts and cancellations, a few still open. */
const OUTCOMES: [VerificationStatus, number][] = [
  ['passed', 0.6],
  ['failed', 0.14],
  ['not_enough_questions', 0.07],
  ['timed_out', 0.1],
  ['cancelled', 0.04],
  ['in_progress', 0.02],
  ['sent', 0.03],
];

function makeVerification(i: number, rnd: () => number, now: number): ConsoleVerification {
  // Busier on weekdays and in the last months, as a growing help desk would be.
  const age = Math.floor(365 * rnd() ** 1.3);
  const createdAt = new Date(now - age * DAY - Math.floor(rnd() * DAY)).toISOString();
  const pick = rnd();
  let cumulative = 0;
  let status: VerificationStatus = 'passed';
  for (const [outcome, share] of OUTCOMES) {
    cumulative += share;
    if (pick < cumulative) {
      status = outcome;
      break;
    }
  }
  const given = GIVEN[Math.floor(rnd() * GIVEN.length)] as string;
  const family = FAMILY[Math.floor(rnd() * FAMILY.length)] as string;
  const person = Math.floor(rnd() * 3000);
  const completed = ['passed', 'failed', 'not_enough_questions'].includes(status);
  const level: RiskLevel = status === 'passed' ? 'verified' : rnd() < 0.6 ? 'medium' : 'high';
  const ticketNumber = `INC${String(100000 + i).padStart(7, '0')}`;
  const v: ConsoleVerification = {
    verificationId: ulid(Date.parse(createdAt)),
    ticket: { connectionId: 'local-desk', ticketId: `bench-${i}` },
    ticketNumber,
    category: CATEGORIES[Math.floor(rnd() * rnd() * CATEGORIES.length)] as string,
    requesterId: `p${person}`,
    requesterName: `${given} ${family}`,
    requesterEmail: `${given}.${family}.${person}@example.com`.toLowerCase(),
    channel: rnd() < 0.7 ? 'email' : 'sms',
    destination: `${given}.${family}.${person}@example.com`.toLowerCase(),
    destinationMasked: `${given[0]?.toLowerCase()}***@example.com`,
    destinationIsContactOnRecord: rnd() < 0.9,
    agent: AGENTS[Math.floor(rnd() * AGENTS.length)] as string,
    status,
    createdAt,
    updatedAt: createdAt,
    linkExpiresAt: new Date(Date.parse(createdAt) + 900_000).toISOString(),
    writeBack: { state: completed || status === 'timed_out' ? 'done' : 'pending' },
    action: { state: 'none' },
    expiresAtEpoch: Math.floor(now / 1000) + 400 * 86_400,
  };
  if (completed || status === 'timed_out') {
    v.completedAt = new Date(Date.parse(createdAt) + 60_000 + Math.floor(rnd() * 600_000)).toISOString();
  }
  if (completed) {
    v.assessment = {
      riskScore:
        level === 'verified' ? 1 + rnd() * 2.9 : level === 'medium' ? 4 + rnd() * 2.9 : 7 + rnd() * 3,
      riskLevel: level,
      reasons: [
        {
          code: 'CONTACT_ON_RECORD',
          category: 'persona',
          points: -0.5,
          evidence: 'email',
          message: 'Contact on record',
        },
      ],
      recommendation: 'see level',
      answered: 3,
      correct: status === 'passed' ? 3 : 1,
    };
  }
  return v;
}

async function seed(endpoint: string, tableName: string) {
  const doc = DynamoDBDocumentClient.from(localDynamoClient(endpoint), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const rnd = random(42);
  const now = Date.now();
  const days = new Map<string, Record<string, number>>();
  const queue: Record<string, unknown>[] = [];
  const picks: { ticketNumber: string; agent: string; category: string } = {
    ticketNumber: '',
    agent: '',
    category: '',
  };
  const started = performance.now();
  let written = 0;
  const flush = async (all: boolean) => {
    const batches: Record<string, unknown>[][] = [];
    while (queue.length >= 25 || (all && queue.length > 0)) batches.push(queue.splice(0, 25));
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        for (let batch = batches.shift(); batch; batch = batches.shift()) {
          let request: Record<string, { PutRequest: { Item: Record<string, unknown> } }[]> | undefined = {
            [tableName]: batch.map((Item) => ({ PutRequest: { Item } })),
          };
          while (request && Object.keys(request).length > 0) {
            const out = await doc.send(new BatchWriteCommand({ RequestItems: request }));
            request = out.UnprocessedItems as typeof request;
          }
          written += batch.length;
        }
      }),
    );
  };
  for (let i = 0; i < TOTAL; i++) {
    const v = makeVerification(i, rnd, now);
    if (i === Math.floor(TOTAL / 2))
      Object.assign(picks, { ticketNumber: v.ticketNumber, agent: v.agent, category: v.category });
    queue.push(verificationItem(v));
    queue.push(...searchItems(v));
    for (const change of aggregateChanges(undefined, v)) {
      const day = days.get(change.date) ?? {};
      for (const [k, n] of Object.entries(change.counters)) day[k] = (day[k] ?? 0) + n;
      days.set(change.date, day);
    }
    if (queue.length >= 3000) await flush(false);
    if (i > 0 && i % 20_000 === 0)
      console.log(
        `  seeded ${i} verifications (${written} items, ${((performance.now() - started) / 1000).toFixed(0)} s)`,
      );
  }
  // The items the stream consumer would have built up, change by change, summed.
  const aggregate = new Map<string, Record<string, unknown>>();
  for (const [date, counters] of days)
    for (const { key, counters: add } of aggregateItems(date, counters)) {
      const id = `${key.pk}|${key.sk}`;
      const item = aggregate.get(id) ?? { ...key };
      for (const [k, n] of Object.entries(add)) item[k] = Number(item[k] ?? 0) + n;
      aggregate.set(id, item);
    }
  queue.push(...aggregate.values());
  await flush(true);
  return { items: written, seconds: Number(((performance.now() - started) / 1000).toFixed(1)), picks };
}

async function time(samples: number, fn: () => Promise<void>) {
  await fn(); // warm the handler (cold start) first
  const latencies: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t = performance.now();
    await fn();
    latencies.push(performance.now() - t);
  }
  latencies.sort((a, b) => a - b);
  return {
    p50: Number(percentile(latencies, 50).toFixed(1)),
    p95: Number(percentile(latencies, 95).toFixed(1)),
  };
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'hv-bench-console-'));
  const ddb = await startDynamoDbLocal(await freePort());
  const stack = await startLocalStack({
    dataDir,
    dynamodbEndpoint: ddb.endpoint,
    tableName: 'bench-console',
    ports: { gateway: 0, desk: 0, servicenow: 0, changegear: 0, stepFunctions: 0 },
    streamConsumers: false,
  });
  try {
    console.log(`seeding ${TOTAL} verifications into DynamoDB Local (${cpus().length} cores)...`);
    const seeded = await seed(ddb.endpoint, stack.tableName);
    console.log(`  ${seeded.items} items in ${seeded.seconds} s`);
    const token = await stack.gateway.issueToken('adam', ['admin']);
    const get = async (path: string) => {
      const res = await fetch(`${stack.urls.api}${path}`, { headers: { authorization: `Bearer ${token}` } });
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as { nextCursor?: string | null; items?: unknown[] };
    };
    const list = (query: Record<string, string>) => `/api/verifications?${new URLSearchParams(query)}`;
    /** The cursor of page `n` (1-based) for these filters. */
    const cursorOf = async (query: Record<string, string>, n: number) => {
      let cursor = '';
      for (let page = 1; page < n; page++) {
        const res = await get(list({ ...query, ...(cursor ? { cursor } : {}) }));
        if (!res.nextCursor) break;
        cursor = res.nextCursor;
      }
      return cursor;
    };
    const today = new Date().toISOString().slice(0, 10);
    const yearAgo = new Date(Date.now() - 364 * DAY).toISOString().slice(0, 10);
    const monthAgo = new Date(Date.now() - 29 * DAY).toISOString().slice(0, 10);
    const filters: Record<string, Record<string, string>> = {
      'no filter': {},
      'status=failed': { status: 'failed' },
      'riskLevel=high': { riskLevel: 'high' },
      'agent+status': { agent: seeded.picks.agent, status: 'passed' },
      'category+risk+30 days': {
        category: seeded.picks.category,
        riskLevel: 'medium',
        from: monthAgo,
        to: today,
      },
      'search ticket number': { q: seeded.picks.ticketNumber },
      'search requester name': { q: 'jose alvarez' },
    };
    const results: Record<string, unknown> = {};
    for (const [name, query] of Object.entries(filters)) {
      results[`list first page, ${name}`] = await time(SAMPLES, async () => void (await get(list(query))));
    }
    for (const name of ['no filter', 'status=failed', 'riskLevel=high']) {
      const query = filters[name] as Record<string, string>;
      const cursor = await cursorOf(query, 40);
      results[`list page 40, ${name}`] = await time(
        SAMPLES,
        async () => void (await get(list({ ...query, cursor }))),
      );
    }
    results['dashboard, 30 days'] = await time(
      SAMPLES,
      async () => void (await get(`/api/dashboard?from=${monthAgo}&to=${today}`)),
    );
    results['dashboard, 365 days'] = await time(
      SAMPLES,
      async () => void (await get(`/api/dashboard?from=${yearAgo}&to=${today}`)),
    );

    // The export job, run the way the stream consumer runs it; RSS sampled while it runs.
    const startedJob = await fetch(`${stack.urls.api}/api/exports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    const job = (await startedJob.json()) as { exportId: string };
    const baseline = process.memoryUsage().rss;
    const samples: { at: number; rss: number }[] = [];
    const t0 = performance.now();
    const sampler = setInterval(
      () => samples.push({ at: performance.now() - t0, rss: process.memoryUsage().rss }),
      20,
    );
    const t = performance.now();
    await invoke(
      'console-export-run',
      {
        Records: [
          {
            eventName: 'INSERT',
            dynamodb: { NewImage: { exportId: { S: job.exportId } }, SequenceNumber: '1' },
          },
        ],
      },
      900_000,
    );
    const exportSeconds = (performance.now() - t) / 1000;
    clearInterval(sampler);
    const done = (await get(`/api/exports/${job.exportId}`)) as unknown as {
      rowCount: number;
      status: string;
    };
    const mb = (n: number) => Number((n / 1024 / 1024).toFixed(1));
    // Flat memory: the peak of each quarter of the run; a leak or a buffered file would climb.
    const span = exportSeconds * 1000;
    const quarterPeaks = [0, 1, 2, 3].map((q) =>
      mb(
        Math.max(
          0,
          ...samples.filter((s) => s.at >= (q * span) / 4 && s.at < ((q + 1) * span) / 4).map((s) => s.rss),
        ),
      ),
    );
    const peak = Math.max(baseline, ...samples.map((s) => s.rss));
    results['export, all rows'] = {
      status: done.status,
      rows: done.rowCount,
      seconds: Number(exportSeconds.toFixed(1)),
      rssBaselineMb: mb(baseline),
      rssPeakMb: mb(peak),
      rssGrowthMb: mb(peak - baseline),
      rssPeakByQuarterMb: quarterPeaks,
    };

    console.log(`\nconsole API over ${TOTAL} verifications (${SAMPLES} samples each, sequential):`);
    for (const [name, r] of Object.entries(results)) console.log(`  ${name.padEnd(42)} ${JSON.stringify(r)}`);
    const result = { at: new Date().toISOString(), verifications: TOTAL, samples: SAMPLES, seeded, results };
    mkdirSync('bench/results', { recursive: true });
    const file = `bench/results/console-${result.at.replace(/[:.]/g, '-')}.json`;
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    writeFileSync('bench/results/latest-console.json', `${JSON.stringify(result, null, 2)}\n`);
    console.log(`\nsaved ${file}`);
  } finally {
    await stack.stop();
    await ddb.stop();
  }
}

await main();
