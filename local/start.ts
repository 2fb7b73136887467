/**
 * `npm start`: the whole product locally. `npm start -- --fresh` wipes .local/ first.
 * Ports: HV_PORT (gateway, default 8787), HV_DESK_PORT, HV_SFN_PORT, HV_DYNAMODB_PORT.
 */
import { parseArgs } from 'node:util';
import { StartupError } from './ports.js';
import { CONSOLE_APP_PATH, DEFAULT_PORTS, PORTAL_APP_PATH, startLocalStack } from './stack.js';

const { values } = parseArgs({ options: { fresh: { type: 'boolean', default: false } } });
const envPort = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const started = Date.now();

try {
  const stack = await startLocalStack({
    dataDir: '.local',
    fresh: values.fresh,
    ports: {
      gateway: envPort('HV_PORT', DEFAULT_PORTS.gateway),
      desk: envPort('HV_DESK_PORT', DEFAULT_PORTS.desk),
      stepFunctions: envPort('HV_SFN_PORT', DEFAULT_PORTS.stepFunctions),
      dynamodb: envPort('HV_DYNAMODB_PORT', DEFAULT_PORTS.dynamodb),
      servicenow: envPort('HV_SERVICENOW_PORT', DEFAULT_PORTS.servicenow),
      changegear: envPort('HV_CHANGEGEAR_PORT', DEFAULT_PORTS.changegear),
    },
  });
  console.log(`Helpdesk Verify is running locally (started in ${((Date.now() - started) / 1000).toFixed(1)} s)
  Console          ${stack.urls.api}${CONSOLE_APP_PATH}/   (sign in as alice, adam or audrey)
  Portal           ${stack.urls.api}${PORTAL_APP_PATH}/   (links in the dev inbox open here; self-service start page)
  API gateway      ${stack.urls.api}
  Ticket desk      ${stack.urls.desk}   (open a ticket here; notes arrive from Helpdesk Verify)
  ServiceNow sim   ${stack.urls.servicenow}   (Table API subset; connection servicenow-dev)
  ChangeGear sim   ${stack.urls.changegear}   (REST API subset; connection changegear-dev)
  Dev inbox        ${stack.urls.inbox}   (every email and SMS sent)
  Step Functions   ${stack.urls.stepFunctions}   (local endpoint running statemachines/verification-lifecycle.asl.json)
  DynamoDB Local   ${stack.urls.dynamodb}   (table ${stack.tableName}; data in .local/)
Console users (local issuer, POST ${stack.urls.api}/local-auth/token): alice/agent, adam/admin, audrey/auditor; passwords in local/seed.ts
Try it: npm run demo        Stop: Ctrl-C`);
  if (stack.resumed > 0)
    console.log(
      `Resumed ${stack.resumed} verification lifecycle(s) left running when the stack last stopped.`,
    );
  let stopping = false;
  const shutdown = async (signal: string, code = 0) => {
    if (stopping) {
      // A second Ctrl-C does not wait: exiting kills DynamoDB Local (see local/dynamodb-local.ts).
      console.log('Stopping now.');
      process.exit(code || 130);
    }
    stopping = true;
    console.log(`\n${signal}: stopping... (Ctrl-C again to stop at once)`);
    await stack.stop();
    console.log('Stopped. Data kept in .local/ (npm start -- --fresh starts over).');
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  // A crash stops the stack (and DynamoDB Local with it) rather than leaving children behind.
  const crash = (error: unknown) => {
    console.error('Crashed:', error);
    void shutdown('crash', 1);
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
} catch (error) {
  if (error instanceof StartupError) {
    console.error(`Cannot start: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
