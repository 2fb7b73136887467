import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import { createConnection, createServer } from 'node:net';

/** A startup problem the user can fix; printed without a stack trace. */
export class StartupError extends Error {
  override name = 'StartupError';
}

export async function assertPortFree(port: number, what: string): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once('error', () =>
      reject(
        new StartupError(
          `Port ${port} (${what}) is already in use. Stop whatever uses it, or set another port.`,
        ),
      ),
    );
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}

export async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' }, () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new StartupError(`Nothing answered on port ${port} within ${timeoutMs} ms`);
}

/** A free port chosen by the OS. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts `server` on 127.0.0.1:`port` (0 picks one); a taken port is a StartupError. Returns the base URL. */
export async function listenOn(server: Server, port: number, what: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new StartupError(
              `Port ${port} (${what}) is already in use. Stop whatever uses it, or set another port.`,
            )
          : error,
      ),
    );
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return urlOf(server);
}

/**
 * An HTTP server bound at once to 127.0.0.1:`port` (0 picks one), its handler attached later with
 * `serve`. The local stack binds every port before wiring the services to one another's URLs, so no
 * other process can take a port between choosing it and using it.
 */
export async function reserve(port: number, what: string): Promise<Server> {
  const server = createHttpServer();
  await listenOn(server, port, what);
  return server;
}

/** Where a local service listens: a port to bind now (0 picks one), or a server from `reserve`. */
export type ListenAt = number | Server;

/** Serves `handler` at `at`; returns the server and its base URL. */
export async function serve(
  at: ListenAt,
  handler: RequestListener,
  what: string,
): Promise<{ server: Server; url: string }> {
  const server = typeof at === 'number' ? createHttpServer() : at;
  server.on('request', handler);
  return { server, url: typeof at === 'number' ? await listenOn(server, at, what) : urlOf(server) };
}

export function urlOf(server: Server): string {
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('server is not listening');
  return `http://127.0.0.1:${address.port}`;
}
