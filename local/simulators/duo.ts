/**
 * A simulated Duo Auth API (v2) for the local stack and tests: preauth, auth with factor=push and
 * async=1, auth_status, with pushes held until answered on the dev page (local/push-page.ts) or by
 * a test.
 *
 * - Every request must be signed as Duo documents: `Date` within 5 minutes, `Authorization: Basic
 *   base64(ikey:hex HMAC-SHA512)` over date, method, the Host header (lower case), path and the
 *   sorted RFC 3986 parameters (the form body of a POST, the query of a GET). Otherwise 401
 *   `{"stat":"FAIL","code":40103,"message":"Invalid signature in request credentials"}` (40101
 *   without credentials, 40105 for a stale date).
 * - POST /auth/v2/preauth `username`: `enroll` for an unknown user, `auth` with the user's devices
 *   (one push-capable phone, or only an SMS-and-call one: `enroll(username, {push: false})`).
 * - POST /auth/v2/auth `username, factor=push, device, async=1` (+ `type`, `pushinfo`): `{txid}`;
 *   400 40002 for a device that is not the user's or a factor other than push.
 * - GET /auth/v2/auth_status?txid=: `waiting`/`pushed`, `allow`/`allow`, `deny`/`deny`, or
 *   `deny`/`timeout` once `pushLifetimeMs` passed unanswered. Long-polls as Duo does: the first
 *   answer is immediate; while nothing changes later ones hold up to `longPollMs`.
 */
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { duoAuthorization, duoSignature } from '../../shared/adapters/push/duo-signature.js';
import { type ListenAt, serve } from '../ports.js';
import type { PendingPush, PushSimulator } from '../push-page.js';
import { readText, sendJson } from './local-itsm.js';

interface DuoTransaction {
  txid: string;
  username: string;
  sentAt: number;
  expiresAt: number;
  reason?: string;
  answer?: 'allow' | 'deny';
  /** Whether the current state was already reported (long-poll). */
  reported: boolean;
  changed: (() => void)[];
}

export interface DuoSimulatorOptions {
  ikey?: string;
  skey?: string;
  pushLifetimeMs?: number;
  longPollMs?: number;
}

const SKEW_SECONDS = 300;

export class DuoSimulator implements PushSimulator {
  readonly key = 'duo';
  readonly label = 'Duo Mobile (simulated Duo Auth API)';
  readonly ikey: string;
  readonly skey: string;
  private readonly users = new Map<string, { device: string; push: boolean }>();
  private readonly transactions = new Map<string, DuoTransaction>();
  private server?: Server;

  constructor(private readonly options: DuoSimulatorOptions = {}) {
    this.ikey = options.ikey ?? `DI${randomBytes(9).toString('hex').toUpperCase()}`;
    this.skey = options.skey ?? randomBytes(20).toString('base64url');
  }

  /** Enrolls `username` with one phone (push-capable unless `push: false`); returns its device id. */
  enroll(username: string, { push = true } = {}): string {
    const device = `DP${randomBytes(9).toString('hex').toUpperCase()}`;
    this.users.set(username.toLowerCase(), { device, push });
    return device;
  }

  pending(): PendingPush[] {
    const now = Date.now();
    return [...this.transactions.values()]
      .filter((t) => !t.answer && t.expiresAt > now)
      .map((t) => ({
        transactionId: t.txid,
        to: t.username,
        sentAt: new Date(t.sentAt).toISOString(),
        expiresAt: new Date(t.expiresAt).toISOString(),
        ...(t.reason ? { reason: t.reason } : {}),
      }));
  }

  answer(transactionId: string, approve: boolean): boolean {
    const t = this.transactions.get(transactionId);
    if (!t || t.answer || t.expiresAt <= Date.now()) return false;
    t.answer = approve ? 'allow' : 'deny';
    this.changed(t);
    return true;
  }

  async listen(at: ListenAt): Promise<string> {
    const { server, url } = await serve(
      at,
      (req, res) => {
        this.route(req, res).catch(() => fail(res, 500, 50000, 'Internal server error'));
      },
      'Duo simulator',
    );
    this.server = server;
    return url;
  }

  async stop(): Promise<void> {
    for (const t of this.transactions.values()) this.changed(t);
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://local');
    const method = req.method ?? 'GET';
    const body = await readText(req);
    const params = Object.fromEntries(method === 'POST' ? new URLSearchParams(body) : url.searchParams);
    const refused = this.checkSignature(req, method, url.pathname, params);
    if (refused) return fail(res, 401, refused.code, refused.message);
    const route = `${method} ${url.pathname}`;
    if (route === 'POST /auth/v2/preauth') return this.preauth(res, params);
    if (route === 'POST /auth/v2/auth') return this.auth(res, params);
    if (route === 'GET /auth/v2/auth_status') return this.authStatus(res, params.txid ?? '');
    return fail(res, 404, 40400, 'Resource not found');
  }

  private checkSignature(
    req: IncomingMessage,
    method: string,
    path: string,
    params: Record<string, string>,
  ): { code: number; message: string } | undefined {
    const date = req.headers.date ?? req.headers['x-duo-date'];
    const authorization = req.headers.authorization;
    if (typeof date !== 'string' || !authorization)
      return { code: 40101, message: 'Missing request credentials' };
    const at = Date.parse(date);
    if (Number.isNaN(at) || Math.abs(Date.now() - at) > SKEW_SECONDS * 1000)
      return { code: 40105, message: 'Request has expired' };
    const expected = duoAuthorization(
      this.ikey,
      duoSignature({ date, method, host: req.headers.host ?? '', path, params }, this.skey),
    );
    const a = Buffer.from(authorization);
    const b = Buffer.from(expected);
    return a.length === b.length && timingSafeEqual(a, b)
      ? undefined
      : { code: 40103, message: 'Invalid signature in request credentials' };
  }

  private preauth(res: ServerResponse, params: Record<string, string>) {
    const username = params.username;
    if (!username) return fail(res, 400, 40002, 'Invalid request parameters', 'username');
    const user = this.users.get(username.toLowerCase());
    if (!user)
      return ok(res, {
        result: 'enroll',
        status_msg: 'Enroll an authentication device to proceed',
        enroll_portal_url: 'https://duo.invalid/portal',
      });
    return ok(res, {
      result: 'auth',
      status_msg: 'Account is active',
      devices: [
        {
          device: user.device,
          type: 'phone',
          number: 'XXX-XXX-0100',
          name: '',
          capabilities: user.push ? ['auto', 'push', 'sms', 'phone', 'mobile_otp'] : ['sms', 'phone'],
        },
      ],
    });
  }

  private auth(res: ServerResponse, params: Record<string, string>) {
    const user = this.users.get((params.username ?? '').toLowerCase());
    if (!user) return fail(res, 400, 40002, 'Invalid request parameters', 'username');
    if (params.factor !== 'push' || !user.push || (params.device !== user.device && params.device !== 'auto'))
      return fail(res, 400, 40002, 'Invalid request parameters', 'device');
    if (params.async !== '1') return fail(res, 400, 40002, 'Invalid request parameters', 'async');
    const now = Date.now();
    const reason = params.pushinfo ? new URLSearchParams(params.pushinfo).get('reason') : undefined;
    const t: DuoTransaction = {
      txid: randomUUID(),
      username: params.username ?? '',
      sentAt: now,
      expiresAt: now + (this.options.pushLifetimeMs ?? 60_000),
      ...(reason ? { reason } : {}),
      reported: false,
      changed: [],
    };
    this.transactions.set(t.txid, t);
    setTimeout(() => this.changed(t), t.expiresAt - now + 5).unref();
    ok(res, { txid: t.txid });
  }

  private async authStatus(res: ServerResponse, txid: string) {
    const t = this.transactions.get(txid);
    if (!t) return fail(res, 400, 40002, 'Invalid request parameters', 'txid');
    if (t.reported) {
      // Nothing new since the last answer: hold until something changes, or the long-poll ends.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.longPollMs ?? 5_000);
        t.changed.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    t.reported = true;
    if (t.answer === 'allow')
      return ok(res, { result: 'allow', status: 'allow', status_msg: 'Success. Logging you in...' });
    if (t.answer === 'deny')
      return ok(res, { result: 'deny', status: 'deny', status_msg: 'Login request denied.' });
    if (t.expiresAt <= Date.now())
      return ok(res, { result: 'deny', status: 'timeout', status_msg: 'Login timed out.' });
    ok(res, { result: 'waiting', status: 'pushed', status_msg: 'Pushed a login request to your device...' });
  }

  private changed(t: DuoTransaction) {
    t.reported = false;
    for (const notify of t.changed.splice(0)) notify();
  }
}

const ok = (res: ServerResponse, response: unknown) => sendJson(res, 200, { stat: 'OK', response });

function fail(res: ServerResponse, status: number, code: number, message: string, detail?: string) {
  if (res.headersSent) return;
  sendJson(res, status, { stat: 'FAIL', code, message, ...(detail ? { message_detail: detail } : {}) });
}
