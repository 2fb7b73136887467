/**
 * `npm run bench:intake`: webhook intake throughput and latency against the local stack with
 * concurrent senders; in the same run, the raw DynamoDB Local PutItem rate from the same number of
 * senders, and the ratio of the two; plus the minified and gzipped size of every function bundle.
 * Prints the numbers and saves them as JSON under bench/results/.
 *
 *   npm run bench:intake -- --senders 16 --requests 2000
 *
 * Each intake request does the full path: signature check, connection and secret lookup, the
 * ticket re-fetched from the ticket desk over HTTP, the conditional ticket put, the link entry
 * written to the desk, and the audit event.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { localDynamoClient } from '../local/dynamodb-local.js';
import { startLocalStack } from '../local/stack.js';
import { signWebhook } from '../shared/domain/tokens.js';
import { secretNames } from '../shared/ports/secrets.js';
import { bundleSizes } from './bundle-size.js';

const { values } = parseArgs({
  options: {
    senders: { type: 'string', default: '16' },
    requests: { type: 'string', default: '2000' },
    warmup: { type: 'string', default: '100' },
  },
});
const senders = Number(values.senders);
const requests = Number(values.requests);
const warmup = Number(values.warmup);

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? 0;
}

/** Runs `total` jobs with `concurrency` workers; returns per-job latencies (ms) and the wall time. */
async function drive(total: number, concurrency: number, job: (i: number) => Promise<void>) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const t = performance.now();
        await job(i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    requests: total,
    seconds: Number(seconds.toFixed(2)),
    perSecond: Number((total / seconds).toFixed(1)),
    p50: Number(percentile(latencies, 50).toFixed(1)),
    p95: Number(percentile(latencies, 95).toFixed(1)),
    p99: Number(percentile(latencies, 99).toFixed(1)),
  };
}

const dataDir = mkdtempSync(join(tmpdir(), 'hv-bench-'));
const stack = await startLocalStack({
  dataDir,
  ports: { gateway: 0, desk: 0, servicenow: 0, changegear: 0, stepFunctions: 0, dynamodb: 0 },
});
try {
  const secrets = JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8')) as Record<string, string>;
  const secret = (JSON.parse(secrets[secretNames.webhookSecrets('local-desk')] ?? '[]') as string[])[0] ?? '';
  const tickets = Array.from({ length: warmup + requests }, () =>
    stack.desk.open(
      { category: 'password_reset', subject: 'Bench', requesterEmail: 'zoe.martin@example.com' },
      { deliver: false },
    ),
  );
  let failures = 0;
  const deliver = async (i: number) => {
    const body = JSON.stringify({ ticketId: tickets[i]?.id });
    const res = await fetch(`${stack.urls.api}/webhooks/local-desk`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-helpdesk-verify-signature': signWebhook(body, secret, new Date()),
      },
      body,
    });
    await res.arrayBuffer();
    if (res.status !== 201) failures++;
  };
  await drive(warmup, senders, deliver);
  failures = 0;
  const intake = await drive(requests, senders, (i) => deliver(warmup + i));
  if (failures > 0) throw new Error(`${failures} intake requests did not answer 201`);

  const client = localDynamoClient(stack.urls.dynamodb);
  const putItem = (i: number) =>
    client
      .send(
        new PutItemCommand({
          TableName: stack.tableName,
          Item: { pk: { S: `BENCH#${i}` }, sk: { S: 'BENCH' }, payload: { S: 'x'.repeat(200) } },
        }),
      )
      .then(() => undefined);
  await drive(warmup, senders, (i) => putItem(-1 - i));
  const rawPutItem = await drive(requests, senders, putItem);

  const bundles = await bundleSizes();
  const result = {
    at: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
    senders,
    intake,
    rawPutItem,
    intakeToPutItemRatio: Number((intake.perSecond / rawPutItem.perSecond).toFixed(3)),
    bundles,
  };
  console.log(`Webhook intake, ${senders} senders, ${requests} deliveries (full path, new ticket each):`);
  console.log(
    `  ${intake.perSecond} req/s   p50 ${intake.p50} ms   p95 ${intake.p95} ms   p99 ${intake.p99} ms`,
  );
  console.log(`Raw DynamoDB Local PutItem, ${senders} senders, ${requests} items:`);
  console.log(
    `  ${rawPutItem.perSecond} req/s   p50 ${rawPutItem.p50} ms   p95 ${rawPutItem.p95} ms   p99 ${rawPutItem.p99} ms`,
  );
  console.log(`Intake / PutItem throughput ratio: ${result.intakeToPutItemRatio}`);
  console.log('Function bundles (minified ESM, as deployed):');
  for (const b of bundles)
    console.log(
      `  ${b.function.padEnd(24)} ${String(b.minifiedKiB).padStart(8)} KiB   ${String(b.gzipKiB).padStart(7)} KiB gzip`,
    );
  mkdirSync('bench/results', { recursive: true });
  const file = `bench/results/intake-${result.at.replace(/[:.]/g, '-')}.json`;
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  // The latest run is kept in git as the reference; timestamped runs stay local.
  writeFileSync('bench/results/latest-intake.json', `${JSON.stringify(result, null, 2)}\n`);
  console.log(`Saved ${file} and bench/results/latest-intake.json`);
} finally {
  await stack.stop();
}
