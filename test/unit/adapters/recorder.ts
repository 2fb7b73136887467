/**
 * A local HTTP server for contract tests: records every request (method, path, query, headers,
 * body) and answers from the test's script, or never ('hang', for timeouts). Servers close after
 * each test. `caught` gives a test the error a call rejects with.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterEach } from 'vitest';

export interface Recorded {
  method: string;
  path: string;
  query: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface Call {
  /** 0 for the first request. */
  index: number;
  query: URLSearchParams;
  /** The server's own base URL (for paging links that point back at it). */
  base: string;
}

const servers: Server[] = [];

afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

/** `headers` are sent with every reply (the reply's own win); JSON bodies get their content type. */
export async function recorder(
  answer: (req: Recorded, call: Call) => Reply | 'hang',
  headers: (reply: Reply) => Record<string, string> = () => ({}),
) {
  const requests: Recorded[] = [];
  let base = '';
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const [path = '', query = ''] = (req.url ?? '').split('?');
      const recorded: Recorded = {
        method: req.method ?? '',
        path,
        query,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      const reply = answer(recorded, { index: requests.length - 1, query: new URLSearchParams(query), base });
      if (reply === 'hang') return;
      res.writeHead(reply.status, {
        ...(reply.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers(reply),
        ...reply.headers,
      });
      res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return { url: base, requests };
}

/** The error `promise` rejects with; fails the test if it resolves. */
export async function caught(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}
