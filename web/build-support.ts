/**
 * What the portal's and the console's builds share: Vite's build options for a strict CSP, the
 * swap of a finished build into `dist` (a concurrent reader never sees half a build), and the
 * staleness check that lets `npm start`, the tests and `cdk synth` build only when needed.
 */
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildEnvironmentOptions } from 'vite';

/** Build options both apps use, into `outDir`. */
export const strictBuild = (outDir: string): BuildEnvironmentOptions => ({
  outDir,
  emptyOutDir: true,
  sourcemap: false,
  // Never inline assets as data: URLs into JS or CSS; keeps the CSP simple and caching per file.
  assetsInlineLimit: 0,
  modulePreload: { polyfill: false },
  reportCompressedSize: false,
});

/**
 * Replaces `dist` with the finished build in `outDir`. If another process swapped in its own build
 * of the same sources first, that one is kept.
 */
export function swapIn(outDir: string, dist: string, id: string): void {
  const old = `${dist}.old-${id}`;
  try {
    if (existsSync(dist)) renameSync(dist, old);
    renameSync(outDir, dist);
  } catch (error) {
    rmSync(outDir, { recursive: true, force: true });
    if (!existsSync(join(dist, 'index.html'))) throw error;
  }
  rmSync(old, { recursive: true, force: true });
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('dist')) continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Code both apps bundle (web/shared): a change there makes both builds stale. */
const WEB_SHARED_DIR = join(dirname(fileURLToPath(import.meta.url)), 'shared');

/** True when `dist` is missing or older than any source file under `dir` or web/shared. */
export function buildIsStale(dir: string, dist: string): boolean {
  const index = join(dist, 'index.html');
  return (
    !existsSync(index) || statSync(index).mtimeMs < Math.max(newestSource(dir), newestSource(WEB_SHARED_DIR))
  );
}
