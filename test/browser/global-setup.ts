/**
 * The browser tests run the built portal on the integration harness: build it if missing or
 * stale, then share one DynamoDB Local as the integration tests do.
 */
import type { TestProject } from 'vitest/node';
import { ensurePortalBuilt } from '../../web/portal/build.js';
import integrationSetup from '../integration/global-setup.js';

export default async function setup(project: TestProject) {
  await ensurePortalBuilt();
  return integrationSetup(project);
}
