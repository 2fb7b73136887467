/** The stateless stack deploys the built portal (infra/web-hosting.ts): build it if missing or stale. */
import { ensurePortalBuilt } from '../../web/portal/build.js';

export default async function setup() {
  await ensurePortalBuilt();
}
