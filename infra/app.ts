/** The CDK app (`npx cdk synth`, `npx cdk deploy --all`). Settings come from cdk.json context. */
import { App } from 'aws-cdk-lib';
import { ensureConsoleBuilt } from '../web/console/build.js';
import { ensurePortalBuilt } from '../web/portal/build.js';
import { buildHelpdeskVerify, settingsFromContext } from './helpdesk-verify.js';

// The portal and console builds are deployed as is: build them first if missing or stale.
await ensurePortalBuilt();
await ensureConsoleBuilt();
const app = new App();
const account = process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEFAULT_REGION;
// Environment-agnostic when the CLI has no credentials (offline synth); pinned when it does.
buildHelpdeskVerify(app, settingsFromContext(app), account || region ? { account, region } : undefined);
app.synth();
