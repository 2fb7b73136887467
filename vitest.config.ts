import { defineConfig } from 'vitest/config';

/**
 * Integration files that start a stack of their own (harness.ts startHarness), each in a fresh
 * module graph: abuse and logging set the environment the handlers read once at load; hardening
 * runs its own DynamoDB Local and stops it; restart restarts its stack and counts what resumed;
 * console-data asserts table-wide aggregates (dashboard totals, the export of every row);
 * self-service changes the local desk's policy and spends the per-hour self-service budget; fuzz
 * sends near-valid bodies to every route with an admin token (settings, users).
 */
const OWN_STACK = ['abuse', 'console-data', 'fuzz', 'hardening', 'logging', 'restart', 'self-service'].map(
  (name) => `test/integration/${name}.test.ts`,
);

const INTEGRATION = {
  globalSetup: ['test/integration/global-setup.ts'],
  testTimeout: 60_000,
  hookTimeout: 120_000,
  // Two files at a time, in two workers, after the unit and infra tests: most of an integration
  // file's time is spent waiting (link lifetimes, retries, the abuse pacing), not computing.
  maxWorkers: 2,
  sequence: { groupOrder: 2 },
  // Expected task failures (retries, outages) are logged as warnings; keep the output readable.
  // Tests answer in milliseconds from one address: the abuse limits are on only where a test turns them on.
  env: { POWERTOOLS_LOG_LEVEL: 'ERROR', MIN_MS_PER_ANSWER: '0', PORTAL_REQUESTS_PER_SOURCE: '10000' },
};

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
          // A group of its own: vitest refuses projects with different maxWorkers in one group.
          sequence: { groupOrder: 1 },
          // The shared synth bundles every function with esbuild: slow on a busy 2-core machine.
          testTimeout: 120_000,
          hookTimeout: 240_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          exclude: OWN_STACK,
          // Modules not reset between the files a worker runs: they share that worker's local
          // stack (harness.ts sharedHarness) instead of starting one each.
          isolate: false,
          ...INTEGRATION,
        },
      },
      {
        test: {
          name: 'integration-isolated',
          include: OWN_STACK,
          ...INTEGRATION,
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
