/**
 * Fuzzing every route of the manifest through the local gateway: random bodies, query strings,
 * headers and path parameters from a fixed seed, with no credentials, wrong ones and valid ones of
 * each kind (console roles, portal link and session tokens, a webhook signature over the very body
 * sent, ChangeGear Basic credentials). Nothing may answer 500 or kill the process; with every
 * dependency up no 5xx at all is expected, and any 503 must carry Retry-After. Failures are
 * collected and reported together (route, method, status, the input that caused it).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../local/prng.js';
import { signWebhook } from '../../shared/domain/tokens.js';
import { ROUTES, type RouteSpec } from '../../shared/manifest.js';
import { secretNames } from '../../shared/ports/secrets.js';
import { type Harness, openTicket, sendLink, startHarness } from './harness.js';

const SEED = 0x5eed_2026;
const CASES_PER_ROUTE = 80;

/** Seeded choices: the same sequence for the same seed on every machine. */
function prng(seed: number) {
  const next = mulberry32(seed);
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T;
  return { next, int, pick, chance: (p: number) => next() < p };
}
type Rng = ReturnType<typeof prng>;

const FIELDS = [
  'email',
  'connectionId',
  'ticketId',
  'channel',
  'destination',
  'reason',
  'requestedAction',
  'action',
  'newPassword',
  'questionId',
  'answer',
  'input',
  'skipped',
  'text',
  'kind',
  'roles',
  'enabled',
  'name',
  'username',
  'status',
  'riskLevel',
  'from',
  'to',
  'q',
  'filters',
  'webhook',
  'outbound',
  'gatedCategories',
  'linkLifetimeSeconds',
  'minAnswered',
  'mediumFrom',
  'highFrom',
  'retentionDays',
  'autoClose',
  'closeCode',
  'webdriver',
  'timeZone',
  'languages',
  'deviceHash',
  'clientHints',
  'bot',
  'ID',
  'sys_id',
  'table',
  'operation',
  'number',
  '__proto__',
  'constructor',
];
const QUERY_KEYS = [
  'status',
  'riskLevel',
  'category',
  'agent',
  'from',
  'to',
  'cursor',
  'limit',
  'q',
  'verificationId',
  'actor',
  'days',
];
const STRINGS = [
  '',
  ' ',
  'a',
  'passed',
  'failed',
  'high',
  'email',
  'sms',
  'password_reset',
  'local-desk',
  'changegear-dev',
  'zoe.martin@example.com',
  '+447911123456',
  '2026-01-01',
  '2026-13-45',
  '1970-01-01T00:00:00Z',
  '9999-12-31',
  '-1',
  '0',
  '1e309',
  'NaN',
  'null',
  'true',
  '[]',
  '{}',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  "'; DROP TABLE x; --",
  '=HYPERLINK("http://x")',
  '%00',
  '%zz',
  '\u0000',
  '\uD800',
  '😀',
  'ǅ\u0301',
  '\u202e',
];

function randomString(rng: Rng): string {
  switch (rng.int(5)) {
    case 0:
      return rng.pick(STRINGS);
    case 1:
      return 'x'.repeat(rng.pick([1, 64, 129, 255, 256, 257, 1025, 5000]));
    case 2:
      return Array.from({ length: rng.int(40) }, () => String.fromCharCode(rng.int(0x3000))).join('');
    case 3:
      return Array.from({ length: 1 + rng.int(30) }, () => rng.pick('abc-_.:/%@+ 019'.split(''))).join('');
    default:
      return `${rng.pick(STRINGS)}${rng.pick(STRINGS)}`;
  }
}

function randomValue(rng: Rng, depth = 0): unknown {
  switch (rng.int(depth > 2 ? 5 : 8)) {
    case 0:
      return randomString(rng);
    case 1:
      return rng.pick([0, -1, 1, 2 ** 53, -(2 ** 31), 3.5, 1e308, Number.MAX_SAFE_INTEGER]);
    case 2:
      return rng.chance(0.5);
    case 3:
      return null;
    case 4:
      return rng.pick(STRINGS);
    case 5:
      return Array.from({ length: rng.int(6) }, () => randomValue(rng, depth + 1));
    default:
      return randomObject(rng, depth + 1);
  }
}

function randomObject(rng: Rng, depth = 0): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (let i = rng.int(7); i > 0; i--)
    object[rng.chance(0.85) ? rng.pick(FIELDS) : randomString(rng)] = randomValue(rng, depth);
  return object;
}

/** Bodies each route accepts (or nearly): mutated one field at a time, they reach past the schema. */
function templateFor(route: RouteSpec, creds: Credentials): Record<string, unknown> | undefined {
  const templates: Partial<Record<RouteSpec['function'], Record<string, unknown>>> = {
    'ticket-intake': { ticketId: creds.ticketId },
    'send-link': { connectionId: 'local-desk', ticketId: creds.ticketId, channel: 'email' },
    'write-back-retry': {},
    'portal-start': { email: 'zoe.martin@example.com' },
    'portal-signals': { webdriver: false, timeZone: 'Europe/London', languages: ['en-GB'] },
    'portal-answer': { questionId: 'q1', optionId: 'o1' },
    'portal-password-check': { newPassword: 'copper meadow' },
    'portal-complete': {},
    'portal-action': { action: 'password_reset', newPassword: 'copper meadow quietly ninety' },
    'console-resend': {},
    'console-cancel': { reason: 'Caller hung up' },
    'console-export-start': { filters: { status: 'passed' } },
    'console-settings-update': { gatedCategories: ['password_reset'] },
    'console-users-create': { username: 'fuzzed', email: 'fuzzed@example.com', roles: ['agent'] },
    'console-users-update': { roles: ['auditor'] },
  };
  return templates[route.function];
}

function mutate(rng: Rng, template: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = structuredClone(template);
  const keys = Object.keys(copy);
  const key = keys.length > 0 && rng.chance(0.8) ? rng.pick(keys) : rng.pick(FIELDS);
  if (rng.chance(0.2)) delete copy[key];
  else copy[key] = rng.chance(0.5) ? randomValue(rng) : randomString(rng);
  return copy;
}

function randomBody(rng: Rng, template?: Record<string, unknown>): string | undefined {
  if (template && rng.chance(0.5)) return JSON.stringify(rng.chance(0.1) ? template : mutate(rng, template));
  switch (rng.int(8)) {
    case 0:
      return undefined;
    case 1:
      return rng.pick(['', '{', 'null', '[]', '"x"', '{"a":', 'not json', '\u0000\u0001']);
    case 2:
      return JSON.stringify(randomValue(rng));
    case 3:
      return JSON.stringify({ x: 'y'.repeat(17 * 1024) });
    default:
      return JSON.stringify(randomObject(rng));
  }
}

interface Credentials {
  console: Record<'admin' | 'agent' | 'auditor', string>;
  linkToken: string;
  sessionToken: string;
  verificationId: string;
  ticketId: string;
  webhookSecret: string;
  changeGearBasic: string;
}

type Auth = 'none' | 'garbage' | 'admin' | 'agent' | 'auditor' | 'link' | 'session' | 'signed' | 'basic';
const AUTHS: Record<RouteSpec['auth'], readonly Auth[]> = {
  console: ['none', 'garbage', 'admin', 'agent', 'auditor'],
  portal: ['none', 'garbage', 'link', 'session'],
  webhook: ['none', 'garbage', 'signed', 'basic'],
};

/** Percent-encodes; a lone surrogate (which encodeURIComponent refuses) goes as its WTF-8 bytes. */
function enc(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return '%ED%A0%80';
  }
}

function pathFor(rng: Rng, route: RouteSpec, creds: Credentials): string {
  return route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const real: Record<string, string> = {
      verificationId: creds.verificationId,
      connectionId: rng.pick(['local-desk', 'changegear-dev', 'servicenow-dev', 'nope']),
      ticketId: creds.ticketId,
      username: 'alice',
      exportId: 'exp-1',
    };
    if (rng.chance(0.3)) return enc(real[name] ?? 'x');
    if (rng.chance(0.15)) return rng.pick(['%zz', '%', '%E0%A4%A', '%FF%FE', 'a%00b', '%2e%2e', '..']);
    return enc(randomString(rng)) || 'x';
  });
}

function queryFor(rng: Rng): string {
  if (rng.chance(0.4)) return '';
  const params = Array.from({ length: 1 + rng.int(4) }, () =>
    rng.chance(0.2) && rng.chance(0.5)
      ? `${rng.pick(QUERY_KEYS)}=${rng.pick(['%zz', '%', '%00', '%FF'])}`
      : `${enc(rng.chance(0.9) ? rng.pick(QUERY_KEYS) : randomString(rng))}=${enc(randomString(rng))}`,
  );
  return `?${params.join('&')}`;
}

function headersFor(rng: Rng, route: RouteSpec, auth: Auth, body: string | undefined, creds: Credentials) {
  const headers: Record<string, string> = {};
  if (body !== undefined || rng.chance(0.3))
    headers['content-type'] = rng.chance(0.8)
      ? 'application/json'
      : rng.pick([
          'text/plain',
          'application/json; charset=utf-8',
          'application/x-www-form-urlencoded',
          'application/jsonx',
          '',
        ]);
  const bearer = (token: string) => `Bearer ${token}`;
  switch (auth) {
    case 'garbage':
      headers.authorization = rng.pick([
        'Bearer x',
        'Bearer a.b.c',
        'Basic !!!',
        'Bearer',
        bearer('v1.a.1.00'),
      ]);
      headers['x-helpdesk-verify-signature'] = rng.pick(['t=1,v1=00', 't=,v1=', 'v1=zz', `t=${Date.now()}`]);
      break;
    case 'admin':
    case 'agent':
    case 'auditor':
      headers.authorization = bearer(creds.console[auth]);
      break;
    case 'link':
      headers.authorization = bearer(creds.linkToken);
      break;
    case 'session':
      headers.authorization = bearer(creds.sessionToken);
      break;
    case 'signed':
      headers['x-helpdesk-verify-signature'] = signWebhook(body ?? '', creds.webhookSecret, new Date());
      break;
    case 'basic':
      headers.authorization = creds.changeGearBasic;
      break;
  }
  if (rng.chance(0.2))
    headers[
      `x-${
        randomString(rng)
          .replace(/[^a-z]/g, '')
          .slice(0, 20) || 'extra'
      }`
    ] = rng.pick(['1', 'x'.repeat(rng.pick([10, 9000]))]);
  if (rng.chance(0.1))
    headers['x-simulated-source-ip'] = rng.pick(['203.0.113.9', 'not-an-ip', '::1', '999.1.1.1']);
  if (route.auth === 'webhook' && rng.chance(0.2)) headers['content-type'] = 'text/plain';
  return headers;
}

let h: Harness;
let creds: Credentials;

beforeAll(async () => {
  h = await startHarness();
  const ticket = await openTicket(h);
  const link = await sendLink(h, ticket.id);
  // A second link, opened: its session token; the first link stays unopened for /portal/session.
  const secondTicket = await openTicket(h);
  const opened = await sendLink(h, secondTicket.id);
  const session = await fetch(`${h.api}/portal/session`, {
    headers: { authorization: `Bearer ${opened.linkToken}` },
  });
  const secrets = JSON.parse(readFileSync(join(h.dataDir, 'secrets.json'), 'utf8')) as Record<string, string>;
  const secretOf = (id: string) =>
    (JSON.parse(secrets[secretNames.webhookSecrets(id)] ?? '[]') as string[])[0] ?? '';
  creds = {
    console: {
      admin: await h.stack.gateway.issueToken('adam', ['admin']),
      agent: h.agentToken,
      auditor: await h.stack.gateway.issueToken('audrey', ['auditor']),
    },
    linkToken: link.linkToken,
    sessionToken: ((await session.json()) as { sessionToken: string }).sessionToken,
    verificationId: link.verificationId,
    ticketId: ticket.id,
    webhookSecret: secretOf('local-desk'),
    changeGearBasic: `Basic ${Buffer.from(secretOf('changegear-dev')).toString('base64')}`,
  };
});
afterAll(() => h?.stop());

describe('fuzzing every route', () => {
  it(`answers ${CASES_PER_ROUTE} random requests per route and credential kind without a 5xx`, async () => {
    const rng = prng(SEED);
    const failures: string[] = [];
    let sent = 0;
    const statuses: Record<string, number> = {};
    const started = Date.now();
    for (const route of ROUTES as readonly RouteSpec[]) {
      for (let i = 0; i < CASES_PER_ROUTE; i++) {
        const auth = AUTHS[route.auth][i % AUTHS[route.auth].length] as Auth;
        const body = route.method === 'POST' ? randomBody(rng, templateFor(route, creds)) : undefined;
        const path = `${pathFor(rng, route, creds)}${queryFor(rng)}`;
        const headers = headersFor(rng, route, auth, body, creds);
        const res = await fetch(`${h.api}${path}`, { method: route.method, headers, body });
        const text = await res.text();
        sent++;
        const key = `${auth} ${res.status}`;
        statuses[key] = (statuses[key] ?? 0) + 1;
        const retryAfter = res.headers.get('retry-after');
        if (res.status >= 500 && !(res.status === 503 && retryAfter)) {
          failures.push(
            `${route.method} ${route.path} [${auth}] -> ${res.status} ${text.slice(0, 160)}\n  path ${path.slice(0, 200)}\n  body ${String(body).slice(0, 200)}`,
          );
        }
        // With every dependency up, nothing should be unavailable either.
        if (res.status === 503)
          failures.push(`${route.method} ${route.path} [${auth}] -> 503 ${text.slice(0, 160)}`);
      }
    }
    console.info(
      `fuzz: ${sent} requests over ${ROUTES.length} routes in ${((Date.now() - started) / 1000).toFixed(1)} s; statuses ${JSON.stringify(statuses)}`,
    );
    expect(failures).toEqual([]);
    // The stack still answers after all of it.
    expect(
      (await fetch(`${h.api}/api/me`, { headers: { authorization: `Bearer ${creds.console.agent}` } }))
        .status,
    ).toBe(200);
  }, 90_000);
});
