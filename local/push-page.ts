/**
 * The dev page of pending pushes, served by the local gateway beside the dev inbox: every push the
 * Okta Verify and Duo simulators are holding, with Approve and Deny buttons standing in for the
 * person's phone. Local only: in production the person answers in Okta Verify or Duo Mobile.
 *
 * - GET /_dev/push: the page. GET /_dev/push.json: the same as JSON (tests, scripts).
 * - POST /_dev/push/{simulator}/{transactionId}/approve|deny: answers, then back to the page (303).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { escapeHtml } from './html.js';

export interface PendingPush {
  transactionId: string;
  /** Who it went to (the simulator's user id or username: local demo data, not a real address). */
  to: string;
  sentAt: string;
  expiresAt: string;
  /** What the app would show, when the vendor shows one. */
  reason?: string;
  /** The number to tap, for a number challenge. */
  correctAnswer?: string;
}

/** A simulator holding pushes: what is pending, and the person's answer. */
export interface PushSimulator {
  /** In paths: `okta-verify`, `duo`. */
  readonly key: string;
  readonly label: string;
  pending(): PendingPush[];
  /** False when there is no such pending push. */
  answer(transactionId: string, approve: boolean): boolean;
}

export class PushPage {
  constructor(private readonly simulators: readonly PushSimulator[]) {}

  /** Serves /_dev/push*; false for any other path. */
  async serve(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<boolean> {
    if (!pathname.startsWith('/_dev/push')) return false;
    const method = req.method ?? 'GET';
    if (pathname === '/_dev/push.json' && method === 'GET') {
      const body = this.simulators.map((s) => ({ simulator: s.key, pending: s.pending() }));
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
      return true;
    }
    if (pathname === '/_dev/push' && method === 'GET') {
      page(res, this.simulators);
      return true;
    }
    const answer = /^\/_dev\/push\/([\w-]+)\/([\w.-]+)\/(approve|deny)$/.exec(pathname);
    if (answer && method === 'POST') {
      for await (const _ of req) {
        // the form has no fields: drain it
      }
      const [, key, id = '', verb] = answer;
      const found = this.simulators.find((s) => s.key === key)?.answer(id, verb === 'approve');
      res.writeHead(found ? 303 : 404, found ? { location: '/_dev/push' } : { 'content-type': 'text/plain' });
      res.end(found ? '' : 'No such pending push');
      return true;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('Not Found');
    return true;
  }
}

function page(res: ServerResponse, simulators: readonly PushSimulator[]) {
  const sections = simulators
    .map((s) => {
      const items = s
        .pending()
        .map(
          (p) => `<article><h3>To ${escapeHtml(p.to)}</h3>
<p><time>${escapeHtml(p.sentAt)}</time> · expires <time>${escapeHtml(p.expiresAt)}</time></p>
${p.reason ? `<p>${escapeHtml(p.reason)}</p>` : ''}${p.correctAnswer ? `<p class="n">Number challenge: tap <strong>${escapeHtml(p.correctAnswer)}</strong></p>` : ''}
<form method="post" action="/_dev/push/${escapeHtml(s.key)}/${escapeHtml(p.transactionId)}/approve"><button>Approve</button></form>
<form method="post" action="/_dev/push/${escapeHtml(s.key)}/${escapeHtml(p.transactionId)}/deny"><button>Deny</button></form></article>`,
        )
        .join('');
      return `<h2>${escapeHtml(s.label)}</h2>${items || '<p>No pending push.</p>'}`;
    })
    .join('');
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  });
  res.end(`<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Dev pushes</title><style>body{font:15px/1.4 system-ui,sans-serif;max-width:52rem;margin:1rem auto;padding:0 1rem}article{border:1px solid #ccc;border-radius:6px;padding:.5rem 1rem;margin:1rem 0}form{display:inline;margin-right:.5rem}.n strong{font-size:1.4em}</style>
<h1>Dev pushes</h1><p>Pushes the local Okta Verify and Duo simulators are holding: answer as the person's phone would. Reload to see new ones. Local only.</p>
${sections}</html>`);
}
