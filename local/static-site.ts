/**
 * Serves a built single-page app under a path prefix of the local gateway, the way CloudFront
 * serves it from S3 (infra/web-hosting.ts): the same security headers as the response-headers
 * policy, the runtime `config.json` supplied by the host rather than the build, long caching for
 * hashed assets, and an SPA fallback to index.html for paths without a file extension.
 */
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, normalize, resolve, sep } from 'node:path';

/** Header values CloudFront's response-headers policy sets too (see infra/web-hosting.ts). */
const HSTS = 'max-age=63072000; includeSubDomains';

/** The security headers of every response of a site with this Content-Security-Policy. */
export function securityHeaders(contentSecurityPolicy: string): Record<string, string> {
  return {
    'content-security-policy': contentSecurityPolicy,
    'strict-transport-security': HSTS,
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
  };
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export interface StaticSiteOptions {
  /** URL path the app lives under, e.g. `/portal-app`. */
  prefix: string;
  /** The build output (index.html and its assets). */
  root: string;
  contentSecurityPolicy: string;
  /** Files the host provides at run time (e.g. `config.json`), by path relative to the prefix. */
  runtimeFiles?: Record<string, unknown>;
  /**
   * The app is built for the root of its own host (index.html has `<base href="/">`, so deep links
   * like `/verifications/123` find its assets): served here, that tag says the prefix instead.
   */
  rebase?: boolean;
}

export class StaticSite {
  private readonly root: string;

  constructor(private readonly options: StaticSiteOptions) {
    this.root = resolve(options.root);
  }

  /** Handles the request if it is under the prefix; false otherwise (the gateway carries on). */
  async serve(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<boolean> {
    const { prefix } = this.options;
    if (pathname !== prefix && !pathname.startsWith(`${prefix}/`)) return false;
    const headers = securityHeaders(this.options.contentSecurityPolicy);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, allow: 'GET, HEAD', 'content-type': 'text/plain' });
      res.end('Method Not Allowed');
      return true;
    }
    // Relative asset URLs need the trailing slash.
    if (pathname === prefix) {
      res.writeHead(301, { ...headers, location: `${prefix}/` });
      res.end();
      return true;
    }
    let relative: string;
    try {
      relative = decodeURIComponent(pathname.slice(prefix.length + 1));
    } catch {
      return this.send(req, res, 400, headers, '.txt', 'Bad Request');
    }
    const runtime = this.options.runtimeFiles?.[relative];
    if (runtime !== undefined) {
      return this.send(
        req,
        res,
        200,
        { ...headers, 'cache-control': 'no-cache' },
        '.json',
        JSON.stringify(runtime),
      );
    }
    const file = relative === '' || extname(relative) === '' ? 'index.html' : relative;
    const path = resolve(this.root, normalize(file));
    if (path !== this.root && !path.startsWith(`${this.root}${sep}`)) {
      return this.send(req, res, 404, headers, '.txt', 'Not Found');
    }
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) return this.send(req, res, 404, headers, '.txt', 'Not Found');
    // Vite puts content-hashed files under assets/: they never change under the same name.
    const cache = file.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
    let body = await readFile(path);
    if (this.options.rebase && file === 'index.html')
      body = Buffer.from(body.toString('utf8').replace('<base href="/"', `<base href="${prefix}/"`));
    return this.send(req, res, 200, { ...headers, 'cache-control': cache }, extname(path), body);
  }

  private send(
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    headers: Record<string, string>,
    extension: string,
    body: string | Buffer,
  ): true {
    res.writeHead(status, {
      ...headers,
      'content-type': CONTENT_TYPES[extension] ?? 'application/octet-stream',
      'content-length': String(Buffer.byteLength(body)),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  }
}
