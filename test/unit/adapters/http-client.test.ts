/**
 * The shared outbound HTTP client: the recoveries (401 → refresh once, one short Retry-After
 * wait, bounded 5xx backoff), timeouts, and which errors come back, against a scripted fetch.
 */
import { describe, expect, it } from 'vitest';
import {
  type AuthProvider,
  HttpClient,
  type HttpClientOptions,
} from '../../../shared/adapters/http/client.js';

class Unreachable extends Error {
  override name = 'Unreachable';
}
class Failed extends Error {
  override name = 'Failed';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

interface Sent {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** A fetch that answers from `script` (one entry per request; the last repeats) and records what it got. */
function scripted(script: ((() => Response) | Error | 'hang')[]) {
  const sent: Sent[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    sent.push({
      url,
      method: String(init.method),
      headers: { ...(init.headers as Record<string, string>) },
      body: init.body as string | undefined,
    });
    const next = script[Math.min(sent.length - 1, script.length - 1)];
    if (next === 'hang') {
      return new Promise((_resolve, reject) => {
        init.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      });
    }
    if (next instanceof Error) throw next;
    return next?.();
  }) as typeof globalThis.fetch;
  return { sent, fetch };
}

function client(fetch: typeof globalThis.fetch, options: Partial<HttpClientOptions> = {}) {
  const sleeps: number[] = [];
  const http = new HttpClient({
    baseUrl: 'https://api.example.test',
    timeoutMs: 1_000,
    unreachable: (detail, reason) => new Unreachable(`${detail}: unreachable (${reason})`),
    classify: async (response, request) =>
      new Failed(`${request.detail}: HTTP ${response.status} ${await response.text()}`, response.status),
    fetch,
    now: () => Date.parse('2030-01-01T00:00:00Z'),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...options,
  });
  return { http, sleeps };
}

/** A fresh response per request (a response body can be read or cancelled once). */
const json =
  (status: number, body: unknown, headers: Record<string, string> = {}) =>
  () =>
    new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json', ...headers },
    });

/** Bearer tokens t1, t2, ...; `refresh` counts the refused ones. */
function tokens() {
  let n = 1;
  const refused: string[] = [];
  const auth: AuthProvider = {
    headers: async () => ({ authorization: `Bearer t${n}` }),
    refresh: (headers) => {
      refused.push(headers.authorization ?? '');
      n++;
    },
  };
  return { auth, refused };
}

async function caught(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('HttpClient', () => {
  it('sends JSON with the auth headers under the base URL and parses the answer', async () => {
    const { sent, fetch } = scripted([json(200, { ok: 1 })]);
    const { http } = client(fetch, { auth: tokens().auth });
    const answer = await http.json({
      method: 'PATCH',
      url: '/things/1',
      detail: 'PATCH thing',
      json: { a: 1 },
    });
    expect(answer).toMatchObject({ status: 200, body: { ok: 1 } });
    expect(sent).toEqual([
      {
        url: 'https://api.example.test/things/1',
        method: 'PATCH',
        headers: {
          accept: 'application/json',
          authorization: 'Bearer t1',
          'content-type': 'application/json',
        },
        body: '{"a":1}',
      },
    ]);
  });

  it('sends forms without auth when the request says so, to an absolute URL', async () => {
    const { sent, fetch } = scripted([json(200, { access_token: 'x' })]);
    const { http } = client(fetch, { auth: tokens().auth });
    await http.json({
      method: 'POST',
      url: 'https://login.example.test/token',
      detail: 'token',
      form: { grant_type: 'client_credentials', scope: 'a b' },
      auth: false,
    });
    expect(sent[0]).toEqual({
      url: 'https://login.example.test/token',
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&scope=a+b',
    });
  });

  it('on a 401 refreshes the credentials once and retries with the new ones', async () => {
    const { sent, fetch } = scripted([json(401, {}), json(200, { ok: true })]);
    const { auth, refused } = tokens();
    const { http, sleeps } = client(fetch, { auth });
    const answer = await http.json({ method: 'GET', url: '/me', detail: 'GET me' });
    expect(answer.body).toEqual({ ok: true });
    expect(sent.map((s) => s.headers.authorization)).toEqual(['Bearer t1', 'Bearer t2']);
    expect(refused).toEqual(['Bearer t1']);
    expect(sleeps).toEqual([]);
  });

  it('a second 401 is the classified error: no third request, one refresh', async () => {
    const { sent, fetch } = scripted([json(401, { n: 1 }), json(401, { n: 2 }), json(200, {})]);
    const { auth, refused } = tokens();
    const { http } = client(fetch, { auth });
    const error = await caught(http.json({ method: 'GET', url: '/me', detail: 'GET me' }));
    expect(error).toBeInstanceOf(Failed);
    expect(error.message).toBe('GET me: HTTP 401 {"n":2}');
    expect(sent).toHaveLength(2);
    expect(refused).toEqual(['Bearer t1']);
  });

  it('a 401 without a refresh hook is not retried', async () => {
    const { sent, fetch } = scripted([json(401, {}), json(200, {})]);
    const { http } = client(fetch, { auth: { headers: async () => ({ authorization: 'SSWS k' }) } });
    const response = await http.send({ method: 'GET', url: '/me', detail: 'GET me' });
    expect(response.status).toBe(401);
    expect(sent).toHaveLength(1);
  });

  it('waits out a short Retry-After once, then returns a second 429 to the caller', async () => {
    const { sent, fetch } = scripted([
      json(429, {}, { 'retry-after': '3' }),
      json(429, { again: true }, { 'retry-after': '2' }),
      json(200, {}),
    ]);
    const { http, sleeps } = client(fetch);
    const error = await caught(http.json({ method: 'GET', url: '/x', detail: 'GET x' }));
    expect(sleeps).toEqual([3000]);
    expect(sent).toHaveLength(2);
    expect((error as Failed).status).toBe(429);
  });

  it('a short Retry-After as an HTTP date is waited out, then the answer is used', async () => {
    const { sent, fetch } = scripted([
      json(429, {}, { 'retry-after': 'Tue, 01 Jan 2030 00:00:02 GMT' }),
      json(200, { ok: 1 }),
    ]);
    const { http, sleeps } = client(fetch);
    expect((await http.json({ method: 'GET', url: '/x', detail: 'GET x' })).body).toEqual({ ok: 1 });
    expect(sleeps).toEqual([2000]);
    expect(sent).toHaveLength(2);
  });

  it('a long Retry-After goes back to the caller without waiting', async () => {
    const { sent, fetch } = scripted([json(429, {}, { 'retry-after': '30' }), json(200, {})]);
    const { http, sleeps } = client(fetch);
    const response = await http.send({ method: 'GET', url: '/x', detail: 'GET x' });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('30');
    expect(sleeps).toEqual([]);
    expect(sent).toHaveLength(1);
  });

  it('does not wait when the request says so, nor on a 429 without Retry-After', async () => {
    const { sent, fetch } = scripted([json(429, {}, { 'retry-after': '1' })]);
    const { http, sleeps } = client(fetch);
    const response = await http.send({ method: 'GET', url: '/x', detail: 'GET x', waitOnRateLimit: false });
    expect(response.status).toBe(429);
    const bare = scripted([json(429, {})]);
    const other = client(bare.fetch);
    expect((await other.http.send({ method: 'GET', url: '/x', detail: 'GET x' })).status).toBe(429);
    expect([...sleeps, ...other.sleeps]).toEqual([]);
    expect(sent.length + bare.sent.length).toBe(2);
  });

  it('waits on the configured statuses with the configured wait', async () => {
    const { sent, fetch } = scripted([json(503, {}), json(200, {})]);
    const { http, sleeps } = client(fetch, { waitStatuses: [429, 503], retryAfter: () => 4 });
    expect((await http.send({ method: 'GET', url: '/x', detail: 'GET x' })).status).toBe(200);
    expect(sleeps).toEqual([4000]);
    expect(sent).toHaveLength(2);
  });

  it('without backoff a 5xx is returned at once', async () => {
    const { sent, fetch } = scripted([json(502, {}), json(200, {})]);
    const { http, sleeps } = client(fetch);
    const error = await caught(http.json({ method: 'GET', url: '/x', detail: 'GET x' }));
    expect((error as Failed).status).toBe(502);
    expect(sent).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('backs off on 5xx with doubling, capped delays, and stops after the bound', async () => {
    const { sent, fetch } = scripted([json(500, {}), json(503, {}), json(502, {}), json(500, { last: 1 })]);
    const { http, sleeps } = client(fetch, { backoff: { retries: 3, baseMs: 100, maxMs: 250 } });
    const error = await caught(http.json({ method: 'GET', url: '/x', detail: 'GET x' }));
    expect(sleeps).toEqual([100, 200, 250]);
    expect(sent).toHaveLength(4);
    expect(error.message).toBe('GET x: HTTP 500 {"last":1}');
  });

  it('backs off on network errors too, and a success ends it', async () => {
    const { sent, fetch } = scripted([new TypeError('fetch failed'), json(503, {}), json(200, { ok: 1 })]);
    const { http, sleeps } = client(fetch, { backoff: { retries: 5, baseMs: 10, maxMs: 1000 } });
    expect((await http.json({ method: 'GET', url: '/x', detail: 'GET x' })).body).toEqual({ ok: 1 });
    expect(sleeps).toEqual([10, 20]);
    expect(sent).toHaveLength(3);
  });

  it('a network error is the unreachable error, named by its cause', async () => {
    const { sent, fetch } = scripted([new TypeError('fetch failed')]);
    const { http, sleeps } = client(fetch);
    const error = await caught(http.send({ method: 'GET', url: '/x', detail: 'GET x' }));
    expect(error).toBeInstanceOf(Unreachable);
    expect(error.message).toBe('GET x: unreachable (TypeError)');
    expect(sent).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('times out each attempt with its own timeout (the request overrides the client)', async () => {
    const { fetch } = scripted(['hang']);
    const { http } = client(fetch, { timeoutMs: 10_000 });
    const started = Date.now();
    const error = await caught(http.send({ method: 'GET', url: '/slow', detail: 'GET slow', timeoutMs: 30 }));
    expect(error).toBeInstanceOf(Unreachable);
    expect(error.message).toBe('GET slow: unreachable (TimeoutError)');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('answers an emptyOn status with no body, and a non-JSON success with an undefined body', async () => {
    const { fetch } = scripted([json(404, {}), () => new Response('<html>', { status: 200 })]);
    const { http } = client(fetch);
    const request = { method: 'GET', url: '/x', detail: 'GET x', emptyOn: [404] };
    expect(await http.json(request)).toMatchObject({ status: 404, body: undefined });
    expect(await http.json(request)).toMatchObject({ status: 200, body: undefined });
  });

  it('a per-request classification wins over the client one', async () => {
    const { fetch } = scripted([json(400, {})]);
    const { http } = client(fetch);
    const error = await caught(
      http.json({ method: 'GET', url: '/x', detail: 'GET x', classify: () => new Error('mine') }),
    );
    expect(error.message).toBe('mine');
  });
});
