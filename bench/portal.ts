/**
 * `npm run bench:portal`: what the portal ships and how fast it becomes usable.
 *
 * - Every JS and CSS file of the build (`web/portal/dist`, rebuilt if stale), raw and gzipped.
 * - Time to interactive in headless Chromium on localhost, served by the same StaticSite the
 *   local gateway uses (same headers, same CSP): from navigation start until the first screen's
 *   heading is rendered (the app is mounted and its handlers attached), each load in a fresh
 *   browser context (cold cache), median of LOADS runs (default 15).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { StaticSite } from '../local/static-site.js';
import { launchChromium } from '../test/browser/chromium.js';
import { ensurePortalBuilt, LOCAL_PORTAL_CONFIG, PORTAL_CSP, PORTAL_DIST } from '../web/portal/build.js';

const LOADS = Number(process.env.LOADS ?? 15);
const GOAL_GZIP_KB = 50;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );
}

const kb = (bytes: number) => (bytes / 1024).toFixed(1);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

await ensurePortalBuilt();
const shipped = files(PORTAL_DIST)
  .filter((f) => /\.(js|css)$/.test(f))
  .map((f) => {
    const body = readFileSync(f);
    return {
      file: relative(PORTAL_DIST, f),
      raw: body.byteLength,
      gzip: gzipSync(body, { level: 9 }).byteLength,
    };
  });
const total = (kind: string, key: 'raw' | 'gzip') =>
  shipped.filter((f) => f.file.endsWith(kind)).reduce((sum, f) => sum + f[key], 0);

console.log('Portal bundle (web/portal/dist)');
for (const f of shipped)
  console.log(`  ${f.file.padEnd(32)} ${kb(f.raw).padStart(7)} KB raw ${kb(f.gzip).padStart(6)} KB gzip`);
const totalGzip = total('.js', 'gzip') + total('.css', 'gzip');
console.log(`  JS  total ${kb(total('.js', 'raw'))} KB raw, ${kb(total('.js', 'gzip'))} KB gzip`);
console.log(`  CSS total ${kb(total('.css', 'raw'))} KB raw, ${kb(total('.css', 'gzip'))} KB gzip`);
console.log(
  `  JS + CSS  ${kb(total('.js', 'raw') + total('.css', 'raw'))} KB raw, ${kb(totalGzip)} KB gzip ` +
    `(goal < ${GOAL_GZIP_KB} KB gzip: ${totalGzip < GOAL_GZIP_KB * 1024 ? 'met' : 'NOT met'})`,
);
// What index.html references loads before the first screen; the rest (BotD) with the checks.
const index = readFileSync(join(PORTAL_DIST, 'index.html'), 'utf8');
const initial = shipped.filter((f) => index.includes(`./${f.file}`));
console.log(
  `  before the first screen: ${initial.map((f) => f.file).join(', ')}: ` +
    `${kb(initial.reduce((sum, f) => sum + f.gzip, 0))} KB gzip; the rest loads when the checks start`,
);

const site = new StaticSite({
  prefix: '/portal-app',
  root: PORTAL_DIST,
  contentSecurityPolicy: PORTAL_CSP,
  runtimeFiles: { 'config.json': LOCAL_PORTAL_CONFIG },
});
const server = createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://local').pathname;
  void site.serve(req, res, path).then((served) => {
    if (!served) res.writeHead(404).end();
  });
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const address = server.address();
const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/portal-app/`;

const browser = await launchChromium();
const chromiumVersion = browser.version();
const tti: number[] = [];
const dcl: number[] = [];
try {
  for (let i = 0; i < LOADS + 1; i++) {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    // Browser-side code as strings (this file is type-checked for Node, without the DOM library),
    // injected by the browser itself, so the page's CSP (no eval) does not apply to it: notes the
    // moment the first screen's heading is in the DOM.
    await page.addInitScript(
      "new MutationObserver((_, o) => { if (document.querySelector('main h1')) { window.__interactive = performance.now(); o.disconnect(); } }).observe(document, { subtree: true, childList: true })",
    );
    await page.goto(url, { waitUntil: 'commit' });
    await page.locator('main h1').waitFor();
    const timing = (await page.evaluate(
      "({ interactive: window.__interactive, domContentLoaded: performance.getEntriesByType('navigation')[0]?.domContentLoadedEventEnd ?? 0 })",
    )) as { interactive: number; domContentLoaded: number };
    // The first load warms Chromium itself (process spawn, disk cache of the binary): not counted.
    if (i > 0) {
      tti.push(timing.interactive);
      dcl.push(timing.domContentLoaded);
    }
    await context.close();
  }
} finally {
  await browser.close();
  server.close();
}
console.log(
  `Time to interactive, headless Chromium ${chromiumVersion} on localhost, cold cache, ${LOADS} loads`,
);
console.log(
  `  median ${median(tti).toFixed(0)} ms (min ${Math.min(...tti).toFixed(0)}, max ${Math.max(...tti).toFixed(0)}); ` +
    `DOMContentLoaded median ${median(dcl).toFixed(0)} ms`,
);
