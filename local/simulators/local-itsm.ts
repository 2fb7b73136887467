/**
 * What the local ITSMs (the ticket desk and the ServiceNow and ChangeGear simulators) share: the
 * HTTP server, fault injection, persistence to one JSON file, and webhook delivery in the
 * background with retries, the way a real instance would deliver.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { signWebhook } from '../../shared/domain/tokens.js';
import { type ListenAt, serve } from '../ports.js';

export interface Faults<Mode extends string> {
  reads?: { mode: Mode; remaining: number };
  writes?: { mode: Mode; remaining: number };
}

/** What opening a ticket takes, in every local ITSM (the page's form, tests, the demo). */
export interface NewTicket {
  category: string;
  subject: string;
  /** The requester's own words. */
  description?: string;
  requesterEmail: string;
  /** The connection whose webhook announces it; the simulator's default when absent. */
  connectionId?: string;
}

export interface LocalItsmOptions {
  /** Where webhooks go: `${webhookBaseUrl}/${connectionId}`. */
  webhookBaseUrl: string;
  /** Where the records persist; in memory when omitted. */
  dataFile?: string;
  /** Delays between webhook delivery attempts, ms. */
  retryDelaysMs?: number[];
}

export abstract class LocalItsm<Mode extends string, Snapshot> {
  private faults: Faults<Mode> = {};
  private server?: Server;
  private saveTimer?: NodeJS.Timeout;
  private readonly deliveries = new Set<Promise<void>>();
  /** Calls to the REST API, for tests and the demo: method and what happened. */
  readonly calls: { method: string; id: string; status: number }[] = [];

  constructor(private readonly base: LocalItsmOptions) {}

  /** What it is, in messages (a taken port, say). */
  protected abstract readonly label: string;
  /** The records as persisted. */
  protected abstract snapshot(): Snapshot;
  protected abstract route(req: IncomingMessage, res: ServerResponse): Promise<void>;

  /** Answers an error a route threw; each ITSM words its errors its own way. */
  protected failed(res: ServerResponse, error: unknown): void {
    sendJson(res, 500, { error: String(error) });
  }

  /** The persisted records, if any. */
  protected restore(): Snapshot | undefined {
    const file = this.base.dataFile;
    return file && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Snapshot) : undefined;
  }

  /** The base URL, once listening. */
  protected baseUrl = '';

  async listen(at: ListenAt): Promise<string> {
    const { server, url } = await serve(
      at,
      (req, res) => {
        const handled =
          req.method === 'POST' && req.url === '/_faults' ? this.faultsRoute(req, res) : this.route(req, res);
        handled.catch((error: unknown) => this.failed(res, error));
      },
      this.label,
    );
    this.server = server;
    this.baseUrl = url;
    return url;
  }

  async stop(): Promise<void> {
    await Promise.allSettled([...this.deliveries]);
    this.flush();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  setFaults(faults: Faults<Mode>): void {
    this.faults = faults;
  }

  /** POST /_faults: the same as setFaults, for the demo and for trying things by hand. */
  private async faultsRoute(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.setFaults(JSON.parse((await readText(req)) || '{}') as Faults<Mode>);
    sendJson(res, 200, { faults: this.faults });
  }

  /** The injected fault for this call, if any (and counts it down). */
  protected fault(kind: 'reads' | 'writes'): Mode | undefined {
    const f = this.faults[kind];
    if (!f || f.remaining <= 0) return undefined;
    f.remaining -= 1;
    return f.mode;
  }

  /** Persists soon, not on every change: the file holds every record. */
  protected save(): void {
    if (!this.base.dataFile || this.saveTimer) return;
    this.saveTimer = setTimeout(() => this.flush(), 200);
  }

  private flush(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    if (this.base.dataFile) writeFileSync(this.base.dataFile, JSON.stringify(this.snapshot(), null, 1));
  }

  /**
   * Posts a JSON webhook for `connectionId` in the background. 2xx and 4xx are final (4xx means
   * the sender is set up wrong); 5xx and network errors are retried. `auth` gives each attempt's
   * credentials afresh (signed deliveries are signed again); `onAttempt` records each status.
   */
  protected deliver(
    connectionId: string,
    body: string,
    auth: () => Record<string, string>,
    onAttempt: (status: number | string) => void,
  ): void {
    const url = `${this.base.webhookBaseUrl}/${encodeURIComponent(connectionId)}`;
    const request = (): RequestInit => ({ headers: { 'content-type': 'application/json', ...auth() }, body });
    const delays = this.base.retryDelaysMs ?? [1000, 5000, 15000];
    const run = async () => {
      for (let attempt = 0; attempt <= delays.length; attempt++) {
        let status: number | string;
        try {
          const response = await fetch(url, {
            ...request(),
            method: 'POST',
            signal: AbortSignal.timeout(10_000),
          });
          status = response.status;
          await response.body?.cancel();
        } catch (error) {
          status = (error as Error).name;
        }
        onAttempt(status);
        this.save();
        if (typeof status === 'number' && status < 500) return;
        const delay = delays[attempt];
        if (delay === undefined) return;
        await new Promise((r) => setTimeout(r, delay));
      }
    };
    const delivery = run().finally(() => this.deliveries.delete(delivery));
    this.deliveries.add(delivery);
  }
}

/** The header our ServiceNow business rule (and the desk) sign deliveries with. */
export const signatureHeader = (body: string, secret: string) => ({
  'x-helpdesk-verify-signature': signWebhook(body, secret, new Date()),
});

/** The request body as text; a body over 1 MB is refused (these are small JSON and form posts). */
export async function readText(req: IncomingMessage, maxBytes = 1_000_000): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

export function redirectHome(res: ServerResponse) {
  res.writeHead(303, { location: '/' });
  res.end();
}
