/**
 * Bundles every function the way the CDK ProjectFunction does (esbuild, ESM, minified, node22,
 * AWS SDK bundled, the same `require` banner) and reports minified and gzipped sizes.
 */
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { REQUIRE_BANNER } from '../infra/project-function.js';
import { FUNCTIONS } from '../shared/manifest.js';

export interface BundleSize {
  function: string;
  minifiedKiB: number;
  gzipKiB: number;
}

export async function bundleSizes(): Promise<BundleSize[]> {
  const sizes: BundleSize[] = [];
  for (const fn of FUNCTIONS) {
    const out = await build({
      entryPoints: [`functions/${fn.name}/handler.ts`],
      bundle: true,
      write: false,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      minify: true,
      mainFields: ['module', 'main'],
      banner: { js: REQUIRE_BANNER },
      logLevel: 'silent',
    });
    const code = out.outputFiles[0]?.contents ?? new Uint8Array();
    sizes.push({
      function: fn.name,
      minifiedKiB: Number((code.byteLength / 1024).toFixed(1)),
      gzipKiB: Number((gzipSync(code).byteLength / 1024).toFixed(1)),
    });
  }
  return sizes;
}
