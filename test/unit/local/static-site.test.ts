/**
 * local/static-site.ts: how the local gateway serves a built web app (as CloudFront would): the
 * security headers on every answer, the runtime config from the host, caching by file kind, the SPA
 * fallback, and nothing outside the build.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenOn } from '../../../local/ports.js';
import { StaticSite, securityHeaders } from '../../../local/static-site.js';

const CSP = "default-src 'none'";
let server: Server;
let base: string;

beforeAll(async () => {
  const root = mkdtempSync(join(tmpdir(), 'hv-site-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>app</title>');
  writeFileSync(join(root, 'assets', 'index-abc.js'), 'console.log(1)');
  writeFileSync(join(root, 'config.json'), '{"companyName":"from the build"}');
  writeFileSync(join(tmpdir(), 'hv-site-secret.txt'), 'outside the build');
  const site = new StaticSite({
    prefix: '/app',
    root,
    contentSecurityPolicy: CSP,
    runtimeFiles: { 'config.json': { companyName: 'from the host' } },
  });
  server = createServer((req, res) => {
    void site.serve(req, res, new URL(req.url ?? '/', 'http://x').pathname).then((served) => {
      if (!served) res.writeHead(418).end();
    });
  });
  base = await listenOn(server, 0, 'static site');
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

const get = (path: string, init?: RequestInit) => fetch(`${base}${path}`, { redirect: 'manual', ...init });

describe('StaticSite', () => {
  it('serves index.html for the app root and for paths without an extension, revalidated', async () => {
    for (const path of ['/app/', '/app/start']) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(await res.text()).toContain('<title>app</title>');
    }
  });

  it('sends the security headers on every answer, errors included', async () => {
    for (const path of ['/app/', '/app/assets/index-abc.js', '/app/missing.js', '/app']) {
      const res = await get(path);
      for (const [name, value] of Object.entries(securityHeaders(CSP)))
        expect(res.headers.get(name), `${name} on ${path}`).toBe(value);
    }
    expect(securityHeaders(CSP)).toMatchObject({
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
    });
  });

  it('caches hashed assets for a year', async () => {
    const res = await get('/app/assets/index-abc.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it("answers config.json from the host's runtime files, not the build", async () => {
    const res = await get('/app/config.json');
    expect(await res.json()).toEqual({ companyName: 'from the host' });
    expect(res.headers.get('cache-control')).toBe('no-cache');
  });

  it('redirects the bare prefix to the folder, so relative asset URLs resolve', async () => {
    const res = await get('/app');
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('/app/');
  });

  it('serves nothing outside the build and only reads', async () => {
    // URL parsing resolves `%2e%2e/` to a path outside the prefix; an encoded slash reaches the site.
    expect((await get('/app/%2e%2e/hv-site-secret.txt')).status).toBe(418);
    expect((await get('/app/..%2fhv-site-secret.txt')).status).toBe(404);
    expect((await get('/app/assets%2f..%2f..%2fhv-site-secret.txt')).status).toBe(404);
    expect((await get('/app/missing.js')).status).toBe(404);
    expect((await get('/app/%E0%A4%A')).status).toBe(400);
    const post = await get('/app/', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('leaves other paths to the gateway', async () => {
    expect((await get('/portal/session')).status).toBe(418);
    expect((await get('/application')).status).toBe(418);
  });
});
