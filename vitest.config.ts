import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          globalSetup: ['test/infra/global-setup.ts'],
          // One worker without module isolation: the files share one synthesized deployment
          // (test/infra/build-app.ts defaultTestApp), built once per run instead of once per file.
          isolate: false,
          fileParallelism: false,
          // The shared synth bundles every function with esbuild: slow on a busy 2-core machine.
          testTimeout: 120_000,
          hookTimeout: 240_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          // Expected task failures (retries, outages) are logged as warnings; keep the output readable.
          // Tests answer in milliseconds from one address: the abuse limits are on only where a test turns them on.
          env: { POWERTOOLS_LOG_LEVEL: 'ERROR', MIN_MS_PER_ANSWER: '0', PORTAL_REQUESTS_PER_SOURCE: '10000' },
        },
      },
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          // Builds the portal if needed, then the integration tests' shared DynamoDB Local.
          globalSetup: ['test/browser/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Screens wait on handlers that load on first use (seconds on a busy machine).
          expect: { poll: { timeout: 20_000, interval: 100 } },
          fileParallelism: false,
          env: { POWERTOOLS_LOG_LEVEL: 'ERROR', MIN_MS_PER_ANSWER: '0', PORTAL_REQUESTS_PER_SOURCE: '10000' },
        },
      },
    ],
  },
});
