/**
 * The one source for what runs where: every function, what it may touch, every HTTP route and
 * every state-machine task. The CDK stacks (infra/) and the local stack (local/) are both built
 * from this list, so a route or task cannot exist in one place and not the other.
 */
import type { Role } from './domain/model/principal.js';

export interface FunctionSpec {
  /** Folder under functions/ with a handler.ts. */
  name: string;
  description: string;
  /** Files from node_modules the deployed function reads at run time (beside its bundle). */
  ipData?: boolean;
  /** What the function may do; the CDK stack turns this into least-privilege grants. */
  access: {
    table: 'read' | 'readWrite';
    startExecution?: boolean;
    sendTaskResult?: boolean;
    sendMessages?: boolean;
    /** directory: the Entra ID or Okta credentials, for functions that look people up. */
    secrets: ('webhook' | 'outbound' | 'portal' | 'directory')[];
    /** Console: the export bucket (write: put objects; read: presign downloads). */
    exportFiles?: 'read' | 'write';
    /** Console: the user pool's users and groups. */
    consoleUsers?: 'read' | 'write';
    /** Console: put the values of connection secrets (webhook, outbound); never read them. */
    writeSecrets?: boolean;
  };
  /** Invoked by the table's stream (event source mapping), with a Lambda filter on the records. */
  stream?: { filter: Record<string, unknown> };
  /** Invoked on a schedule (an EventBridge rate expression). */
  schedule?: string;
}

export const FUNCTIONS = [
  {
    name: 'ticket-intake',
    description: 'ITSM webhook: verifies the signature, re-fetches the ticket, writes the link entry',
    access: { table: 'readWrite', secrets: ['webhook', 'outbound'] },
  },
  {
    name: 'send-link',
    description: 'Console: an agent sends a verification link',
    access: { table: 'readWrite', startExecution: true, secrets: ['directory'], consoleUsers: 'read' },
  },
  {
    name: 'verification-get',
    description:
      "Console: one verification's summary (the ticket's subject read from the ITSM; the view is audited)",
    access: { table: 'readWrite', secrets: ['outbound'], consoleUsers: 'read' },
  },
  {
    name: 'write-back-retry',
    description: 'Console: retries the ticket writes of a verification whose write-back failed',
    access: { table: 'readWrite', secrets: ['outbound'], consoleUsers: 'read' },
  },
  {
    name: 'portal-open',
    description:
      'Portal: exchanges the link token for a session and builds the questions (directory and ITSM)',
    access: { table: 'readWrite', sendTaskResult: true, secrets: ['portal', 'directory', 'outbound'] },
  },
  {
    name: 'portal-signals',
    description: "Portal: records the page's silent checks and where the connection comes from",
    // The offline IP data ships beside the bundle and loads in the cold start: more memory, more time.
    ipData: true,
    access: { table: 'readWrite', secrets: ['portal', 'directory'] },
  },
  {
    name: 'tor-exit-refresh',
    description: "Scheduled: replaces the stored Tor exit list with the Tor Project's current one",
    schedule: 'rate(30 minutes)',
    access: { table: 'readWrite', secrets: [] },
  },
  {
    name: 'portal-start',
    description: 'Portal: a person asks for a password-reset link to their contact on record',
    access: { table: 'readWrite', startExecution: true, secrets: ['directory'] },
  },
  {
    name: 'portal-question',
    description: 'Portal: the question to answer now',
    access: { table: 'readWrite', secrets: ['portal'] },
  },
  {
    name: 'portal-answer',
    description: 'Portal: records one answer, graded and timed when it arrives',
    access: { table: 'readWrite', secrets: ['portal'] },
  },
  {
    name: 'portal-password-check',
    description: 'Portal: password strength feedback while the verified requester types',
    access: { table: 'readWrite', secrets: ['portal', 'directory'] },
  },
  {
    name: 'portal-complete',
    description: 'Portal: grades the answers, records the outcome, resumes the lifecycle',
    access: { table: 'readWrite', sendTaskResult: true, secrets: ['portal', 'directory'] },
  },
  {
    name: 'portal-action',
    description:
      'Portal: the verified requester resets their password (and is told on the contact on record)',
    access: {
      table: 'readWrite',
      sendTaskResult: true,
      sendMessages: true,
      secrets: ['portal', 'directory'],
    },
  },
  {
    name: 'portal-not-me',
    description: 'Portal: "I did not ask for this" ends the verification as Failed and resumes the lifecycle',
    access: { table: 'readWrite', sendTaskResult: true, secrets: ['portal', 'directory'] },
  },
  {
    name: 'portal-feedback',
    description: "Portal: the requester's optional feedback after the outcome (once)",
    access: { table: 'readWrite', secrets: ['portal'] },
  },
  {
    name: 'portal-manager-request',
    description: "Portal: the manager's page: who asks, for what, on which ticket, from where (audited)",
    access: { table: 'readWrite', secrets: [] },
  },
  {
    name: 'portal-manager-decision',
    description: 'Portal: the manager approves, denies or reports the request; resumes the step-up',
    access: { table: 'readWrite', sendTaskResult: true, secrets: ['directory'] },
  },
  {
    name: 'lifecycle-step-up',
    description:
      'Lifecycle task: asks the manager for approval, or ends the step-up when they did not answer',
    access: { table: 'readWrite', sendMessages: true, secrets: ['directory'] },
  },
  {
    name: 'lifecycle-send-link',
    description: 'Lifecycle task: creates the link token and delivers the link',
    access: { table: 'readWrite', sendMessages: true, secrets: [] },
  },
  {
    name: 'lifecycle-await',
    description: 'Lifecycle task: stores the callback token of a waiting stage',
    access: { table: 'readWrite', sendTaskResult: true, secrets: [] },
  },
  {
    name: 'lifecycle-record',
    description: 'Lifecycle task: records timeouts, expiries and final failures',
    access: { table: 'readWrite', secrets: [] },
  },
  {
    name: 'lifecycle-ticket-write',
    description: 'Lifecycle task: writes the outcome, the action and the resolution to the ticket',
    access: { table: 'readWrite', secrets: ['outbound'] },
  },
  // ---- Console (issue 6): one function per route, each with only what its route needs ----
  {
    name: 'console-me',
    description: 'Console: who is signed in and with which roles',
    access: { table: 'read', secrets: [], consoleUsers: 'read' },
  },
  {
    name: 'console-list',
    description: 'Console: the verifications table, filtered, newest first, by cursor',
    access: { table: 'read', secrets: [], consoleUsers: 'read' },
  },
  {
    name: 'console-ticket',
    description: 'Console: the send page pre-fill (ticket, requester, contact on record masked)',
    access: { table: 'read', secrets: ['outbound', 'directory'], consoleUsers: 'read' },
  },
  {
    name: 'console-people',
    description: 'Console: "Verify a caller" searches the directory (masked contact, rate-limited, audited)',
    access: { table: 'readWrite', secrets: ['directory'], consoleUsers: 'read' },
  },
  {
    name: 'console-caller-send',
    description:
      'Console: "Verify a caller" sends a link to a person, with a ticket checked in the ITSM or none',
    access: {
      table: 'readWrite',
      startExecution: true,
      secrets: ['directory', 'outbound'],
      consoleUsers: 'read',
    },
  },
  {
    name: 'console-resend',
    description: 'Console: cancels the open verification and sends a new link to the same place',
    access: {
      table: 'readWrite',
      startExecution: true,
      sendTaskResult: true,
      secrets: ['directory'],
      consoleUsers: 'read',
    },
  },
  {
    name: 'console-cancel',
    description: 'Console: cancels an open verification (its sender or an admin)',
    access: { table: 'readWrite', sendTaskResult: true, secrets: [], consoleUsers: 'read' },
  },
  {
    name: 'console-transcript',
    description: 'Console: the transcript of a verification (every view is audited)',
    access: { table: 'readWrite', secrets: [], consoleUsers: 'read' },
  },
  {
    name: 'console-dashboard',
    description: 'Console: dashboard figures from the per-day aggregates',
    access: { table: 'read', secrets: [], consoleUsers: 'read' },
  },
  {
    name: 'console-export-start',
    description: 'Console: queues a CSV export of the (filtered) verifications table',
    access: { table: 'readWrite', secrets: [], consoleUsers: 'read' },
  },
  {
    name: 'console-export-get',
    description: 'Console: an export job and, when done, a short-lived download URL (audited)',
    access: { table: 'readWrite', exportFiles: 'read', secrets: [], consoleUsers: 'read' },
  },
  {
    name: 'console-export-run',
    description: 'Console: writes a queued CSV export to the export bucket (table stream)',
    access: { table: 'readWrite', exportFiles: 'write', secrets: [] },
    stream: {
      filter: { eventName: ['INSERT'], dynamodb: { NewImage: { pk: { S: [{ prefix: 'EXPORT#' }] } } } },
    },
  },
  {
    name: 'console-aggregate',
    description: 'Console: keeps the per-day dashboard aggregates (table stream)',
    access: { table: 'readWrite', secrets: [] },
    stream: { filter: { dynamodb: { NewImage: { sk: { S: ['VER'] } } } } },
  },
  {
    name: 'console-audit',
    description: 'Console: the audit log, filtered, newest first, by cursor',
    access: { table: 'read', secrets: [], consoleUsers: 'read' },
  },
  {
    name: 'console-settings-get',
    description: 'Console: the connections and their policies (never their secrets)',
    access: { table: 'read', secrets: [], consoleUsers: 'read' },
  },
  {
    name: 'console-settings-update',
    description: "Console: changes a connection's policy",
    access: { table: 'readWrite', secrets: [], consoleUsers: 'read' },
  },
  {
    name: 'console-secrets-put',
    description: "Console: replaces a connection's secrets (write-only)",
    access: { table: 'readWrite', writeSecrets: true, secrets: [], consoleUsers: 'read' },
  },
  {
    name: 'console-users-list',
    description: 'Console: the console users and their roles',
    access: { table: 'read', consoleUsers: 'read', secrets: [] },
  },
  {
    name: 'console-users-create',
    description: 'Console: invites a console user with roles',
    access: { table: 'readWrite', consoleUsers: 'write', secrets: [] },
  },
  {
    name: 'console-users-update',
    description: "Console: changes a console user's roles or disables them",
    access: { table: 'readWrite', consoleUsers: 'write', secrets: [] },
  },
] as const satisfies readonly FunctionSpec[];

export type FunctionName = (typeof FUNCTIONS)[number]['name'];

type AuthKind =
  /** Public route; the handler checks the connection's webhook signature. */
  | 'webhook'
  /** JWT (Cognito in AWS, the local issuer locally) checked by the gateway; roles checked by the handler. */
  | 'console'
  /** Public route; the handler checks the link token or the portal session token. */
  | 'portal';

export interface RouteSpec {
  method: 'GET' | 'POST';
  path: string;
  function: FunctionName;
  auth: AuthKind;
  /** For console routes: the roles allowed. */
  roles?: readonly Role[];
  /**
   * For portal routes: an entry point that carries no link or session token, so the edge limits
   * every request per source network (`guardPortalSource`) before the handler runs.
   */
  tokenless?: true;
}

export const ROUTES = [
  { method: 'POST', path: '/webhooks/{connectionId}', function: 'ticket-intake', auth: 'webhook' },
  {
    method: 'POST',
    path: '/api/verifications',
    function: 'send-link',
    auth: 'console',
    roles: ['admin', 'agent'],
  },
  {
    method: 'GET',
    path: '/api/verifications/{verificationId}',
    function: 'verification-get',
    auth: 'console',
    roles: ['admin', 'agent', 'auditor'],
  },
  {
    method: 'POST',
    path: '/api/verifications/{verificationId}/write-back',
    function: 'write-back-retry',
    auth: 'console',
    roles: ['admin', 'agent'],
  },
  { method: 'GET', path: '/portal/session', function: 'portal-open', auth: 'portal' },
  { method: 'POST', path: '/portal/signals', function: 'portal-signals', auth: 'portal' },
  { method: 'POST', path: '/portal/start', function: 'portal-start', auth: 'portal', tokenless: true },
  { method: 'GET', path: '/portal/question', function: 'portal-question', auth: 'portal' },
  { method: 'POST', path: '/portal/answer', function: 'portal-answer', auth: 'portal' },
  { method: 'POST', path: '/portal/password-check', function: 'portal-password-check', auth: 'portal' },
  { method: 'POST', path: '/portal/complete', function: 'portal-complete', auth: 'portal' },
  { method: 'POST', path: '/portal/action', function: 'portal-action', auth: 'portal' },
  { method: 'POST', path: '/portal/not-me', function: 'portal-not-me', auth: 'portal' },
  { method: 'POST', path: '/portal/feedback', function: 'portal-feedback', auth: 'portal' },
  {
    method: 'POST',
    path: '/portal/manager/request',
    function: 'portal-manager-request',
    auth: 'portal',
    tokenless: true,
  },
  {
    method: 'POST',
    path: '/portal/manager/decision',
    function: 'portal-manager-decision',
    auth: 'portal',
    tokenless: true,
  },
  // ---- Console (issue 6); request and response shapes in shared/console-api/ ----
  {
    method: 'GET',
    path: '/api/me',
    function: 'console-me',
    auth: 'console',
    roles: ['admin', 'agent', 'auditor'],
  },
  {
    method: 'GET',
    path: '/api/verifications',
    function: 'console-list',
    auth: 'console',
    roles: ['admin', 'agent', 'auditor'],
  },
  {
    method: 'GET',
    path: '/api/verifications/{verificationId}/transcript',
    function: 'console-transcript',
    auth: 'console',
    roles: ['admin', 'agent', 'auditor'],
  },
  {
    method: 'POST',
    path: '/api/verifications/{verificationId}/resend',
    function: 'console-resend',
    auth: 'console',
    roles: ['admin', 'agent'],
  },
  {
    method: 'POST',
    path: '/api/verifications/{verificationId}/cancel',
    function: 'console-cancel',
    auth: 'console',
    roles: ['admin', 'agent'],
  },
  {
    method: 'GET',
    path: '/api/tickets/{connectionId}/{ticketId}',
    function: 'console-ticket',
    auth: 'console',
    roles: ['admin', 'agent'],
  },
  {
    method: 'GET',
    path: '/api/people',
    function: 'console-people',
    auth: 'console',
    roles: ['admin', 'agent'],
  },
  {
    method: 'POST',
    path: '/api/people/{userId}/verifications',
    function: 'console-caller-send',
    auth: 'console',
    roles: ['admin', 'agent'],
  },
  {
    method: 'GET',
    path: '/api/dashboard',
    function: 'console-dashboard',
    auth: 'console',
    roles: ['admin', 'agent', 'auditor'],
  },
  {
    method: 'POST',
    path: '/api/exports',
    function: 'console-export-start',
    auth: 'console',
    roles: ['admin', 'auditor'],
  },
  {
    method: 'GET',
    path: '/api/exports/{exportId}',
    function: 'console-export-get',
    auth: 'console',
    roles: ['admin', 'auditor'],
  },
  {
    method: 'GET',
    path: '/api/audit',
    function: 'console-audit',
    auth: 'console',
    roles: ['admin', 'auditor'],
  },
  {
    method: 'GET',
    path: '/api/settings',
    function: 'console-settings-get',
    auth: 'console',
    roles: ['admin'],
  },
  {
    method: 'POST',
    path: '/api/settings/connections/{connectionId}',
    function: 'console-settings-update',
    auth: 'console',
    roles: ['admin'],
  },
  {
    method: 'POST',
    path: '/api/settings/connections/{connectionId}/secrets',
    function: 'console-secrets-put',
    auth: 'console',
    roles: ['admin'],
  },
  { method: 'GET', path: '/api/users', function: 'console-users-list', auth: 'console', roles: ['admin'] },
  { method: 'POST', path: '/api/users', function: 'console-users-create', auth: 'console', roles: ['admin'] },
  {
    method: 'POST',
    path: '/api/users/{username}',
    function: 'console-users-update',
    auth: 'console',
    roles: ['admin'],
  },
] as const satisfies readonly RouteSpec[];

/** ASL `definitionSubstitutions` key -> the function behind it. */
export const LIFECYCLE_TASKS = {
  SendLinkFunctionArn: 'lifecycle-send-link',
  AwaitStageFunctionArn: 'lifecycle-await',
  RecordEventFunctionArn: 'lifecycle-record',
  TicketWriteFunctionArn: 'lifecycle-ticket-write',
  StepUpFunctionArn: 'lifecycle-step-up',
} as const satisfies Record<string, FunctionName>;

export const STATE_MACHINE_FILE = 'statemachines/verification-lifecycle.asl.json';

export function routeFor(functionName: FunctionName): RouteSpec | undefined {
  return (ROUTES as readonly RouteSpec[]).find((r) => r.function === functionName);
}
