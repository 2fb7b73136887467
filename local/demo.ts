/**
 * `npm run demo`: drives verifications end to end over HTTP against the running local stack
 * (`npm start`) and prints each step with its time.
 *
 *   npm run demo                                  every path; passed on all three ITSMs
 *   npm run demo -- --only passed|step-up|timeout|outage
 *   npm run demo -- --only passed --itsm desk|servicenow|changegear
 *
 * passed:  ticket -> link entry -> link sent -> opened -> answered -> Passed written back
 *          -> password reset -> ticket resolved (on the local desk and the ServiceNow and
 *          ChangeGear simulators, each through its own API and webhook)
 * step-up: a privileged person (finance managers are, on local-desk-step-up) answers right -> step-up
 *          -> their manager (from the directory) gets a link -> approves on their page -> Passed
 * timeout: a 20-second link that is opened but never completed -> Timed Out written back
 * outage:  the ticket desk refuses writes -> write-back retried with backoff -> shown as failed
 *          -> the desk comes back -> the agent retries the write-back -> written once
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { secretNames } from '../shared/ports/secrets.js';
import { answerAll } from './requester.js';
import { DEMO_REQUESTER_EMAIL } from './seed.js';
import { DEFAULT_PORTS } from './stack.js';

const { values } = parseArgs({ options: { only: { type: 'string' }, itsm: { type: 'string' } } });
const api = process.env.HV_API_URL ?? `http://127.0.0.1:${process.env.HV_PORT ?? DEFAULT_PORTS.gateway}`;
const local = (env: string, port: number) => `http://127.0.0.1:${process.env[env] ?? port}`;
const desk = local('HV_DESK_PORT', DEFAULT_PORTS.desk);
const secrets = JSON.parse(readFileSync('.local/secrets.json', 'utf8')) as Record<string, string>;
const basic = (connectionId: string) =>
  `Basic ${Buffer.from(secrets[secretNames.outboundCredentials(connectionId)] ?? '').toString('base64')}`;
const deskAuth = basic('local-desk');

let t0 = Date.now();
const step = (text: string) =>
  console.log(`  [+${((Date.now() - t0) / 1000).toFixed(2).padStart(6)} s] ${text}`);

async function http(method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  // biome-ignore lint/suspicious/noExplicitAny: the demo reads loosely shaped JSON responses
  return { status: res.status, json: (text ? JSON.parse(text) : undefined) as Record<string, any> };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`Timed out waiting for: ${what}`);
}

interface DemoTicket {
  id: string;
  number: string;
  state: string;
  verificationUrl?: string;
  notes: { text: string }[];
}

/** An ITSM as the demo drives it: open a ticket the way its users would, read it back. */
interface Itsm {
  label: string;
  connectionId: string;
  open(connectionId: string, subject: string): Promise<DemoTicket>;
  read(id: string): Promise<DemoTicket>;
  linked(ticket: DemoTicket): boolean;
  resolvedState: string;
}

const subject = 'Locked out after holiday, please reset my password';
const deskItsm: Itsm = {
  label: 'the ticket desk',
  connectionId: 'local-desk',
  open: async (connectionId) =>
    (
      await http(
        'POST',
        `${desk}/api/tickets`,
        { category: 'password_reset', subject, requesterEmail: DEMO_REQUESTER_EMAIL, connectionId },
        { authorization: deskAuth },
      )
    ).json.ticket,
  read: async (id) =>
    (await http('GET', `${desk}/api/tickets/${id}`, undefined, { authorization: deskAuth })).json.ticket,
  linked: (t) => Boolean(t.verificationUrl),
  resolvedState: 'resolved',
};
const servicenow = local('HV_SERVICENOW_PORT', DEFAULT_PORTS.servicenow);
const servicenowItsm: Itsm = {
  label: 'ServiceNow (simulator, through its Table API)',
  connectionId: 'servicenow-dev',
  open: async () => {
    const auth = { authorization: basic('servicenow-dev') };
    const user = await http(
      'POST',
      `${servicenow}/api/now/table/sys_user`,
      { email: DEMO_REQUESTER_EMAIL, name: 'Zoë Martín' },
      auth,
    );
    const incident = await http(
      'POST',
      `${servicenow}/api/now/table/incident`,
      { short_description: subject, category: 'password_reset', caller_id: user.json.result.sys_id },
      auth,
    );
    return { id: incident.json.result.sys_id, number: incident.json.result.number, state: '1', notes: [] };
  },
  read: async (id) => (await http('GET', `${servicenow}/_records/${id}`)).json.record,
  linked: (t) => Boolean(t.verificationUrl),
  resolvedState: '6',
};
const changegear = local('HV_CHANGEGEAR_PORT', DEFAULT_PORTS.changegear);
const changegearItsm: Itsm = {
  label: 'ChangeGear (simulator)',
  connectionId: 'changegear-dev',
  open: async () =>
    (
      await http('POST', `${changegear}/_tickets`, {
        category: 'password_reset',
        subject,
        requesterEmail: DEMO_REQUESTER_EMAIL,
      })
    ).json.ticket,
  read: async (id) => (await http('GET', `${changegear}/_records/${id}`)).json.record,
  linked: (t) => t.notes.some((n) => n.text.includes('Send Verification Link')),
  resolvedState: 'Pending Close',
};
const ITSMS = { desk: deskItsm, servicenow: servicenowItsm, changegear: changegearItsm } as const;

async function agentToken(): Promise<string> {
  const res = await http('POST', `${api}/local-auth/token`, {
    username: 'alice',
    password: 'local-agent-password',
  });
  if (res.status !== 200) throw new Error(`Could not sign in as the demo agent (${res.status})`);
  return res.json.id_token as string;
}

async function openTicket(itsm: Itsm, connectionId = itsm.connectionId): Promise<DemoTicket> {
  const ticket = await itsm.open(connectionId, subject);
  step(`ticket ${ticket.number} opened in ${itsm.label} (category password_reset); webhook sent`);
  await until('link entry', async () => (itsm.linked(await itsm.read(ticket.id)) ? true : undefined));
  step('link entry written to the ticket: "Send Verification Link"');
  return ticket;
}

const hasNote = async (itsm: Itsm, id: string, text: string) =>
  (await itsm.read(id)).notes.some((n) => n.text.includes(text)) ? true : undefined;

async function sendLink(
  token: string,
  connectionId: string,
  ticket: DemoTicket,
  requestedAction?: 'password_reset',
) {
  const res = await http(
    'POST',
    `${api}/api/verifications`,
    // Email to the work mailbox on record: an SMS link needs more private knowledge to pass (a SIM
    // swap reaches whoever holds the number), more than the demo requester's record holds.
    { connectionId, ticketId: ticket.id, channel: 'email', requestedAction },
    { authorization: `Bearer ${token}` },
  );
  if (res.status !== 202) throw new Error(`send failed: ${JSON.stringify(res.json)}`);
  const verificationId = res.json.verificationId as string;
  step(
    `agent alice sent a verification link by email to ${res.json.destinationMasked} (verification ${verificationId})`,
  );
  const message = await until('the email in the dev inbox', async () => {
    const inbox = (await http('GET', `${api}/_dev/inbox.json`)).json as unknown as {
      verificationId: string;
      text: string;
    }[];
    return inbox.find((m) => m.verificationId === verificationId);
  });
  const linkToken = /#t=([\w-]+)/.exec(message.text)?.[1] ?? '';
  const link = message.text.match(/\S*#t=[\w-]+/)?.[0] ?? '';
  step(`email delivered (dev inbox) with the link ${link.replace(linkToken, `${linkToken.slice(0, 6)}…`)}`);
  return { verificationId, linkToken };
}

async function openLink(linkToken: string) {
  const res = await http('GET', `${api}/portal/session`, undefined, { authorization: `Bearer ${linkToken}` });
  if (res.status !== 200) throw new Error(`open failed: ${JSON.stringify(res.json)}`);
  step(`requester opened the link: ${res.json.questionCount} questions, status ${res.json.status}`);
  const session = res.json as { sessionToken: string; questionCount: number };
  // What the portal page reports silently: Zoë's laptop in Lisbon.
  await http(
    'POST',
    `${api}/portal/signals`,
    {
      webdriver: false,
      timeZone: 'Europe/Lisbon',
      languages: ['pt-PT', 'en'],
      clientHints: { platform: 'macOS', mobile: false },
      deviceHash: 'd'.repeat(64),
    },
    { authorization: `Bearer ${session.sessionToken}`, 'user-agent': MAC_CHROME },
  );
  step('page checks sent silently (no automation, Lisbon time zone, Portuguese and English, macOS)');
  return session;
}

const MAC_CHROME =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

/**
 * The requester answers one question at a time, taking a person's time to read each (the server
 * times answers; instant ones count as a script's), then submits. `wrong` picks other answers.
 */
async function answerAndSubmit(session: Awaited<ReturnType<typeof openLink>>, wrong: boolean) {
  const readMs = wrong ? 0 : 1600;
  step(`requester reads and answers ${session.questionCount} questions, one at a time...`);
  await answerAll(api, session.sessionToken, {
    email: DEMO_REQUESTER_EMAIL,
    // Zoë remembers the tickets she opened (the demo always opens this one).
    knows: { recent_ticket: [subject] },
    how: wrong ? 'wrong' : 'right',
    readMs,
    headers: { 'user-agent': MAC_CHROME },
  });
  return submit(session);
}

const submit = (session: { sessionToken: string }) =>
  http('POST', `${api}/portal/complete`, {}, { authorization: `Bearer ${session.sessionToken}` });

async function verification(token: string, id: string) {
  return (
    await http('GET', `${api}/api/verifications/${id}`, undefined, { authorization: `Bearer ${token}` })
  ).json;
}

async function passedPath(token: string, itsm: Itsm) {
  console.log(`\nPassed path on ${itsm.label}: verify, reset the password, resolve the ticket`);
  const ticket = await openTicket(itsm);
  const { verificationId, linkToken } = await sendLink(token, itsm.connectionId, ticket, 'password_reset');
  const session = await openLink(linkToken);
  const done = await answerAndSubmit(session, false);
  step(`requester completed: outcome ${done.json.outcome}, next action ${done.json.nextAction}`);
  const again = await submit(session);
  step(`a second submission is refused: HTTP ${again.status} ${again.json.error?.code}`);
  await until('outcome note', () => hasNote(itsm, ticket.id, 'verification Passed'));
  const v = await verification(token, verificationId);
  step(
    `outcome written back to the ticket: Passed, risk ${v.assessment.riskLevel} ${v.assessment.riskScore}/10`,
  );
  const reset = await http(
    'POST',
    `${api}/portal/action`,
    { action: 'password_reset', newPassword: 'correct horse battery staple' },
    { authorization: `Bearer ${session.sessionToken}` },
  );
  step(`requester reset their password on the portal: ${reset.json.state}`);
  const resolved = await until('ticket resolved', async () => {
    const t = await itsm.read(ticket.id);
    return t.state === itsm.resolvedState ? t : undefined;
  });
  step(`ticket ${resolved.number} resolved automatically (state ${resolved.state}); its notes:`);
  for (const n of resolved.notes) console.log(`      - ${n.text.split('\n')[0]}`);
}

async function stepUpPath(token: string) {
  console.log("\nStep-up path: a privileged person verified with their manager's approval");
  const connectionId = 'local-desk-step-up';
  const ticket = await openTicket(deskItsm, connectionId);
  const { verificationId, linkToken } = await sendLink(token, connectionId, ticket, 'password_reset');
  const session = await openLink(linkToken);
  const done = await answerAndSubmit(session, false);
  step(`requester completed: outcome ${done.json.outcome} (a privileged account needs a strong proof)`);
  const message = await until("the manager's email in the dev inbox", async () => {
    const inbox = (await http('GET', `${api}/_dev/inbox.json`)).json as unknown as {
      verificationId: string;
      to: string;
      text: string;
    }[];
    return inbox.find((m) => m.verificationId === verificationId && m.text.includes('#m='));
  });
  const managerToken = /#m=([\w-]+)/.exec(message.text)?.[1] ?? '';
  step(`the manager on record got an approval link by email at ${message.to.replace(/^(.).*@/, '$1***@')}`);
  await until('step-up note', () => hasNote(deskItsm, ticket.id, 'approval requested'));
  step('ticket note: approval requested from the manager on record');
  const shown = await http('POST', `${api}/portal/manager/request`, { token: managerToken });
  step(
    `the manager's page shows: ${shown.json.requesterName} asks for ${shown.json.action} on ${shown.json.ticketNumber}`,
  );
  const own = await http('POST', `${api}/portal/manager/decision`, { token: linkToken, decision: 'approve' });
  step(`the requester's own link cannot approve: HTTP ${own.status} ${own.json.error?.code}`);
  const approved = await http('POST', `${api}/portal/manager/decision`, {
    token: managerToken,
    decision: 'approve',
  });
  step(`the manager approved: HTTP ${approved.status}`);
  await until('outcome note', () => hasNote(deskItsm, ticket.id, 'verification Passed'));
  const v = await verification(token, verificationId);
  const note = (await deskItsm.read(ticket.id)).notes.at(-1)?.text ?? '';
  const approval = note.split('\n').find((line) => line.startsWith('Manager approval')) ?? '';
  step(`outcome written back to the ticket: ${v.status}; the note says "${approval}"`);
  const again = await http('POST', `${api}/portal/manager/decision`, {
    token: managerToken,
    decision: 'deny',
  });
  step(`the approval link again: HTTP ${again.status} ${again.json.error?.code}`);
}

async function timeoutPath(token: string) {
  console.log('\nTimed-out path: a 20-second link, opened but never completed');
  const ticket = await openTicket(deskItsm, 'local-desk-short');
  const { verificationId, linkToken } = await sendLink(token, 'local-desk-short', ticket);
  await openLink(linkToken);
  step('requester walks away...');
  await until('timed out', async () =>
    (await verification(token, verificationId)).status === 'timed_out' ? true : undefined,
  );
  step('link lifetime passed: verification timed_out');
  await until('timed-out note', () => hasNote(deskItsm, ticket.id, 'Timed Out'));
  step('"Timed Out" written back to the ticket');
  const late = await http('GET', `${api}/portal/session`, undefined, {
    authorization: `Bearer ${linkToken}`,
  });
  step(`opening the link now: HTTP ${late.status} ${late.json.error?.code}`);
}

async function outagePath(token: string) {
  console.log('\nITSM outage path: the ticket desk refuses every write during write-back');
  const ticket = await openTicket(deskItsm);
  const { verificationId, linkToken } = await sendLink(token, 'local-desk', ticket);
  const session = await openLink(linkToken);
  await http('POST', `${desk}/_faults`, { writes: { mode: 'unavailable', remaining: 1000 } });
  step('ticket desk now answers 503 to every write');
  const done = await answerAndSubmit(session, true);
  step(`requester completed with wrong answers: outcome ${done.json.outcome}`);
  step('write-back retried with exponential backoff (2 s, 4 s, 8 s)...');
  const v = await until('write-back failed', async () => {
    const current = await verification(token, verificationId);
    return current.writeBack.state === 'failed' ? current : undefined;
  });
  step(
    `write-back shown as failed: "${v.writeBack.lastError}"; outcome kept: ${v.status}, risk ${v.assessment.riskLevel}`,
  );
  await http('POST', `${desk}/_faults`, {});
  step('ticket desk is back');
  const retried = await http('POST', `${api}/api/verifications/${verificationId}/write-back`, undefined, {
    authorization: `Bearer ${token}`,
  });
  step(`agent retried the write-back: HTTP ${retried.status}, write-back ${retried.json.writeBack?.state}`);
  await until('outcome note', () => hasNote(deskItsm, ticket.id, 'verification Failed'));
  step('"Failed" note now on the ticket, written once');
}

type Run = (token: string) => Promise<void>;
const itsmNames = values.itsm ? [values.itsm] : Object.keys(ITSMS);
const runs: Record<string, Run[]> = {
  passed: itsmNames.map((name) => {
    const itsm = ITSMS[name as keyof typeof ITSMS];
    if (!itsm) throw new Error(`Unknown ITSM ${name}: use desk, servicenow or changegear`);
    return (token: string) => passedPath(token, itsm);
  }),
  'step-up': [stepUpPath],
  timeout: [timeoutPath],
  outage: [outagePath],
};
const chosen = values.only ? [values.only] : Object.keys(runs);
try {
  const token = await agentToken();
  for (const name of chosen) {
    const path = runs[name];
    if (!path) throw new Error(`Unknown path ${name}: use passed, step-up, timeout or outage`);
    for (const run of path) {
      t0 = Date.now();
      await run(token);
    }
  }
  console.log('\nDemo complete. See the ticket desk, the simulators and the dev inbox for what happened.');
} catch (error) {
  const cause = (error as Error & { cause?: { code?: string } }).cause;
  if (cause?.code === 'ECONNREFUSED')
    console.error('The local stack is not running: start it with `npm start` first.');
  else console.error(`Demo failed: ${(error as Error).message}`);
  process.exit(1);
}
