/**
 * The stacks deploy the built portal and console (infra/web-hosting.ts): build them if missing or
 * stale. Then one directory for the cloud assemblies the run's shared deployment writes
 * (build-app.ts), removed when the run ends.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensureConsoleBuilt } from '../../web/console/build.js';
import { ensurePortalBuilt } from '../../web/portal/build.js';

declare module 'vitest' {
  export interface ProvidedContext {
    infraAssemblyRoot: string;
  }
}

export default async function setup(project: TestProject) {
  await ensurePortalBuilt();
  await ensureConsoleBuilt();
  const root = mkdtempSync(join(tmpdir(), 'helpdesk-verify-infra-'));
  project.provide('infraAssemblyRoot', root);
  return () => rmSync(root, { recursive: true, force: true });
}
