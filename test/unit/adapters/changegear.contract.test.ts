/**
 * Contract of the ChangeGear adapter: the exact requests it sends (method, path, headers, JSON body
 * with the eTag) in both auth modes, and how every failure is classified. A recording server on
 * port 0 plays ChangeGear; the second half runs the adapter against the ChangeGear simulator end to
 * end, including its webhooks.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { freePort, listenOn } from '../../../local/ports.js';
import { ChangeGearSimulator } from '../../../local/simulators/changegear.js';
import { CHANGEGEAR_DEFAULTS, ChangeGearTicketSystem } from '../../../shared/adapters/itsm/changegear.js';
import { TicketSystemPermanentError, TicketSystemRetryableError } from '../../../shared/domain/errors.js';
import type { ChangeGearConnection } from '../../../shared/domain/model/connection.js';

const USER = 'hq\\helpdesk-verify';
const PASSWORD = 'pa:ss-W0rd!secret';
const CREDENTIALS = `${USER}:${PASSWORD}`;
const BASIC = `Basic ${Buffer.from(CREDENTIALS).toString('base64')}`;
const SESSION = 'EhbNKWgPZNJnHRPWJ3PfvLrtavbL591sfEVzR3Hn/Fs7RCBceNxpWIuhw0iIn8YM';
const SEND_URL = 'https://console.example.com/send?connection=cg-acme&ticket=39';

function connection(baseUrl: string, overrides: Partial<ChangeGearConnection> = {}): ChangeGearConnection {
  return {
    type: 'changegear',
    connectionId: 'cg-acme',
    name: 'Acme ChangeGear',
    baseUrl,
    gatedCategories: ['password_reset'],
    autoClose: true,
    closeCode: 'Verified by Helpdesk Verify',
    linkLifetimeSeconds: 900,
    actionWindowSeconds: 900,
    minAnswered: 3,
    ...CHANGEGEAR_DEFAULTS,
    ...overrides,
  };
}

/** An incident as ChangeGear's GET answers it (trimmed; the real one has many more fields). */
function incident(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ID: 39,
    ItemID: 'IR-0000039',
    Summary: 'Locked out, please reset my password',
    Description: 'Back from leave and the password has expired.',
    Category: 'password_reset',
    RequesterEmail: 'zoe.martin@example.com',
    Status: 'New',
    InternalNote: '',
    AllowedActions: 'View,Edit',
    eTag: 131,
    ...overrides,
  };
}

interface Recorded {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}
type Reply = { status: number; body?: unknown; headers?: Record<string, string> } | 'hang';

/** Plays ChangeGear: records every request and answers with `reply` (login answered by default). */
async function recordingServer(reply: (req: Recorded, requests: Recorded[]) => Reply | undefined) {
  const requests: Recorded[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const recorded: Recorded = {
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    requests.push(recorded);
    const answer =
      reply(recorded, requests) ??
      (recorded.path === '/cgrestapi/api/authenticate/user'
        ? { status: 200, body: { sessionId: SESSION, userId: '7' } }
        : { status: 500, body: { Message: 'unexpected request' } });
    if (answer === 'hang') return;
    res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
    res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
  });
  const url = await listenOn(server, 0, 'recording ChangeGear');
  return {
    url,
    requests,
    /** The requests other than logins. */
    entityCalls: () => requests.filter((r) => !r.path.endsWith('/authenticate/user')),
    logins: () => requests.filter((r) => r.path.endsWith('/authenticate/user')),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

type Recording = Awaited<ReturnType<typeof recordingServer>>;

/** The error a call fails with (the test fails if it succeeds). */
async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

/** The documented read (Entity API, columns required) and update addresses of incident 39. */
const READ_PATH = '/cgrestapi/api/entity/IncidentRequest/39';
const UPDATE_PATH = '/cgrestapi/api/IncidentRequest/39';
const isRead = (req: Recorded) => req.method === 'GET' && req.path.split('?')[0] === READ_PATH;
const withoutQuery = (req: Recorded) => `${req.method} ${req.path.split('?')[0]}`;

/**
 * A ChangeGear that serves one incident on the documented paths only: the Entity API read answers
 * a one-item array, PUT stores the fields and bumps the eTag.
 */
function statefulIncident(initial = incident()) {
  const state = { ...initial };
  return (req: Recorded): Reply | undefined => {
    if (isRead(req)) return { status: 200, body: [state] };
    if (req.method !== 'PUT' || req.path !== UPDATE_PATH) return undefined;
    const { eTag, ...fields } = JSON.parse(req.body) as Record<string, unknown>;
    if (eTag !== state.eTag) return { status: 409, body: { Message: 'eTag mismatch' } };
    Object.assign(state, fields, { eTag: (state.eTag as number) + 1 });
    return { status: 200, body: state };
  };
}

const sessionHeaders = { authorization: SESSION, sessionid: SESSION };

let server: Recording | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  vi.restoreAllMocks();
});

function adapter(
  recording: Recording,
  overrides: Partial<ChangeGearConnection> = {},
  options: ConstructorParameters<typeof ChangeGearTicketSystem>[2] = {},
) {
  return new ChangeGearTicketSystem(connection(recording.url, overrides), async () => CREDENTIALS, options);
}

describe.each([
  { mode: 'session' as const, auth: sessionHeaders },
  { mode: 'basic' as const, auth: { authorization: BASIC, sessionid: undefined } },
])('ChangeGearTicketSystem requests ($mode auth)', ({ mode, auth }) => {
  const expectAuth = (headers: IncomingHttpHeaders) => {
    expect(headers.authorization).toBe(auth.authorization);
    expect(headers.sessionid).toBe(auth.sessionid);
  };

  it('reads an incident with the documented GET api/entity/{entityType}/{id}?columns=.. and maps the configured fields', async () => {
    server = await recordingServer(statefulIncident());

    const ticket = await adapter(server, { outboundAuth: mode }).getTicket('39');

    expect(ticket).toEqual({
      connectionId: 'cg-acme',
      ticketId: '39',
      number: 'IR-0000039',
      category: 'password_reset',
      subject: 'Locked out, please reset my password',
      description: 'Back from leave and the password has expired.',
      requesterEmail: 'zoe.martin@example.com',
      state: 'New',
    });
    const [get] = server.entityCalls();
    expect(server.entityCalls()).toHaveLength(1);
    expect(get).toMatchObject({
      method: 'GET',
      path: `${READ_PATH}?columns=ID&columns=ItemID&columns=Category&columns=RequesterEmail&columns=Status&columns=InternalNote&columns=Summary&columns=Description`,
      body: '',
    });
    expect(get?.headers.accept).toBe('application/json');
    expectAuth(get?.headers ?? {});
    expect(server.logins()).toHaveLength(mode === 'session' ? 1 : 0);
  });

  it('addVerificationLink reads the eTag, then PUTs the internal note with the link as a plain-text line', async () => {
    server = await recordingServer(statefulIncident());
    const note = {
      text: 'Helpdesk Verify: this request requires identity verification.',
      link: { label: 'Send Verification Link', url: SEND_URL },
    };

    await adapter(server, { outboundAuth: mode }).addVerificationLink('39', SEND_URL, note);

    const [get, put] = server.entityCalls();
    // Read (the eTag, and whether the note is there), write, read again (did it stick?).
    expect(server.entityCalls().map(withoutQuery)).toEqual([
      `GET ${READ_PATH}`,
      `PUT ${UPDATE_PATH}`,
      `GET ${READ_PATH}`,
    ]);
    expectAuth(get?.headers ?? {});
    expectAuth(put?.headers ?? {});
    expect(put?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(put?.body ?? '')).toEqual({
      eTag: 131,
      InternalNote: `Helpdesk Verify: this request requires identity verification.\n\nSend Verification Link: ${SEND_URL}`,
    });
  });

  it('addVerificationLink still writes the URL when the note carries no link', async () => {
    server = await recordingServer(statefulIncident());

    await adapter(server, { outboundAuth: mode }).addVerificationLink('39', SEND_URL, { text: 'Verify.' });

    const put = server.entityCalls()[1];
    expect(JSON.parse(put?.body ?? '')).toEqual({
      eTag: 131,
      InternalNote: `Verify.\n\nSend Verification Link: ${SEND_URL}`,
    });
  });

  it('addNote PUTs the configured note field with the current eTag', async () => {
    server = await recordingServer(statefulIncident(incident({ eTag: 7 })));

    await adapter(server, { outboundAuth: mode, noteField: 'HVNotes' }).addNote('39', {
      text: 'Helpdesk Verify: identity verification Passed.',
      link: { label: 'Open in Helpdesk Verify', url: 'https://console.example.com/v/01J' },
    });

    const put = server.entityCalls()[1];
    expectAuth(put?.headers ?? {});
    expect(JSON.parse(put?.body ?? '')).toEqual({
      eTag: 7,
      HVNotes:
        'Helpdesk Verify: identity verification Passed.\n\nOpen in Helpdesk Verify: https://console.example.com/v/01J',
    });
  });

  it('resolve PUTs the resolved status and a note with the close notes and close code', async () => {
    server = await recordingServer(statefulIncident());

    await adapter(server, { outboundAuth: mode }).resolve(
      '39',
      'Verified by Helpdesk Verify',
      'Resolved automatically by Helpdesk Verify.',
    );

    const put = server.entityCalls()[1];
    expectAuth(put?.headers ?? {});
    expect(JSON.parse(put?.body ?? '')).toEqual({
      eTag: 131,
      Status: 'Pending Close',
      InternalNote: 'Resolved automatically by Helpdesk Verify.\nClose code: Verified by Helpdesk Verify',
    });
  });
});

describe('ChangeGearTicketSystem sessions', () => {
  it('logs in with {username, password} (the password may hold colons) and reuses the session', async () => {
    server = await recordingServer(statefulIncident());
    const cg = adapter(server);

    await cg.getTicket('39');
    await cg.addNote('39', { text: 'one' });
    await Promise.all([cg.getTicket('39'), cg.getTicket('39')]);

    const logins = server.logins();
    expect(logins).toHaveLength(1);
    expect(logins[0]?.method).toBe('POST');
    expect(logins[0]?.headers['content-type']).toBe('application/json');
    expect(logins[0]?.headers.authorization).toBeUndefined();
    expect(JSON.parse(logins[0]?.body ?? '')).toEqual({ username: USER, password: PASSWORD });
    expect(server.entityCalls().every((r) => r.headers.sessionid === SESSION)).toBe(true);
  });

  it('logs in again once when the session is refused (401), then carries on', async () => {
    let sessions = 0;
    const incidentReply = statefulIncident();
    server = await recordingServer((req, all) => {
      if (req.path.endsWith('/authenticate/user'))
        return { status: 200, body: { sessionId: `session-${++sessions}` } };
      if (req.headers.sessionid === 'session-1' && all.length > 2)
        return { status: 401, body: { Message: 'Session expired' } };
      return incidentReply(req);
    });
    const cg = adapter(server);

    await cg.getTicket('39'); // session-1 works
    await cg.getTicket('39'); // session-1 expired -> login -> session-2

    expect(server.logins()).toHaveLength(2);
    expect(server.entityCalls().map((r) => `${r.headers.sessionid} ${r.method}`)).toEqual([
      'session-1 GET',
      'session-1 GET',
      'session-2 GET',
    ]);
  });

  it('a 401 after a fresh login is permanent, with the hint and without the password', async () => {
    server = await recordingServer((req) =>
      req.path.endsWith('/authenticate/user') ? undefined : { status: 401, body: { Message: 'Denied' } },
    );

    const error = await failure(adapter(server).getTicket('39'));

    expect(error).toBeInstanceOf(TicketSystemPermanentError);
    expect(error).toMatchObject({ name: 'TicketSystemPermanentError', status: 401 });
    expect((error as Error).message).toMatch(/license and a role with View and Edit/);
    expect(server.logins()).toHaveLength(2);
    expect((error as Error).message).not.toContain(PASSWORD);
    expect((error as Error).message).not.toContain(SESSION);
  });

  it('a refused login is permanent and never shows the password, even when ChangeGear echoes it', async () => {
    server = await recordingServer((req) =>
      req.path.endsWith('/authenticate/user')
        ? { status: 401, body: { Message: `Login failed for ${req.body}` } }
        : undefined,
    );

    const error = await failure(adapter(server).getTicket('39'));

    expect(error).toBeInstanceOf(TicketSystemPermanentError);
    expect(error.message).toMatch(/refused the API user's login/);
    expect(error.message).toContain('[redacted]');
    expect(error.message).not.toContain(PASSWORD);
    expect(server.entityCalls()).toHaveLength(0);
  });

  it('a 404 on the login means a wrong baseUrl, not a missing ticket', async () => {
    server = await recordingServer(() => ({ status: 404, body: { Message: 'No HTTP resource' } }));

    const error = await failure(adapter(server).getTicket('39'));

    expect(error).toBeInstanceOf(TicketSystemPermanentError);
    expect(error).toMatchObject({ status: undefined });
    expect(error.message).toMatch(/check the connection's baseUrl/);
  });

  it('Basic mode never logs in and never shows the Basic value', async () => {
    server = await recordingServer((req) => ({
      status: 403,
      body: { Message: `No Edit right for ${req.headers.authorization}` },
    }));

    const error = await failure(adapter(server, { outboundAuth: 'basic' }).addNote('39', { text: 'x' }));

    expect(error).toMatchObject({ name: 'TicketSystemPermanentError', status: 403 });
    expect(error.message).not.toContain(BASIC.slice('Basic '.length));
    expect(server.logins()).toHaveLength(0);
  });
});

describe('ChangeGearTicketSystem stale eTags', () => {
  it('re-reads and retries with the new eTag after a concurrent edit', async () => {
    let puts = 0;
    const incidentReply = statefulIncident();
    server = await recordingServer((req) => {
      if (req.method === 'PUT' && ++puts === 1) return { status: 409, body: { Message: 'eTag mismatch' } };
      return incidentReply(req);
    });

    await adapter(server).addNote('39', { text: 'Helpdesk Verify note' });

    const calls = server.entityCalls();
    expect(calls.map((r) => r.method)).toEqual(['GET', 'PUT', 'GET', 'PUT', 'GET']);
    expect(JSON.parse(calls[3]?.body ?? '')).toEqual({ eTag: 131, InternalNote: 'Helpdesk Verify note' });
  });

  it.each([
    { status: 412, body: { Message: 'Precondition failed' } },
    { status: 400, body: { Message: 'The eTag provided does not match' } },
  ])('treats $status naming the eTag as stale too', async ({ status, body }) => {
    let puts = 0;
    const incidentReply = statefulIncident();
    server = await recordingServer((req) => {
      if (req.method === 'PUT' && ++puts === 1) return { status, body };
      return incidentReply(req);
    });

    await adapter(server).addNote('39', { text: 'n' });

    expect(server.entityCalls().map((r) => r.method)).toEqual(['GET', 'PUT', 'GET', 'PUT', 'GET']);
  });

  it('gives up with a retryable error after maxConflictRetries re-reads (default 3)', async () => {
    server = await recordingServer((req) =>
      req.method === 'PUT'
        ? { status: 409, body: { Message: 'eTag mismatch' } }
        : isRead(req)
          ? { status: 200, body: [incident()] }
          : undefined,
    );

    const error = await failure(adapter(server).addNote('39', { text: 'n' }));

    expect(error).toBeInstanceOf(TicketSystemRetryableError);
    expect((error as Error).message).toMatch(/stale eTag 4 times/);
    expect(server.entityCalls().filter((r) => r.method === 'PUT')).toHaveLength(4);
    expect(server.entityCalls().filter((r) => r.method === 'GET')).toHaveLength(4);
  });

  it('honours maxConflictRetries', async () => {
    server = await recordingServer((req) =>
      req.method === 'PUT' ? { status: 409 } : isRead(req) ? { status: 200, body: [incident()] } : undefined,
    );

    await expect(
      adapter(server, {}, { maxConflictRetries: 1 }).resolve('39', 'c', 'n'),
    ).rejects.toBeInstanceOf(TicketSystemRetryableError);
    expect(server.entityCalls().filter((r) => r.method === 'PUT')).toHaveLength(2);
  });

  it('an item without an eTag cannot be updated safely: permanent, no PUT', async () => {
    server = await recordingServer((req) =>
      isRead(req) ? { status: 200, body: [incident({ eTag: undefined })] } : undefined,
    );

    await expect(adapter(server).addNote('39', { text: 'n' })).rejects.toBeInstanceOf(
      TicketSystemPermanentError,
    );
    expect(server.entityCalls().map((r) => r.method)).toEqual(['GET']);
  });
});

describe('ChangeGearTicketSystem failures', () => {
  const onEntity = (reply: Reply) => (req: Recorded) =>
    req.path.endsWith('/authenticate/user') ? undefined : reply;

  it('404 is permanent: the ticket is gone', async () => {
    server = await recordingServer(onEntity({ status: 404, body: { Message: 'Item not found' } }));

    const error = await failure(adapter(server).getTicket('39'));

    expect(error).toMatchObject({ name: 'TicketSystemPermanentError', status: 404 });
    expect((error as Error).message).toMatch(/ticket not found/);
  });

  it("400 on the write is permanent, with ChangeGear's explanation", async () => {
    server = await recordingServer((req) =>
      req.method === 'PUT'
        ? { status: 400, body: { Message: "Unknown field 'InternalNote'" } }
        : statefulIncident()(req),
    );

    const error = await failure(adapter(server).addNote('39', { text: 'n' }));

    expect(error).toMatchObject({ name: 'TicketSystemPermanentError', status: 400 });
    expect((error as Error).message).toContain("Unknown field 'InternalNote'");
    expect(server.entityCalls().filter((r) => r.method === 'PUT')).toHaveLength(1);
  });

  it('a short Retry-After (<= 5 s) is waited out once with the injected sleep', async () => {
    let gets = 0;
    server = await recordingServer((req) => {
      if (req.path.endsWith('/authenticate/user')) return undefined;
      return ++gets === 1
        ? { status: 429, body: { Message: 'Slow down' }, headers: { 'retry-after': '2' } }
        : { status: 200, body: [incident()] };
    });
    const sleep = vi.fn(async (_ms: number) => {});

    const ticket = await adapter(server, {}, { sleep }).getTicket('39');

    expect(ticket.number).toBe('IR-0000039');
    expect(sleep).toHaveBeenCalledExactlyOnceWith(2000);
    expect(server.entityCalls()).toHaveLength(2);
  });

  it('a second 429 after the wait is retryable with its Retry-After', async () => {
    server = await recordingServer(onEntity({ status: 429, headers: { 'retry-after': '3' } }));
    const sleep = vi.fn(async (_ms: number) => {});

    const error = await failure(adapter(server, {}, { sleep }).getTicket('39'));

    expect(error).toBeInstanceOf(TicketSystemRetryableError);
    expect(error).toMatchObject({ retryAfterSeconds: 3 });
    expect(sleep).toHaveBeenCalledTimes(1);
    expect(server.entityCalls()).toHaveLength(2);
  });

  it('a long Retry-After is left to the state machine: retryable at once, no wait', async () => {
    server = await recordingServer(onEntity({ status: 429, headers: { 'retry-after': '120' } }));
    const sleep = vi.fn(async (_ms: number) => {});

    const error = await failure(adapter(server, {}, { sleep }).getTicket('39'));

    expect(error).toBeInstanceOf(TicketSystemRetryableError);
    expect(error).toMatchObject({ retryAfterSeconds: 120 });
    expect(sleep).not.toHaveBeenCalled();
    expect(server.entityCalls()).toHaveLength(1);
  });

  it('429 without Retry-After is retryable without a wait', async () => {
    server = await recordingServer(onEntity({ status: 429 }));
    const sleep = vi.fn(async (_ms: number) => {});

    const error = await failure(adapter(server, {}, { sleep }).getTicket('39'));

    expect(error).toBeInstanceOf(TicketSystemRetryableError);
    expect(error).toMatchObject({ retryAfterSeconds: undefined });
    expect(sleep).not.toHaveBeenCalled();
  });

  it.each([500, 502, 503])('%i is retryable', async (status) => {
    server = await recordingServer(onEntity({ status, body: { Message: 'IIS says no' } }));

    await expect(adapter(server).getTicket('39')).rejects.toBeInstanceOf(TicketSystemRetryableError);
  });

  it('a timeout is retryable', async () => {
    server = await recordingServer(onEntity('hang'));

    const error = await failure(adapter(server, {}, { timeoutMs: 100 }).getTicket('39'));

    expect(error).toBeInstanceOf(TicketSystemRetryableError);
    expect((error as Error).message).toMatch(/unreachable \(TimeoutError\)/);
  });

  it('connection refused is retryable', async () => {
    const port = await freePort();
    const cg = new ChangeGearTicketSystem(connection(`http://127.0.0.1:${port}`), async () => CREDENTIALS);

    const error = await failure(cg.getTicket('39'));

    expect(error).toBeInstanceOf(TicketSystemRetryableError);
    expect((error as Error).message).toMatch(/ChangeGear login.*unreachable/);
  });

  it('a non-integer ticket id is refused before any request', async () => {
    server = await recordingServer(() => undefined);

    await expect(adapter(server).getTicket('../authenticate/user')).rejects.toMatchObject({
      name: 'TicketSystemPermanentError',
      status: 400,
    });
    expect(server.requests).toHaveLength(0);
  });

  it('an answer that is not JSON (wrong baseUrl) is permanent and says what to check', async () => {
    server = await recordingServer((req) =>
      req.path.endsWith('/authenticate/user') ? undefined : { status: 200, headers: {}, body: undefined },
    );

    await expect(adapter(server).getTicket('39')).rejects.toThrow(/check the connection's baseUrl/);
  });

  it('accepts the one-item array the api/entity form answers, and lookups given by name', async () => {
    server = await recordingServer(
      onEntity({ status: 200, body: [incident({ Category: { ID: 4, Name: 'password_reset' } })] }),
    );

    const ticket = await adapter(server, { baseUrl: `${server.url}/` }).getTicket('39');

    expect(ticket).toMatchObject({ ticketId: '39', category: 'password_reset' });
    expect(withoutQuery(server.entityCalls()[0] as Recorded)).toBe(`GET ${READ_PATH}`);
  });

  it('an empty array is "ticket not found", permanent', async () => {
    server = await recordingServer(onEntity({ status: 200, body: [] }));

    const error = await failure(adapter(server).getTicket('39'));

    expect(error).toMatchObject({ name: 'TicketSystemPermanentError', status: 404 });
    expect(error.message).toMatch(/ticket not found/);
  });
});

describe('ChangeGearTicketSystem checks that what it wrote stuck, and never writes a note twice', () => {
  it('reports a note field ChangeGear accepted but did not keep, naming it', async () => {
    // Prepare: answers 200 to the PUT and keeps nothing of an unknown field
    const state = incident();
    server = await recordingServer((req) => {
      if (isRead(req)) return { status: 200, body: [state] };
      if (req.method === 'PUT') return { status: 200 };
      return undefined;
    });

    // Act
    const error = await failure(adapter(server, { noteField: 'InternalNotes' }).addNote('39', { text: 'n' }));

    // Assess
    expect(error).toBeInstanceOf(TicketSystemPermanentError);
    expect(error.message).toContain('the note is not in the field "InternalNotes"');
    expect(server.entityCalls().map((r) => r.method)).toEqual(['GET', 'PUT', 'GET']);
  });

  it('reports a resolved status that did not stick', async () => {
    // Prepare: a workflow rule keeps the status
    server = await recordingServer((req) => {
      if (isRead(req)) return { status: 200, body: [incident({ InternalNote: 'Resolved.\nClose code: c' })] };
      if (req.method === 'PUT') return { status: 200 };
      return undefined;
    });

    // Act
    const error = await failure(adapter(server).resolve('39', 'c', 'Resolved.'));

    // Assess
    expect(error).toBeInstanceOf(TicketSystemPermanentError);
    expect(error.message).toContain('the field "Status" reads "New", not "Pending Close"');
  });

  it('writes the marker as the last line, and skips a note whose marker is already there', async () => {
    // Prepare
    server = await recordingServer(statefulIncident());
    const cg = adapter(server);
    const note = { text: 'Helpdesk Verify: identity verification Passed.', marker: 'HV-01JD-outcome' };

    // Act
    await cg.addNote('39', note);
    await cg.addNote('39', note);

    // Assess
    const puts = server.entityCalls().filter((r) => r.method === 'PUT');
    expect(puts).toHaveLength(1);
    expect(JSON.parse(puts[0]?.body ?? '')).toMatchObject({
      InternalNote: 'Helpdesk Verify: identity verification Passed.\nRef: HV-01JD-outcome',
    });
  });

  it('skips a resolve that may have landed when the status already reads resolved', async () => {
    // Prepare
    server = await recordingServer(statefulIncident(incident({ Status: 'Pending Close' })));

    // Act
    await adapter(server).resolve('39', 'c', 'Resolved.', { mayExist: true });

    // Assess
    expect(server.entityCalls().map((r) => r.method)).toEqual(['GET']);
  });
});

describe('ChangeGearTicketSystem recentTickets', () => {
  it.each(['session', 'basic'] as const)(
    'asks ChangeGear nothing (no documented filter syntax) and returns no tickets (%s auth)',
    async (mode) => {
      // Prepare
      server = await recordingServer(() => ({ status: 200, body: [incident()] }));

      // Act
      const tickets = await adapter(server, { outboundAuth: mode }).recentTickets({
        requesterEmail: 'zoe.martin@example.com',
        excludeTicketId: '39',
        since: new Date('2026-08-23T00:00:00Z'),
        limit: 5,
      });

      // Assess
      expect(tickets).toEqual([]);
      expect(server.requests).toHaveLength(0);
    },
  );
});

describe('ChangeGearSimulator with the adapter, end to end', () => {
  const WEBHOOK_CREDENTIALS = 'changegear-webhook:0123456789abcdef';
  let sim: ChangeGearSimulator;
  let simUrl: string;
  let receiver: Recording;
  let receiverStatus: number[];

  beforeEach(async () => {
    receiverStatus = [];
    receiver = await recordingServer(() => ({ status: receiverStatus.shift() ?? 200, body: {} }));
    sim = new ChangeGearSimulator({
      credentials: CREDENTIALS,
      webhookBaseUrl: `${receiver.url}/webhooks`,
      webhookCredentials: (id) => (id === 'cg-acme' ? WEBHOOK_CREDENTIALS : 'wrong:wrong'),
      defaultConnectionId: 'cg-acme',
      retryDelaysMs: [10],
    });
    simUrl = await sim.listen(0);
  });

  afterEach(async () => {
    await sim.stop();
    await receiver.close();
  });

  const cgFor = (mode: 'session' | 'basic' = 'session', options = {}) =>
    new ChangeGearTicketSystem(connection(simUrl, { outboundAuth: mode }), async () => CREDENTIALS, options);

  it.each(['session', 'basic'] as const)('reads, links, notes and resolves (%s auth)', async (mode) => {
    const opened = sim.open(
      {
        category: 'password_reset',
        subject: 'Locked out',
        description: 'Three wrong attempts this morning.',
        requesterEmail: 'zoe.martin@example.com',
      },
      { deliver: false },
    );
    expect(opened).toMatchObject({ id: '1', number: 'IR-0000001', state: 'New', notes: [] });
    const cg = cgFor(mode);

    expect(await cg.getTicket(opened.id)).toEqual({
      connectionId: 'cg-acme',
      ticketId: '1',
      number: 'IR-0000001',
      category: 'password_reset',
      subject: 'Locked out',
      description: 'Three wrong attempts this morning.',
      requesterEmail: 'zoe.martin@example.com',
      state: 'New',
    });
    await cg.addVerificationLink(opened.id, SEND_URL, {
      text: 'Helpdesk Verify: verification required.',
      link: { label: 'Send Verification Link', url: SEND_URL },
    });
    await cg.addNote(opened.id, { text: 'Helpdesk Verify: identity verification Passed.' });
    await cg.resolve(opened.id, 'Verified', 'Resolved automatically by Helpdesk Verify.');

    const record = sim.get(opened.id);
    expect(record?.state).toBe('Pending Close');
    expect(record?.verificationUrl).toBeUndefined();
    expect(record?.notes.map((n) => n.text)).toEqual([
      `Helpdesk Verify: verification required.\n\nSend Verification Link: ${SEND_URL}`,
      'Helpdesk Verify: identity verification Passed.',
      'Resolved automatically by Helpdesk Verify.\nClose code: Verified',
    ]);
    expect(record?.eTag).toBe(4);
    expect(sim.calls.filter((c) => c.id === 'authenticate/user')).toHaveLength(mode === 'session' ? 1 : 0);
    // Each write: read (eTag; is the note there?), PUT, read again (did it stick?).
    expect(sim.calls.filter((c) => c.id === '1').map((c) => `${c.method} ${c.status}`)).toEqual([
      'GET 200',
      ...Array(3).fill(['GET 200', 'PUT 200', 'GET 200']).flat(),
    ]);
  });

  it('an agent edit between our read and our write forces a re-read and a retry', async () => {
    const { id } = sim.open(
      { category: 'password_reset', subject: 'Locked out', requesterEmail: 'zoe.martin@example.com' },
      { deliver: false },
    );
    const realFetch = globalThis.fetch;
    let edited = false;
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      const response = await realFetch(input, init);
      if (!edited && init?.method === 'GET' && String(input).includes(`/entity/IncidentRequest/${id}?`)) {
        edited = true;
        sim.update(id, { state: 'In Progress', note: 'Agent: calling the user back' }, { deliver: false });
      }
      return response;
    });

    await cgFor().addNote(id, { text: 'Helpdesk Verify note' });

    expect(sim.calls.filter((c) => c.id === id).map((c) => `${c.method} ${c.status}`)).toEqual([
      'GET 200',
      'PUT 409',
      'GET 200',
      'PUT 200',
      'GET 200',
    ]);
    expect(sim.get(id)?.notes.map((n) => `${n.by}: ${n.text}`)).toEqual([
      'agent: Agent: calling the user back',
      'api: Helpdesk Verify note',
    ]);
    expect(sim.get(id)?.state).toBe('In Progress');
  });

  it('faults: stale_etag, rate_limited, unavailable and not_found behave as on the ticket desk', async () => {
    const { id } = sim.open(
      { category: 'password_reset', subject: 'x', requesterEmail: 'a@example.com' },
      { deliver: false },
    );
    const sleep = vi.fn(async (_ms: number) => {});
    const cg = cgFor('basic', { sleep });

    sim.setFaults({ writes: { mode: 'stale_etag', remaining: 1 } });
    await cg.addNote(id, { text: 'after a concurrent edit' });
    expect(sim.calls.slice(-5).map((c) => `${c.method} ${c.status}`)).toEqual([
      'GET 200',
      'PUT 409',
      'GET 200',
      'PUT 200',
      'GET 200',
    ]);

    sim.setFaults({ reads: { mode: 'rate_limited', remaining: 1 } });
    await cg.getTicket(id);
    expect(sleep).toHaveBeenCalledExactlyOnceWith(1000);

    sim.setFaults({ reads: { mode: 'unavailable', remaining: 1 } });
    await expect(cg.getTicket(id)).rejects.toBeInstanceOf(TicketSystemRetryableError);
    sim.setFaults({ writes: { mode: 'not_found', remaining: 1 } });
    await expect(cg.addNote(id, { text: 'x' })).rejects.toMatchObject({ status: 404 });
    await expect(cg.getTicket('999')).rejects.toMatchObject({ status: 404 });
  });

  it('expired sessions are renewed by the adapter', async () => {
    const { id } = sim.open(
      { category: 'other', subject: 'x', requesterEmail: 'a@example.com' },
      { deliver: false },
    );
    const cg = cgFor();
    await cg.getTicket(id);

    sim.expireSessions();
    await cg.getTicket(id);

    expect(sim.calls.map((c) => `${c.method} ${c.id} ${c.status}`)).toEqual([
      'POST authenticate/user 200',
      `GET ${id} 200`,
      'POST authenticate/user 200',
      `GET ${id} 200`,
    ]);
  });

  it('refuses a wrong password and unauthenticated calls; stores unknown fields silently; needs an eTag and columns; serves only documented paths', async () => {
    const { id } = sim.open(
      { category: 'other', subject: 'x', requesterEmail: 'a@example.com' },
      { deliver: false },
    );
    const login = await fetch(`${simUrl}/cgrestapi/api/authenticate/user`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: USER, password: 'wrong' }),
    });
    expect(login.status).toBe(401);
    expect((await fetch(`${simUrl}/cgrestapi/api/entity/IncidentRequest/${id}?columns=ID`)).status).toBe(401);
    const get = (path: string) => fetch(`${simUrl}${path}`, { headers: { authorization: BASIC } });
    // The undocumented read path is not there; the documented one needs columns.
    expect((await get(`/cgrestapi/api/IncidentRequest/${id}`)).status).toBe(405);
    expect((await get(`/cgrestapi/api/entity/IncidentRequest/${id}`)).status).toBe(400);

    const put = (body: unknown) =>
      fetch(`${simUrl}/cgrestapi/api/incidentrequest/${id}`, {
        method: 'PUT',
        headers: { authorization: BASIC, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await put({ eTag: 1, WorkNotes: 'x' })).status).toBe(200);
    expect((await put({ InternalNote: 'x' })).status).toBe(400);
    expect((await put({ eTag: 2, ItemID: 'IR-1' })).status).toBe(400);
    expect((await put({ eTag: 2, InternalNote: 'x' })).status).toBe(200);
    expect(sim.get(id)?.notes.map((n) => n.text)).toEqual(['x']);
    const read = await get(`/cgrestapi/api/entity/IncidentRequest/${id}?columns=WorkNotes&columns[1]=status`);
    expect(await read.json()).toEqual([{ WorkNotes: 'x', Status: 'New', eTag: 3 }]);

    await expect(
      new ChangeGearTicketSystem(connection(simUrl), async () => `${USER}:wrong`).getTicket(id),
    ).rejects.toMatchObject({ name: 'TicketSystemPermanentError', status: 401 });
  });

  it("webhooks POST the whole item with the connection's Basic credentials, on create and on update", async () => {
    const opened = sim.open({
      category: 'password_reset',
      subject: 'Locked out',
      requesterEmail: 'zoe.martin@example.com',
    });
    await vi.waitFor(() => expect(receiver.requests).toHaveLength(1), { timeout: 2000, interval: 10 });
    sim.update(opened.id, { state: 'In Progress', note: 'Agent picked it up' });
    await vi.waitFor(() => expect(receiver.requests).toHaveLength(2), { timeout: 2000, interval: 10 });

    const [created, updated] = receiver.requests;
    for (const delivery of [created, updated]) {
      expect(delivery?.method).toBe('POST');
      expect(delivery?.path).toBe('/webhooks/cg-acme');
      expect(delivery?.headers['content-type']).toBe('application/json');
      expect(delivery?.headers.authorization).toBe(
        `Basic ${Buffer.from(WEBHOOK_CREDENTIALS).toString('base64')}`,
      );
    }
    expect(JSON.parse(created?.body ?? '')).toMatchObject({
      ID: 1,
      ItemID: 'IR-0000001',
      Summary: 'Locked out',
      Category: 'password_reset',
      RequesterEmail: 'zoe.martin@example.com',
      Status: 'New',
      eTag: 1,
    });
    // The update payload carries what the API's read answers.
    const current = await fetch(
      `${simUrl}/cgrestapi/api/entity/IncidentRequest/${opened.id}?columns=ID&columns=Status&columns=InternalNote`,
      { headers: { authorization: BASIC } },
    );
    expect(JSON.parse(updated?.body ?? '')).toMatchObject(((await current.json()) as unknown[])[0] as object);
    expect(JSON.parse(updated?.body ?? '')).toMatchObject({ Status: 'In Progress', eTag: 2 });
    expect(sim.get(opened.id)?.webhook.deliveries.map((d) => `${d.event} ${d.status}`)).toEqual([
      'create 200',
      'update 200',
    ]);
  });

  it('retries a webhook on 5xx, and our own writes fire update webhooks too', async () => {
    receiverStatus = [503];
    const opened = sim.open({ category: 'other', subject: 'x', requesterEmail: 'a@example.com' });
    await vi.waitFor(() => expect(receiver.requests).toHaveLength(2), { timeout: 2000, interval: 10 });
    expect(sim.get(opened.id)?.webhook.deliveries.map((d) => d.status)).toEqual([503, 200]);

    await cgFor('basic').addNote(opened.id, { text: 'note' });
    await vi.waitFor(() => expect(receiver.requests).toHaveLength(3), { timeout: 2000, interval: 10 });
    expect(JSON.parse(receiver.requests[2]?.body ?? '')).toMatchObject({ eTag: 2 });
  });

  it('serves a small page with a CSP that escapes what agents typed', async () => {
    sim.open(
      { category: 'other', subject: '<script>alert(1)</script>', requesterEmail: 'a@example.com' },
      { deliver: false },
    );

    const response = await fetch(`${simUrl}/`);
    const html = await response.text();

    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(html).toContain('name="viewport"');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('the page opens incidents and edits them as an agent', async () => {
    const open = await fetch(`${simUrl}/ui/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        category: 'mfa_reset',
        subject: 'New phone',
        requesterEmail: 'b@example.com',
      }),
      redirect: 'manual',
    });
    expect(open.status).toBe(303);
    const edit = await fetch(`${simUrl}/ui/tickets/1`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ state: 'Assigned', category: 'mfa_reset', note: 'On it' }),
      redirect: 'manual',
    });
    expect(edit.status).toBe(303);

    expect(sim.get('1')).toMatchObject({
      state: 'Assigned',
      eTag: 2,
      notes: [{ text: 'On it', by: 'agent' }],
    });
  });
});
