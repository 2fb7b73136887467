/** The stacks deploy the built portal and console (infra/web-hosting.ts): build them if missing or stale. */
import { ensureConsoleBuilt } from '../../web/console/build.js';
import { ensurePortalBuilt } from '../../web/portal/build.js';

export default async function setup() {
  await ensurePortalBuilt();
  await ensureConsoleBuilt();
}
