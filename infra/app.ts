/** The CDK app (`npx cdk synth`, `npx cdk deploy --all`). Settings come from cdk.json context. */
import { App } from 'aws-cdk-lib';
import { ensurePortalBuilt } from '../web/portal/build.js';
import { buildHelpdeskVerify, settingsFromContext } from './helpdesk-verify.js';

// The portal's build is deployed as is: build it first if missing or older than its sources.
await ensurePortalBuilt();
const app = new App();
const account = process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEFAULT_REGION;
// Environment-agnostic when the CLI has no credentials (offline synth); pinned when it does.
buildHelpdeskVerify(app, settingsFromContext(app), account || region ? { account, region } : undefined);
app.synth();
