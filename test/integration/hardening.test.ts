/**
 * What an outside attack run against the local stack found, one test per finding, through the
 * local gateway on a stack with its own DynamoDB Local (the last test stops it):
 *
 * 1. oversized path parameters, query strings, headers, bad percent-encoding and a huge local
 *    sign-in name: a 400 with a stable code, a WARN line without the value, never an ERROR;
 * 2. the replay guard: the same signature re-encoded is the same delivery;
 * 3. a ChangeGear webhook with a non-integer ID: 400, never a 5xx the sender retries;
 * 5. the start page's timing does not tell known addresses from unknown ones;
 * 6. DynamoDB Local does not outlive a crash, and stopping it works after it was killed;
 * 4. the table unreachable: 503 with Retry-After and one 'table unreachable' line per request.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../local/dynamodb-local.js';
import { freePort } from '../../local/ports.js';
import { seedDirectory } from '../../local/seed.js';
import { startLocalStack } from '../../local/stack.js';
import { signWebhook } from '../../shared/domain/tokens.js';
import { ROUTES, type RouteSpec } from '../../shared/manifest.js';
import { secretNames } from '../../shared/ports/secrets.js';
import { call, type Harness, openLink, openTicket, sendLink } from './harness.js';

// WARN and up (the integration project's default is ERROR), so refusals at the edge are visible. Set
// before the logger is built: the Lambda-context middleware resets the level to the initial one on
// every invocation.
vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'WARN';
});

let h: Harness;
let ddb: DynamoDbLocal;
let adminToken: string;
const lines: string[] = [];
const originals = {
  out: process.stdout.write.bind(process.stdout),
  err: process.stderr.write.bind(process.stderr),
};

beforeAll(async () => {
  const capture = (original: typeof originals.out) =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stdout.write;
  process.stdout.write = capture(originals.out);
  process.stderr.write = capture(originals.err);
  // Its own DynamoDB Local: the outage test stops it.
  ddb = await startDynamoDbLocal(await freePort());
  const dataDir = mkdtempSync(join(tmpdir(), 'hv-hardening-'));
  const stack = await startLocalStack({
    dataDir,
    dynamodbEndpoint: ddb.endpoint,
    tableName: 'hardening',
    ports: { gateway: 0, desk: 0, servicenow: 0, changegear: 0, stepFunctions: 0 },
    retryIntervalOverrides: { SendLink: [20], WriteBack: [20], RecordAction: [20], AutoClose: [20] },
    deskRetryDelaysMs: [20],
    simulateSourceIp: true,
    // Nothing polls the table's stream while it is down.
    streamConsumers: false,
  });
  const agentToken = await stack.gateway.issueToken('alice', ['agent']);
  adminToken = await stack.gateway.issueToken('adam', ['admin']);
  h = { stack, api: stack.urls.api, agentToken, dataDir, stop: () => stack.stop() };
});
afterAll(async () => {
  process.stdout.write = originals.out;
  process.stderr.write = originals.err;
  await h?.stop();
  await ddb?.stop();
});

const linesSince = (from: number) => lines.slice(from).join('');
const errorLines = (from: number) =>
  linesSince(from)
    .split('\n')
    .filter((l) => /"level":"ERROR"|gateway error/.test(l));

function secretOf(connectionId: string): string {
  const secrets = JSON.parse(readFileSync(join(h.dataDir, 'secrets.json'), 'utf8')) as Record<string, string>;
  return (JSON.parse(secrets[secretNames.webhookSecrets(connectionId)] ?? '[]') as string[])[0] ?? '';
}

const tokenFor = (route: RouteSpec) => (route.auth === 'console' ? adminToken : undefined);

describe('1. oversized and malformed request parts', () => {
  const withParams = (ROUTES as readonly RouteSpec[]).filter((r) => r.path.includes('{'));

  it('answers 400 PATH_PARAMETER_TOO_LONG on every route with a path parameter, with a WARN and no ERROR', async () => {
    const from = lines.length;
    const huge = `p${'A'.repeat(2100)}`;
    expect(withParams.length).toBeGreaterThanOrEqual(9);
    for (const route of withParams) {
      const path = route.path.replace(/\{\w+\}/g, huge);
      const res = await call(h, route.method, path, {
        token: tokenFor(route),
        ...(route.method === 'POST' ? { raw: '{}' } : {}),
      });
      expect({ route: route.path, status: res.status, code: res.json?.error?.code }).toEqual({
        route: route.path,
        status: 400,
        code: 'PATH_PARAMETER_TOO_LONG',
      });
    }
    expect(errorLines(from)).toEqual([]);
    expect(linesSince(from)).toContain('request refused at the edge');
    expect(linesSince(from)).not.toContain('AAAAAAAAAA');
  });

  it('answers 400 MALFORMED_PATH for percent-encoding that does not decode', async () => {
    const from = lines.length;
    for (const [method, path] of [
      ['POST', '/webhooks/%zz'],
      ['GET', '/api/verifications/%E0%A4%A'],
      ['POST', '/api/users/%'],
    ] as const) {
      const res = await call(h, method, path, {
        token: adminToken,
        ...(method === 'POST' ? { raw: '{}' } : {}),
      });
      expect({ path, status: res.status, code: res.json?.error?.code }).toEqual({
        path,
        status: 400,
        code: 'MALFORMED_PATH',
      });
    }
    // Decodes, but to bytes that are not UTF-8 text, or to a control character.
    for (const path of ['/api/verifications/%FF%FE', '/api/verifications/a%00b']) {
      const res = await call(h, 'GET', path, { token: adminToken });
      expect({ path, status: res.status, code: res.json?.error?.code }).toEqual({
        path,
        status: 400,
        code: 'MALFORMED_PATH',
      });
    }
    expect(errorLines(from)).toEqual([]);
  });

  it('answers 400 for an oversized query string and an oversized header', async () => {
    const from = lines.length;
    const query = await call(h, 'GET', `/api/verifications?status=${'q'.repeat(5000)}`, {
      token: adminToken,
    });
    expect([query.status, query.json?.error?.code]).toEqual([400, 'QUERY_TOO_LONG']);
    const header = await call(h, 'POST', '/portal/start', {
      body: { email: 'someone@example.com' },
      headers: { 'x-padding': 'h'.repeat(9000) },
    });
    expect([header.status, header.json?.error?.code]).toEqual([400, 'HEADERS_TOO_LARGE']);
    expect(errorLines(from)).toEqual([]);
    expect(linesSince(from)).not.toMatch(/qqqqqqqqqq|hhhhhhhhhh/);
  });

  it('answers a 3,000-character local sign-in name with 400 invalid_request', async () => {
    const from = lines.length;
    const res = await call(h, 'POST', '/local-auth/token', {
      body: { username: 'u'.repeat(3000), password: 'whatever' },
    });
    expect(res).toEqual({ status: 400, json: { error: 'invalid_request' } });
    expect(errorLines(from)).toEqual([]);
  });
});

describe('2. replay guard', () => {
  it('refuses the same signature re-encoded (upper-case hex, reordered, spaced) as a replay', async () => {
    const ticket = h.stack.desk.open(
      { category: 'password_reset', subject: 'Locked out', requesterEmail: 'zoe.martin@example.com' },
      { deliver: false },
    );
    const raw = JSON.stringify({ ticketId: ticket.id });
    const signature = signWebhook(raw, secretOf('local-desk'), new Date());
    const [t, v1] = signature.split(',') as [string, string];
    const post = (value: string) =>
      call(h, 'POST', '/webhooks/local-desk', {
        raw,
        headers: { 'content-type': 'application/json', 'x-helpdesk-verify-signature': value },
      });
    expect((await post(signature)).status).toBe(201);
    for (const value of [
      `${t},v1=${v1.slice(3).toUpperCase()}`,
      `${v1},${t}`,
      ` ${t} ,  ${v1.replace('=', ' = ')} `,
      `${t},v1=${'0'.repeat(64)},${v1}`,
    ]) {
      const res = await post(value);
      expect({ value, status: res.status, code: res.json?.error?.code }).toEqual({
        value,
        status: 409,
        code: 'WEBHOOK_REPLAYED',
      });
    }
  });
});

describe('3. ChangeGear webhook IDs', () => {
  it.each([['abc'], ['12.5'], ['1e3'], [' 42'], ['-7']])(
    'answers 400 INVALID_TICKET_ID for ID %j',
    async (id) => {
      const res = await call(h, 'POST', '/webhooks/changegear-dev', {
        raw: JSON.stringify({ ID: id, Title: 'Locked out' }),
        headers: { authorization: `Basic ${Buffer.from(secretOf('changegear-dev')).toString('base64')}` },
      });
      expect([res.status, res.json?.error?.code]).toEqual([400, 'INVALID_TICKET_ID']);
    },
  );
});

describe('5. self-service start timing', () => {
  it('takes as long for a known address as for an unknown one (medians within 15 ms)', async () => {
    const N = 15;
    const known = seedDirectory()
      .filter((p) => p.enabled && p.email && !p.privileged)
      .slice(5, 5 + N)
      .map((p) => p.email);
    expect(known).toHaveLength(N);
    const timed = async (email: string) => {
      const started = performance.now();
      const res = await call(h, 'POST', '/portal/start', { body: { email } });
      expect(res.status).toBe(202);
      return performance.now() - started;
    };
    // Warm both paths (first loads of the handler and what it calls).
    await timed('warm-up-nobody@example.com');
    await timed(seedDirectory().filter((p) => p.enabled && p.email)[1]?.email ?? '');
    const times = { known: [] as number[], unknown: [] as number[] };
    // Interleaved, so the machine's load and the lifecycles started in the background weigh on both.
    for (let i = 0; i < N; i++) {
      times.known.push(await timed(known[i] as string));
      times.unknown.push(await timed(`nobody-${i}-${Date.now()}@example.com`));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
    const [k, u] = [median(times.known), median(times.unknown)];
    console.info(`self-service start medians: known ${k.toFixed(1)} ms, unknown ${u.toFixed(1)} ms`);
    expect(Math.abs(k - u)).toBeLessThan(15);
  });
});

describe('6. local stack robustness', () => {
  it('does not leave DynamoDB Local running when the process that started it crashes', async () => {
    const script = join(mkdtempSync(join(tmpdir(), 'hv-crash-')), 'crash.mts');
    const local = (file: string) => JSON.stringify(resolve('local', file));
    writeFileSync(
      script,
      `import { startDynamoDbLocal } from ${local('dynamodb-local.ts')};
import { freePort } from ${local('ports.ts')};

const ddb = await startDynamoDbLocal(await freePort());
process.stdout.write(JSON.stringify({ pid: ddb.pid }) + '\\n');
setTimeout(() => { throw new Error('simulated crash'); }, 50);
`,
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: resolve('.'),
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    let pid: number | undefined;
    for await (const line of createInterface({ input: child.stdout })) {
      pid = (JSON.parse(line) as { pid: number }).pid;
      break;
    }
    expect(pid).toBeGreaterThan(0);
    expect(await exit).not.toBe(0);
    const alive = () => {
      try {
        process.kill(pid as number, 0);
        return true;
      } catch {
        return false;
      }
    };
    const deadline = Date.now() + 10_000;
    while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(alive()).toBe(false);
  });

  it('stops at once when DynamoDB Local was already killed by a signal', async () => {
    const other = await startDynamoDbLocal(await freePort());
    process.kill(other.pid as number, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 300));
    const stopped = await Promise.race([
      other.stop().then(() => 'stopped'),
      new Promise((r) => setTimeout(() => r('hung'), 3_000)),
    ]);
    expect(stopped).toBe('stopped');
  });
});

// Last: stops this file's DynamoDB Local.
describe('4. table unreachable', () => {
  it('answers 503 TABLE_UNAVAILABLE with Retry-After on every kind of route, one line each, no stack', async () => {
    const ticket = await openTicket(h);
    const { linkToken } = await sendLink(h, ticket.id);
    const session = await openLink(h, linkToken);
    await ddb.stop();
    const from = lines.length;
    const raw = JSON.stringify({ ticketId: 'tk-any' });
    const requests = [
      call(h, 'GET', '/api/verifications', { token: h.agentToken }),
      call(h, 'GET', `/api/verifications/${session.verificationId}`, { token: h.agentToken }),
      call(h, 'GET', '/portal/question', { token: session.sessionToken }),
      call(h, 'POST', '/portal/start', { body: { email: 'zoe.martin@example.com' } }),
      call(h, 'POST', '/webhooks/local-desk', {
        raw,
        headers: { 'x-helpdesk-verify-signature': signWebhook(raw, secretOf('local-desk'), new Date()) },
      }),
    ];
    for (const res of await Promise.all(requests)) {
      expect([res.status, res.json?.error?.code]).toEqual([503, 'TABLE_UNAVAILABLE']);
    }
    const retryAfter = await fetch(`${h.api}/api/me`, {
      headers: { authorization: `Bearer ${h.agentToken}` },
    });
    // /api/me reads no table: it still answers.
    expect(retryAfter.status).toBe(200);
    const res = await fetch(`${h.api}/api/verifications`, {
      headers: { authorization: `Bearer ${h.agentToken}` },
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    // The local issuer's sign-in reads the table too.
    const signIn = await call(h, 'POST', '/local-auth/token', { body: { username: 'alice', password: 'x' } });
    expect([signIn.status, signIn.json?.error?.code]).toEqual([503, 'TABLE_UNAVAILABLE']);
    const logged = linesSince(from);
    expect(errorLines(from)).toEqual([]);
    expect(logged.split('\n').filter((l) => l.includes('table unreachable')).length).toBeGreaterThanOrEqual(
      6,
    );
    expect(logged).not.toMatch(/\n\s+at /);
  });
});
