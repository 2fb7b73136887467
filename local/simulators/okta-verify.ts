/**
 * A simulated Okta org for the local stack and tests: the Factors API subset a push to Okta Verify
 * uses, with pushes held until answered on the dev page (local/push-page.ts) or by a test.
 *
 * - `Authorization: SSWS {apiToken}` on every call; anything else: 401 E0000011.
 * - GET /api/v1/users/{userId}/factors: the user's factors (an enrolled user has an ACTIVE OKTA
 *   `push` factor and an `sms` one; `enroll(userId, {push: false})` only the SMS). Unknown user:
 *   404 E0000007.
 * - POST /api/v1/users/{userId}/factors/{factorId}/verify on the push factor: needs a User-Agent
 *   (400 E0000001 without); no body (standard push) or `{"useNumberMatchingChallenge": true}`
 *   (a number challenge: `_embedded.challenge.correctAnswer`); 201 `{factorResult: WAITING,
 *   expiresAt, _links: {poll, cancel}}`.
 * - GET …/factors/{factorId}/transactions/{transactionId}: WAITING (with the challenge), SUCCESS,
 *   REJECTED, or TIMEOUT once `pushLifetimeMs` has passed unanswered.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { type ListenAt, serve } from '../ports.js';
import type { PendingPush, PushSimulator } from '../push-page.js';
import { readText, sendJson } from './local-itsm.js';

interface OktaPush {
  transactionId: string;
  userId: string;
  factorId: string;
  sentAt: number;
  expiresAt: number;
  answer?: 'SUCCESS' | 'REJECTED';
  correctAnswer?: number;
}

export interface OktaVerifySimulatorOptions {
  apiToken?: string;
  /** Until an unanswered push times out. Default 5 minutes, as Okta. */
  pushLifetimeMs?: number;
}

const id = (prefix: string) => `${prefix}${randomBytes(9).toString('base64url').replace(/[-_]/g, 'x')}`;

export class OktaVerifySimulator implements PushSimulator {
  readonly key = 'okta-verify';
  readonly label = 'Okta Verify (simulated Okta org)';
  readonly apiToken: string;
  private readonly factors = new Map<string, { push?: string; sms: string }>();
  private readonly pushes = new Map<string, OktaPush>();
  private server?: Server;
  private baseUrl = '';

  constructor(private readonly options: OktaVerifySimulatorOptions = {}) {
    this.apiToken = options.apiToken ?? `00${randomBytes(20).toString('base64url')}`;
  }

  /** Enrolls `userId` (push and SMS; `push: false`: SMS only). Returns the push factor id, if any. */
  enroll(userId: string, { push = true } = {}): string | undefined {
    const factors = { sms: id('mbl'), ...(push ? { push: id('opf') } : {}) };
    this.factors.set(userId, factors);
    return factors.push;
  }

  pending(): PendingPush[] {
    const now = Date.now();
    return [...this.pushes.values()]
      .filter((p) => !p.answer && p.expiresAt > now)
      .map((p) => ({
        transactionId: p.transactionId,
        to: p.userId,
        sentAt: new Date(p.sentAt).toISOString(),
        expiresAt: new Date(p.expiresAt).toISOString(),
        ...(p.correctAnswer === undefined ? {} : { correctAnswer: String(p.correctAnswer) }),
      }));
  }

  answer(transactionId: string, approve: boolean): boolean {
    const push = this.pushes.get(transactionId);
    if (!push || push.answer || push.expiresAt <= Date.now()) return false;
    push.answer = approve ? 'SUCCESS' : 'REJECTED';
    return true;
  }

  async listen(at: ListenAt): Promise<string> {
    const { server, url } = await serve(
      at,
      (req, res) => {
        this.route(req, res).catch(() => oktaError(res, 500, 'E0000009', 'Internal Server Error'));
      },
      'Okta Verify simulator',
    );
    this.server = server;
    this.baseUrl = url;
    return url;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { pathname } = new URL(req.url ?? '/', 'http://local');
    const body = await readText(req);
    if (req.headers.authorization !== `SSWS ${this.apiToken}`)
      return oktaError(res, 401, 'E0000011', 'Invalid token provided');
    const m =
      /^\/api\/v1\/users\/([^/]+)\/factors(?:\/([^/]+)(?:\/(verify)|\/transactions\/([^/]+))?)?$/.exec(
        pathname,
      );
    const [, userId = '', factorId, verify, transactionId] = m ?? [];
    const factors = this.factors.get(decodeURIComponent(userId));
    if (!m || !factors) return oktaError(res, 404, 'E0000007', 'Not found: Resource not found');
    if (req.method === 'GET' && !factorId) return sendJson(res, 200, this.list(factors));
    if (!factorId || factorId !== factors.push)
      return oktaError(res, 404, 'E0000007', 'Not found: Resource not found (UserFactor)');
    if (req.method === 'POST' && verify) return this.verify(req, res, userId, factorId, body);
    const push = transactionId ? this.pushes.get(transactionId) : undefined;
    if (req.method === 'GET' && push && push.factorId === factorId)
      return sendJson(res, 200, this.status(push));
    return oktaError(res, 404, 'E0000007', 'Not found: Resource not found');
  }

  private list(factors: { push?: string; sms: string }) {
    const created = '2026-01-10T09:00:00.000Z';
    return [
      {
        id: factors.sms,
        factorType: 'sms',
        provider: 'OKTA',
        vendorName: 'OKTA',
        status: 'ACTIVE',
        created,
        lastUpdated: created,
        profile: { phoneNumber: '+1 XXX-XXX-0100' },
      },
      ...(factors.push
        ? [
            {
              id: factors.push,
              factorType: 'push',
              provider: 'OKTA',
              vendorName: 'OKTA',
              status: 'ACTIVE',
              created,
              lastUpdated: created,
              profile: {
                deviceType: 'SmartPhone_IPhone',
                name: 'Simulated phone',
                platform: 'IOS',
                version: '17.2',
              },
            },
          ]
        : []),
    ];
  }

  private verify(req: IncomingMessage, res: ServerResponse, userId: string, factorId: string, body: string) {
    if (!req.headers['user-agent'])
      return oktaError(res, 400, 'E0000001', 'Api validation failed: User-Agent is required to verify push');
    let numberChallenge = false;
    if (body) {
      try {
        numberChallenge =
          (JSON.parse(body) as { useNumberMatchingChallenge?: unknown }).useNumberMatchingChallenge === true;
      } catch {
        return oktaError(res, 400, 'E0000003', 'The request body was not well-formed.');
      }
    }
    const now = Date.now();
    const push: OktaPush = {
      transactionId: id('v2mst.'),
      userId,
      factorId,
      sentAt: now,
      expiresAt: now + (this.options.pushLifetimeMs ?? 300_000),
      ...(numberChallenge ? { correctAnswer: randomInt(10, 100) } : {}),
    };
    this.pushes.set(push.transactionId, push);
    const href = `${this.baseUrl}/api/v1/users/${userId}/factors/${factorId}/transactions/${push.transactionId}`;
    sendJson(res, 201, {
      expiresAt: new Date(push.expiresAt).toISOString(),
      factorResult: 'WAITING',
      profile: { credentialId: userId },
      _links: {
        cancel: { href, hints: { allow: ['DELETE'] } },
        poll: { href, hints: { allow: ['GET'] } },
      },
      ...(push.correctAnswer === undefined
        ? {}
        : { _embedded: { challenge: { correctAnswer: push.correctAnswer } } }),
    });
  }

  private status(push: OktaPush) {
    const factorResult = push.answer ?? (push.expiresAt <= Date.now() ? 'TIMEOUT' : 'WAITING');
    return {
      expiresAt: new Date(push.expiresAt).toISOString(),
      factorResult,
      ...(factorResult === 'WAITING' && push.correctAnswer !== undefined
        ? { _embedded: { challenge: { correctAnswer: push.correctAnswer } } }
        : {}),
    };
  }
}

function oktaError(res: ServerResponse, status: number, errorCode: string, errorSummary: string) {
  if (res.headersSent) return;
  sendJson(res, status, {
    errorCode,
    errorSummary,
    errorLink: errorCode,
    errorId: `oae${randomBytes(8).toString('hex')}`,
    errorCauses: [],
  });
}
