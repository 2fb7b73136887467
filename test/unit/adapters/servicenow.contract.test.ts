import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../../local/ports.js';
import { ServiceNowSimulator } from '../../../local/simulators/servicenow.js';
import { ServiceNowTicketSystem, ticketCameInSignedIn } from '../../../shared/adapters/itsm/servicenow.js';
import { TicketSystemPermanentError, TicketSystemRetryableError } from '../../../shared/domain/errors.js';
import type { ServiceNowConnection } from '../../../shared/domain/model/connection.js';
import { verifyWebhook } from '../../../shared/domain/tokens.js';
import { caught, type Recorded, type Reply, recorder as record } from './recorder.js';

const SYS_ID = '9d385017c611228701d22104cc95c371';
const BASIC = 'svc.helpdesk-verify:s3cret-P@ss';
const BASIC_HEADER = `Basic ${Buffer.from(BASIC).toString('base64')}`;
const OAUTH = JSON.stringify({ clientId: 'hv-client', clientSecret: 'cl1ent&secret=' });
const LINK_URL = 'https://console.verify.example.com/send?connection=acme-sn&ticket=9d38';
const WEBHOOK_SECRET = 'whsec-acme-sn-0123456789';

const ok = (result: unknown = { sys_id: SYS_ID }): Reply => ({ status: 200, body: { result } });
const failure = (status: number, message: string, detail: string | null = null): Reply => ({
  status,
  body: { error: { message, detail }, status: 'failure' },
});

const simulators: ServiceNowSimulator[] = [];

afterEach(async () => {
  for (const s of simulators.splice(0)) await s.stop();
});

/** Answers by request number. */
const recorder = (answer: (req: Recorded, index: number) => Reply | 'hang') =>
  record(
    (req, { index }) => answer(req, index),
    () => ({ 'content-type': 'application/json' }),
  );

function connection(baseUrl: string, overrides: Partial<ServiceNowConnection> = {}): ServiceNowConnection {
  return {
    type: 'servicenow',
    connectionId: 'acme-sn',
    name: 'Acme ServiceNow',
    baseUrl,
    gatedCategories: ['password_reset'],
    autoClose: true,
    closeCode: 'Solution provided',
    linkLifetimeSeconds: 900,
    actionWindowSeconds: 3600,
    minAnswered: 3,
    table: 'incident',
    verificationUrlField: 'u_verification',
    categoryField: 'category',
    requesterEmailField: 'caller_id.email',
    workNotesFormat: 'code',
    outboundAuth: 'basic',
    resolvedState: '6',
    ...overrides,
  };
}

function adapter(
  baseUrl: string,
  overrides: Partial<ServiceNowConnection> = {},
  options: { secret?: string; now?: () => number; timeoutMs?: number } = {},
) {
  const sleeps: number[] = [];
  const itsm = new ServiceNowTicketSystem(
    connection(baseUrl, overrides),
    async () => options.secret ?? (overrides.outboundAuth === 'oauth' ? OAUTH : BASIC),
    {
      timeoutMs: options.timeoutMs ?? 2_000,
      now: options.now,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    },
  );
  return { itsm, sleeps };
}

const linkNote = {
  text: 'Helpdesk Verify: this request requires identity verification.',
  link: { label: 'Send Verification Link', url: LINK_URL },
};

describe('ServiceNowTicketSystem requests', () => {
  it('reads a ticket with one GET: the fields, database values, no reference links', async () => {
    // Prepare
    const server = await recorder(() =>
      ok({
        sys_id: SYS_ID,
        number: 'INC0010001',
        category: 'password_reset',
        short_description: 'Locked out',
        description: 'On holiday in Madeira, my laptop locked me out after the update.',
        state: '1',
        'caller_id.email': 'zoe.martin@example.com',
      }),
    );
    const { itsm } = adapter(server.url);

    // Act
    const ticket = await itsm.getTicket(SYS_ID);

    // Assess
    expect(server.requests).toHaveLength(1);
    const [req] = server.requests as [Recorded];
    expect(req.method).toBe('GET');
    expect(req.path).toBe(`/api/now/table/incident/${SYS_ID}`);
    expect(req.query).toBe(
      'sysparm_fields=sys_id,number,category,short_description,description,state,caller_id.email&sysparm_display_value=false&sysparm_exclude_reference_link=true',
    );
    expect(req.headers.accept).toBe('application/json');
    expect(req.headers.authorization).toBe(BASIC_HEADER);
    expect(req.headers['content-type']).toBeUndefined();
    expect(req.body).toBe('');
    expect(ticket).toEqual({
      connectionId: 'acme-sn',
      ticketId: SYS_ID,
      number: 'INC0010001',
      category: 'password_reset',
      subject: 'Locked out',
      description: 'On holiday in Madeira, my laptop locked me out after the update.',
      requesterEmail: 'zoe.martin@example.com',
      state: '1',
    });
  });

  it('uses the configured table, category field and dot-walked requester field', async () => {
    // Prepare
    const server = await recorder(() =>
      ok({
        sys_id: SYS_ID,
        number: 'SCTASK001',
        u_topic: 'mfa_reset',
        'requested_for.email': 'a@example.com',
      }),
    );
    const { itsm } = adapter(server.url, {
      table: 'sc_task',
      categoryField: 'u_topic',
      requesterEmailField: 'requested_for.email',
    });

    // Act
    const ticket = await itsm.getTicket(SYS_ID);

    // Assess
    expect(server.requests[0]?.path).toBe(`/api/now/table/sc_task/${SYS_ID}`);
    expect(server.requests[0]?.query).toContain(
      'sysparm_fields=sys_id,number,u_topic,short_description,description,state,requested_for.email&',
    );
    expect(ticket.category).toBe('mfa_reset');
    expect(ticket.requesterEmail).toBe('a@example.com');
    expect(ticket.subject).toBe('');
  });

  it('writes the link field and a [code] work note in one PATCH', async () => {
    // Prepare
    const server = await recorder(() => ok({ sys_id: SYS_ID, u_verification: LINK_URL }));
    const { itsm } = adapter(server.url);

    // Act
    await itsm.addVerificationLink(SYS_ID, LINK_URL, linkNote);

    // Assess
    const [req] = server.requests as [Recorded];
    expect(req.method).toBe('PATCH');
    expect(req.path).toBe(`/api/now/table/incident/${SYS_ID}`);
    expect(req.query).toBe('sysparm_fields=sys_id,u_verification');
    expect(req.headers.accept).toBe('application/json');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers.authorization).toBe(BASIC_HEADER);
    expect(JSON.parse(req.body)).toEqual({
      u_verification: LINK_URL,
      work_notes:
        'Helpdesk Verify: this request requires identity verification.\n' +
        '[code]<a href="https://console.verify.example.com/send?connection=acme-sn&amp;ticket=9d38" target="_blank">Send Verification Link</a>[/code]',
    });
  });

  it('writes Label: URL when the instance cannot render [code]', async () => {
    // Prepare
    const server = await recorder(() => ok({ sys_id: SYS_ID, u_hv_link: LINK_URL }));
    const { itsm } = adapter(server.url, { workNotesFormat: 'plain', verificationUrlField: 'u_hv_link' });

    // Act
    await itsm.addVerificationLink(SYS_ID, LINK_URL, linkNote);

    // Assess
    expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual({
      u_hv_link: LINK_URL,
      work_notes: `Helpdesk Verify: this request requires identity verification.\nSend Verification Link: ${LINK_URL}`,
    });
  });

  it('adds a note with one PATCH of work_notes only', async () => {
    // Prepare
    const server = await recorder(() => ok());
    const { itsm } = adapter(server.url);

    // Act
    await itsm.addNote(SYS_ID, { text: 'Helpdesk Verify: the requester reset their password.' });

    // Assess
    expect(server.requests[0]?.method).toBe('PATCH');
    expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual({
      work_notes: 'Helpdesk Verify: the requester reset their password.',
    });
  });

  it('resolves with state, close code, close notes and a work note', async () => {
    // Prepare
    const server = await recorder(() => ok({ sys_id: SYS_ID, state: '6', close_code: 'Solution provided' }));
    const { itsm } = adapter(server.url);

    // Act
    await itsm.resolve(SYS_ID, 'Solution provided', 'Resolved automatically by Helpdesk Verify.');

    // Assess
    expect(server.requests[0]?.query).toBe('sysparm_fields=sys_id,state,close_code');
    expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual({
      state: '6',
      close_code: 'Solution provided',
      close_notes: 'Resolved automatically by Helpdesk Verify.',
      work_notes: 'Resolved automatically by Helpdesk Verify.',
    });
  });
});

describe('ServiceNowTicketSystem checks that what it wrote stuck, and never writes a note twice', () => {
  it('reports a verification URL field the instance dropped, naming it', async () => {
    // Prepare: ServiceNow ignores a field that does not exist and still answers 200
    const server = await recorder(() => ok({ sys_id: SYS_ID }));
    const { itsm } = adapter(server.url, { verificationUrlField: 'u_verify_lnk' });

    // Act
    const error = await caught(itsm.addVerificationLink(SYS_ID, LINK_URL, linkNote));

    // Assess
    expect(error).toBeInstanceOf(TicketSystemPermanentError);
    expect(error.message).toContain('did not keep "u_verify_lnk"');
    expect(error.message).toContain('is not a field of the record');
    expect(server.requests).toHaveLength(1);
  });

  it('reports a resolve whose state did not stick', async () => {
    // Prepare: a business rule put the state back
    const server = await recorder(() => ok({ sys_id: SYS_ID, state: '2', close_code: 'Solution provided' }));
    const { itsm } = adapter(server.url);

    // Act
    const error = await caught(itsm.resolve(SYS_ID, 'Solution provided', 'Resolved.'));

    // Assess
    expect(error).toBeInstanceOf(TicketSystemPermanentError);
    expect(error.message).toContain('did not keep "state" (it reads "2")');
  });

  it('writes the marker as the last line of the note', async () => {
    // Prepare
    const server = await recorder(() => ok());
    const { itsm } = adapter(server.url);

    // Act
    await itsm.addNote(SYS_ID, { text: 'Helpdesk Verify: done.', marker: 'HV-01JD7Z8Q4V-outcome' });

    // Assess
    expect(server.requests.map((r) => r.method)).toEqual(['PATCH']);
    expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual({
      work_notes: 'Helpdesk Verify: done.\nRef: HV-01JD7Z8Q4V-outcome',
    });
  });

  it.each([
    { found: true, methods: ['GET'] },
    { found: false, methods: ['GET', 'PATCH'] },
  ])(
    'looks for the marker in the journal before a write that may have landed (found: $found)',
    async ({ found, methods }) => {
      // Prepare
      const server = await recorder((req) =>
        req.method === 'GET' ? ok(found ? [{ sys_id: 'a'.repeat(32) }] : []) : ok(),
      );
      const { itsm } = adapter(server.url);

      // Act
      await itsm.addNote(
        SYS_ID,
        { text: 'Helpdesk Verify: done.', marker: 'HV-01JD7Z8Q4V-outcome' },
        { mayExist: true },
      );

      // Assess
      expect(server.requests.map((r) => r.method)).toEqual(methods);
      const [get] = server.requests as [Recorded];
      expect(get.path).toBe('/api/now/table/sys_journal_field');
      expect(new URLSearchParams(get.query).get('sysparm_query')).toBe(
        `element_id=${SYS_ID}^element=work_notes^valueLIKEHV-01JD7Z8Q4V-outcome`,
      );
      expect(new URLSearchParams(get.query).get('sysparm_limit')).toBe('1');
    },
  );
});

describe('ServiceNowTicketSystem work-note text', () => {
  const render = (format: 'code' | 'plain', note: Parameters<ServiceNowTicketSystem['renderNote']>[0]) =>
    new ServiceNowTicketSystem(
      connection('https://acme.service-now.com', { workNotesFormat: format }),
      async () => BASIC,
    ).renderNote(note);

  it('never lets the note text open or close a [code] block', () => {
    // Act
    const text = render('code', {
      text: 'a [code]<img src=x onerror=alert(1)>[/code] b [CODE]x[/Code]',
      link: { label: 'Open [/code]<b>', url: 'https://x.example.com/a?b="c"&d=[/code]' },
    });

    // Assess
    expect(text).toBe(
      'a (code)<img src=x onerror=alert(1)>(/code) b (code)x(/code)\n' +
        '[code]<a href="https://x.example.com/a?b=&quot;c&quot;&amp;d=%5B/code%5D" target="_blank">Open (/code)&lt;b&gt;</a>[/code]',
    );
    expect(text.match(/\[code\]/gi)).toHaveLength(1);
    expect(text.match(/\[\/code\]/gi)).toHaveLength(1);
  });

  it('neutralises [code] in plain notes too', () => {
    // Act
    const text = render('plain', {
      text: '[code]<script>x</script>[/code]',
      link: { label: 'L', url: LINK_URL },
    });

    // Assess
    expect(text).toBe(`(code)<script>x</script>(/code)\nL: ${LINK_URL}`);
  });

  it('writes a non-http link as inert text, never as an <a href>', () => {
    // Act
    const text = render('code', { text: 'x', link: { label: 'Open', url: 'javascript:alert(1)' } });

    // Assess
    expect(text).toBe('x\nOpen: javascript:alert(1)');
  });
});

describe('ServiceNowTicketSystem OAuth client credentials', () => {
  function oauthServer(answer: (req: Recorded, tokens: number) => Reply | undefined = () => undefined) {
    let tokens = 0;
    return recorder((req) => {
      if (req.path === '/oauth_token.do') {
        tokens += 1;
        return {
          status: 200,
          body: {
            access_token: `tok${tokens}`,
            scope: 'useraccount',
            token_type: 'Bearer',
            expires_in: 1799,
          },
        };
      }
      return answer(req, tokens) ?? ok();
    });
  }

  it('requests a token with the form-encoded client credentials grant, then uses it as a bearer', async () => {
    // Prepare
    const server = await oauthServer();
    const { itsm } = adapter(server.url, { outboundAuth: 'oauth' });

    // Act
    await itsm.addNote(SYS_ID, { text: 'n' });

    // Assess
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /oauth_token.do',
      `PATCH /api/now/table/incident/${SYS_ID}`,
    ]);
    const [token, patch] = server.requests as [Recorded, Recorded];
    expect(token.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(token.headers.accept).toBe('application/json');
    expect(token.headers.authorization).toBeUndefined();
    expect(token.body).toBe(
      'grant_type=client_credentials&client_id=hv-client&client_secret=cl1ent%26secret%3D',
    );
    expect(patch.headers.authorization).toBe('Bearer tok1');
  });

  it('reuses the token across calls and adapter instances until shortly before it expires', async () => {
    // Prepare
    const server = await oauthServer();
    let clock = 1_700_000_000_000;
    const first = adapter(server.url, { outboundAuth: 'oauth' }, { now: () => clock }).itsm;
    const second = adapter(server.url, { outboundAuth: 'oauth' }, { now: () => clock }).itsm;

    // Act
    await first.addNote(SYS_ID, { text: '1' });
    await second.addNote(SYS_ID, { text: '2' });
    clock += (1799 - 61) * 1000;
    await first.addNote(SYS_ID, { text: '3' });
    clock += 2_000;
    await first.addNote(SYS_ID, { text: '4' });

    // Assess
    expect(server.requests.filter((r) => r.path === '/oauth_token.do')).toHaveLength(2);
    expect(server.requests.filter((r) => r.method === 'PATCH').map((r) => r.headers.authorization)).toEqual([
      'Bearer tok1',
      'Bearer tok1',
      'Bearer tok1',
      'Bearer tok2',
    ]);
  });

  it('fetches a new token once when the instance answers 401, and retries with it', async () => {
    // Prepare
    const server = await oauthServer((req) =>
      req.headers.authorization === 'Bearer tok1' ? failure(401, 'User Not Authenticated') : undefined,
    );
    const { itsm } = adapter(server.url, { outboundAuth: 'oauth' });

    // Act
    await itsm.addNote(SYS_ID, { text: 'n' });
    await itsm.addNote(SYS_ID, { text: 'm' });

    // Assess
    expect(server.requests.map((r) => `${r.method} ${r.path} ${r.headers.authorization ?? ''}`)).toEqual([
      'POST /oauth_token.do ',
      `PATCH /api/now/table/incident/${SYS_ID} Bearer tok1`,
      'POST /oauth_token.do ',
      `PATCH /api/now/table/incident/${SYS_ID} Bearer tok2`,
      `PATCH /api/now/table/incident/${SYS_ID} Bearer tok2`,
    ]);
  });

  it('gives up after one refresh: a second 401 is permanent', async () => {
    // Prepare
    const server = await oauthServer(() =>
      failure(401, 'User Not Authenticated', 'Required to provide Auth information'),
    );
    const { itsm } = adapter(server.url, { outboundAuth: 'oauth' });

    // Act
    const error = await caught(itsm.getTicket(SYS_ID));

    // Assess
    expect(error).toBeInstanceOf(TicketSystemPermanentError);
    expect((error as TicketSystemPermanentError).status).toBe(401);
    expect(error.message).toContain('OAuth client id and secret');
    expect(server.requests.filter((r) => r.path === '/oauth_token.do')).toHaveLength(2);
    expect(error.message).not.toContain('cl1ent&secret=');
  });

  it('a refused token request is permanent and names the property to check, without the secret', async () => {
    // Prepare
    const server = await recorder(() => ({
      status: 401,
      body: { error: 'server_error', error_description: 'access_denied' },
    }));
    const { itsm } = adapter(server.url, { outboundAuth: 'oauth' });

    // Act
    const error = await caught(itsm.getTicket(SYS_ID));

    // Assess
    expect(error).toBeInstanceOf(TicketSystemPermanentError);
    expect(error.message).toContain('glide.oauth.inbound.client.credential.grant_type.enabled');
    expect(error.message).not.toContain('cl1ent');
    expect(server.requests).toHaveLength(1);
  });

  it('refuses OAuth credentials that are not {"clientId","clientSecret"} without echoing them', async () => {
    // Prepare
    const server = await recorder(() => ok());
    const { itsm } = adapter(server.url, { outboundAuth: 'oauth' }, { secret: 'hv-client:cl1ent-secret' });

    // Act
    const error = await caught(itsm.getTicket(SYS_ID));

    // Assess
    expect(error).toBeInstanceOf(TicketSystemPermanentError);
    expect(error.message).not.toContain('cl1ent-secret');
    expect(server.requests).toHaveLength(0);
  });
});

describe('ServiceNowTicketSystem failures', () => {
  it.each([
    [401, 'User Not Authenticated', 'Required to provide Auth information'],
    [403, 'Operation Failed', 'ACL Exception Update Failed due to security constraints'],
  ])(
    '%i is permanent and says which roles the integration user needs, without the password',
    async (status, message, detail) => {
      // Prepare
      const server = await recorder(() => failure(status, message, detail));
      const { itsm } = adapter(server.url);

      // Act
      const error = await caught(itsm.addNote(SYS_ID, { text: 'n' }));

      // Assess
      expect(error).toBeInstanceOf(TicketSystemPermanentError);
      expect(error.name).toBe('TicketSystemPermanentError');
      expect((error as TicketSystemPermanentError).status).toBe(status);
      expect(error.message).toContain(message);
      expect(error.message).toContain('itil role');
      expect(error.message).toContain('snc_platform_rest_api_access');
      expect(error.message).toContain('incident.work_notes');
      expect(error.message).not.toContain('s3cret');
      expect(error.message).not.toContain(BASIC_HEADER.slice(6));
      expect(server.requests).toHaveLength(1);
    },
  );

  it('a 403 data policy exception says so instead of blaming roles', async () => {
    // Prepare
    const server = await recorder(() =>
      failure(
        403,
        'Operation Failed',
        'Data Policy Exception: \n\tThe following fields are mandatory: Resolution code\n',
      ),
    );
    const { itsm } = adapter(server.url);

    // Act
    const error = await caught(itsm.resolve(SYS_ID, '', 'notes'));

    // Assess
    expect(error).toBeInstanceOf(TicketSystemPermanentError);
    expect((error as TicketSystemPermanentError).status).toBe(403);
    expect(error.message).toContain('Data Policy Exception');
    expect(error.message).toContain('data policy refused the update');
    expect(error.message).not.toContain('itil');
  });

  it('404 is permanent with status 404', async () => {
    // Prepare
    const server = await recorder(() =>
      failure(404, 'No Record found', "Record doesn't exist or ACL restricts the record retrieval"),
    );
    const { itsm } = adapter(server.url);

    // Act
    const error = await caught(itsm.getTicket(SYS_ID));

    // Assess
    expect(error).toBeInstanceOf(TicketSystemPermanentError);
    expect((error as TicketSystemPermanentError).status).toBe(404);
    expect(error.message).toContain('No Record found');
    expect(error.message).toContain('ticket not found');
  });

  it('400 is permanent with status 400', async () => {
    // Prepare
    const server = await recorder(() =>
      failure(400, 'Exception while reading request', 'The payload is not valid JSON.'),
    );
    const { itsm } = adapter(server.url);

    // Act
    const error = await caught(itsm.addNote(SYS_ID, { text: 'n' }));

    // Assess
    expect(error).toBeInstanceOf(TicketSystemPermanentError);
    expect((error as TicketSystemPermanentError).status).toBe(400);
  });

  it('waits out a 429 with a short Retry-After once, and succeeds', async () => {
    // Prepare
    const server = await recorder((_req, i) =>
      i === 0 ? { ...failure(429, 'Rate limit exceeded'), headers: { 'retry-after': '3' } } : ok(),
    );
    const { itsm, sleeps } = adapter(server.url);

    // Act
    await itsm.addNote(SYS_ID, { text: 'n' });

    // Assess
    expect(sleeps).toEqual([3000]);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]?.body).toBe(server.requests[0]?.body);
  });

  it('a second short 429 goes back to the state machine as retryable', async () => {
    // Prepare
    const server = await recorder(() => ({
      ...failure(429, 'Rate limit exceeded'),
      headers: { 'retry-after': '2' },
    }));
    const { itsm, sleeps } = adapter(server.url);

    // Act
    const error = await caught(itsm.getTicket(SYS_ID));

    // Assess
    expect(error).toBeInstanceOf(TicketSystemRetryableError);
    expect((error as TicketSystemRetryableError).retryAfterSeconds).toBe(2);
    expect(sleeps).toEqual([2000]);
    expect(server.requests).toHaveLength(2);
  });

  it.each([
    ['120', 120],
    [undefined, undefined],
  ])('a 429 with Retry-After %s is retryable at once, carrying it', async (header, seconds) => {
    // Prepare
    const server = await recorder(() => ({
      ...failure(429, 'Rate limit exceeded'),
      headers: header ? { 'retry-after': header } : ({} as Record<string, string>),
    }));
    const { itsm, sleeps } = adapter(server.url);

    // Act
    const error = await caught(itsm.getTicket(SYS_ID));

    // Assess
    expect(error).toBeInstanceOf(TicketSystemRetryableError);
    expect(error.name).toBe('TicketSystemRetryableError');
    expect((error as TicketSystemRetryableError).retryAfterSeconds).toBe(seconds);
    expect(sleeps).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it.each([500, 502, 503])('%i is retryable', async (status) => {
    // Prepare
    const server = await recorder(() => failure(status, 'Service Unavailable'));
    const { itsm } = adapter(server.url);

    // Act
    const error = await caught(itsm.resolve(SYS_ID, 'Solution provided', 'n'));

    // Assess
    expect(error).toBeInstanceOf(TicketSystemRetryableError);
    expect(server.requests).toHaveLength(1);
  });

  it('a timeout is retryable', async () => {
    // Prepare
    const server = await recorder(() => 'hang');
    const { itsm } = adapter(server.url, {}, { timeoutMs: 100 });

    // Act
    const error = await caught(itsm.getTicket(SYS_ID));

    // Assess
    expect(error).toBeInstanceOf(TicketSystemRetryableError);
    expect(error.message).toContain('unreachable');
  });

  it('a refused connection is retryable', async () => {
    // Prepare
    const port = await freePort();
    const { itsm } = adapter(`http://127.0.0.1:${port}`);

    // Act
    const error = await caught(itsm.addNote(SYS_ID, { text: 'n' }));

    // Assess
    expect(error).toBeInstanceOf(TicketSystemRetryableError);
    expect(error.message).not.toContain('s3cret');
  });

  it('refuses Basic credentials without a colon without echoing them', async () => {
    // Prepare
    const server = await recorder(() => ok());
    const { itsm } = adapter(server.url, {}, { secret: 'just-a-s3cret' });

    // Act
    const error = await caught(itsm.getTicket(SYS_ID));

    // Assess
    expect(error).toBeInstanceOf(TicketSystemPermanentError);
    expect(error.message).not.toContain('just-a-s3cret');
    expect(server.requests).toHaveLength(0);
  });
});

describe('ticketCameInSignedIn', () => {
  it('tells tickets the person opened signed in from ones an agent logged or an email raised', () => {
    expect(ticketCameInSignedIn('self-service', '', 'zoe@example.com')).toBe(true);
    expect(ticketCameInSignedIn('', 'Zoe@example.com', 'zoe@example.com')).toBe(true);
    expect(ticketCameInSignedIn('phone', 'agent@example.com', 'zoe@example.com')).toBe(false);
    // An inbound email is opened "by" whoever the From header names: anyone can send it.
    expect(ticketCameInSignedIn('email', 'zoe@example.com', 'zoe@example.com')).toBe(false);
    expect(ticketCameInSignedIn('', '', 'zoe@example.com')).toBeUndefined();
  });
});

describe('ServiceNowTicketSystem recentTickets', () => {
  const SINCE = new Date('2026-08-23T09:30:00.000Z');
  const record = (number: string, subject: string, openedAt: string) => ({
    number,
    short_description: subject,
    opened_at: openedAt,
  });

  it("asks for the requester's own tickets with one bounded GET and maps them newest first", async () => {
    // Prepare
    const server = await recorder(() =>
      ok([
        record('INC0010007', 'VPN drops every hour', '2026-11-02 14:05:09'),
        record('INC0010003', 'New laptop for the office move', '2026-09-15 08:00:00'),
      ]),
    );
    const { itsm, sleeps } = adapter(server.url);

    // Act
    const tickets = await itsm.recentTickets({
      requesterEmail: 'zoe.martin@example.com',
      excludeTicketId: SYS_ID,
      since: SINCE,
      limit: 5,
    });

    // Assess
    expect(server.requests).toHaveLength(1);
    const [req] = server.requests as [Recorded];
    expect(req.method).toBe('GET');
    expect(req.path).toBe('/api/now/table/incident');
    expect(req.query).toBe(
      [
        `sysparm_query=${encodeURIComponent(
          `opened_at>=2026-08-23 09:30:00^caller_id.email=zoe.martin@example.com^sys_id!=${SYS_ID}^ORDERBYDESCopened_at`,
        )}`,
        'sysparm_fields=number,short_description,opened_at,contact_type,opened_by.email,caller_id.email',
        'sysparm_limit=5',
        'sysparm_display_value=false',
        'sysparm_exclude_reference_link=true',
        'sysparm_no_count=true',
      ].join('&'),
    );
    expect(new URLSearchParams(req.query).get('sysparm_query')).toBe(
      `opened_at>=2026-08-23 09:30:00^caller_id.email=zoe.martin@example.com^sys_id!=${SYS_ID}^ORDERBYDESCopened_at`,
    );
    expect(req.headers.authorization).toBe(BASIC_HEADER);
    expect(req.headers.accept).toBe('application/json');
    expect(req.body).toBe('');
    expect(sleeps).toEqual([]);
    expect(tickets).toEqual([
      { number: 'INC0010007', subject: 'VPN drops every hour', openedAt: '2026-11-02T14:05:09.000Z' },
      {
        number: 'INC0010003',
        subject: 'New laptop for the office move',
        openedAt: '2026-09-15T08:00:00.000Z',
      },
    ]);
  });

  it("asks for other people's tickets (decoys) on the configured table and requester field, limit at most 20", async () => {
    // Prepare
    const server = await recorder(() => ok([]));
    const { itsm } = adapter(server.url, { table: 'sc_task', requesterEmailField: 'requested_for.email' });

    // Act
    const tickets = await itsm.recentTickets({
      excludeRequesterEmail: 'Zoe.Martin@example.com',
      since: SINCE,
      limit: 500,
    });

    // Assess
    expect(tickets).toEqual([]);
    const [req] = server.requests as [Recorded];
    expect(req.path).toBe('/api/now/table/sc_task');
    const query = new URLSearchParams(req.query);
    expect(query.get('sysparm_query')).toBe(
      'opened_at>=2026-08-23 09:30:00^requested_for.email!=Zoe.Martin@example.com^ORDERBYDESCopened_at',
    );
    expect(query.get('sysparm_limit')).toBe('20');
  });

  it('keeps at most the limit, and drops records without a number, a subject or a readable opened_at', async () => {
    // Prepare
    const server = await recorder(() =>
      ok([
        record('INC1', 'Printer jam', '2026-11-02 14:05:09'),
        record('', 'No number', '2026-11-01 10:00:00'),
        record('INC2', '  ', '2026-11-01 10:00:00'),
        record('INC3', 'Odd date', '02/11/2026 10:00'),
        record('INC4', 'Impossible date', '2026-13-45 99:00:00'),
        'not a record',
        record('INC5', 'Second', '2026-10-30 09:00:00'),
        record('INC6', 'Over the limit', '2026-10-29 09:00:00'),
      ]),
    );
    const { itsm } = adapter(server.url);

    // Act
    const tickets = await itsm.recentTickets({ requesterEmail: 'a@example.com', since: SINCE, limit: 2 });

    // Assess
    expect(tickets.map((t) => t.number)).toEqual(['INC1', 'INC5']);
  });

  it('makes no request for a limit under 1', async () => {
    // Prepare
    const server = await recorder(() => ok([]));
    const { itsm } = adapter(server.url);

    // Act
    const tickets = await itsm.recentTickets({ requesterEmail: 'a@example.com', since: SINCE, limit: 0 });

    // Assess
    expect(tickets).toEqual([]);
    expect(server.requests).toHaveLength(0);
  });

  it.each([
    ['a caret (a second condition)', 'zoe@example.com^ORactive=true'],
    ['a caret to start a new query', 'x@example.com^NQsys_id!=0'],
    ['an operator', 'a!=b@example.com'],
    ['a script', 'javascript:gs.getUserID()@example.com'],
    ['spaces', 'zoe martin@example.com'],
    ['no domain', 'zoe.martin'],
  ])('refuses an email with %s before any request, without echoing it', async (_what, email) => {
    // Prepare
    const server = await recorder(() => ok([]));
    const { itsm } = adapter(server.url);

    // Act
    const own = await caught(itsm.recentTickets({ requesterEmail: email, since: SINCE, limit: 5 }));
    const decoys = await caught(itsm.recentTickets({ excludeRequesterEmail: email, since: SINCE, limit: 5 }));

    // Assess
    for (const error of [own, decoys]) {
      expect(error).toBeInstanceOf(TicketSystemPermanentError);
      expect((error as TicketSystemPermanentError).status).toBe(400);
      expect(error.message).not.toContain(email);
    }
    expect(server.requests).toHaveLength(0);
  });

  it('refuses a ticket id that is not a sys_id, an invalid since and a requester field that is not a field name', async () => {
    // Prepare
    const server = await recorder(() => ok([]));
    const { itsm } = adapter(server.url);
    const { itsm: misconfigured } = adapter(server.url, {
      requesterEmailField: 'caller_id.email^ORactive=true',
    });

    // Act
    const badId = await caught(
      itsm.recentTickets({ excludeTicketId: `${SYS_ID}^ORactive=true`, since: SINCE, limit: 5 }),
    );
    const badSince = await caught(itsm.recentTickets({ since: new Date('nope'), limit: 5 }));
    const badField = await caught(
      misconfigured.recentTickets({ requesterEmail: 'a@example.com', since: SINCE, limit: 5 }),
    );

    // Assess
    for (const error of [badId, badSince, badField]) {
      expect(error).toBeInstanceOf(TicketSystemPermanentError);
      expect((error as TicketSystemPermanentError).status).toBe(400);
    }
    expect(server.requests).toHaveLength(0);
  });

  it('a 429 is retryable at once, without waiting in-process (someone is waiting)', async () => {
    // Prepare
    const server = await recorder(() => ({
      ...failure(429, 'Rate limit exceeded'),
      headers: { 'retry-after': '1' },
    }));
    const { itsm, sleeps } = adapter(server.url);

    // Act
    const error = await caught(
      itsm.recentTickets({ requesterEmail: 'a@example.com', since: SINCE, limit: 5 }),
    );

    // Assess
    expect(error).toBeInstanceOf(TicketSystemRetryableError);
    expect((error as TicketSystemRetryableError).retryAfterSeconds).toBe(1);
    expect(server.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it.each([500, 503])('%i is retryable', async (status) => {
    // Prepare
    const server = await recorder(() => failure(status, 'Service Unavailable'));
    const { itsm } = adapter(server.url);

    // Act
    const error = await caught(
      itsm.recentTickets({ requesterEmail: 'a@example.com', since: SINCE, limit: 5 }),
    );

    // Assess
    expect(error).toBeInstanceOf(TicketSystemRetryableError);
    expect(server.requests).toHaveLength(1);
  });

  it('403 is permanent and names the read access needed', async () => {
    // Prepare
    const server = await recorder(() => failure(403, 'Operation Failed', 'ACL Exception'));
    const { itsm } = adapter(server.url);

    // Act
    const error = await caught(
      itsm.recentTickets({ requesterEmail: 'a@example.com', since: SINCE, limit: 5 }),
    );

    // Assess
    expect(error).toBeInstanceOf(TicketSystemPermanentError);
    expect(error.message).toContain('read access to incident and caller_id.email');
    expect(error.message).not.toContain('a@example.com');
  });

  it('an answer that is not a list of records is permanent', async () => {
    // Prepare
    const server = await recorder(() => ok({ sys_id: SYS_ID }));
    const { itsm } = adapter(server.url);

    // Act
    const error = await caught(
      itsm.recentTickets({ requesterEmail: 'a@example.com', since: SINCE, limit: 5 }),
    );

    // Assess
    expect(error).toBeInstanceOf(TicketSystemPermanentError);
    expect(error.message).toContain('without a list of records');
  });

  it('uses its own short timeout: a hanging instance is retryable', async () => {
    // Prepare
    const server = await recorder(() => 'hang');
    const itsm = new ServiceNowTicketSystem(connection(server.url), async () => BASIC, {
      timeoutMs: 60_000,
      lookupTimeoutMs: 100,
    });

    // Act
    const error = await caught(
      itsm.recentTickets({ requesterEmail: 'a@example.com', since: SINCE, limit: 5 }),
    );

    // Assess
    expect(error).toBeInstanceOf(TicketSystemRetryableError);
    expect(error.message).toContain('unreachable (TimeoutError)');
  });

  it('with OAuth, sends the bearer token', async () => {
    // Prepare
    const server = await recorder((req) =>
      req.path === '/oauth_token.do'
        ? { status: 200, body: { access_token: 'tok-recent', expires_in: 1799, token_type: 'Bearer' } }
        : ok([]),
    );
    const { itsm } = adapter(server.url, { outboundAuth: 'oauth' });

    // Act
    await itsm.recentTickets({ requesterEmail: 'a@example.com', since: SINCE, limit: 5 });

    // Assess
    expect(server.requests.map((r) => r.path)).toEqual(['/oauth_token.do', '/api/now/table/incident']);
    expect(server.requests[1]?.headers.authorization).toBe('Bearer tok-recent');
  });
});

describe('ServiceNowSimulator with the adapter', () => {
  async function simulator(options: Partial<ConstructorParameters<typeof ServiceNowSimulator>[0]> = {}) {
    const sim = new ServiceNowSimulator({
      credentials: BASIC,
      webhookBaseUrl: 'http://127.0.0.1:9/webhooks',
      webhookSecret: () => WEBHOOK_SECRET,
      defaultConnectionId: 'acme-sn',
      retryDelaysMs: [],
      ...options,
    });
    simulators.push(sim);
    const url = await sim.listen(0);
    return { sim, url };
  }

  const open = (sim: ServiceNowSimulator) =>
    sim.open(
      { category: 'password_reset', subject: 'Locked out', requesterEmail: 'Zoe.Martin@example.com' },
      { deliver: false },
    );

  it('reports a verification URL field the instance does not have, instead of success', async () => {
    // Prepare: the simulator, like ServiceNow, ignores fields it does not have and answers 200
    const { sim, url } = await simulator();
    const incident = open(sim);
    const { itsm } = adapter(url, { verificationUrlField: 'u_verify_lnk' });

    // Act
    const error = await caught(itsm.addVerificationLink(incident.id, LINK_URL, linkNote));

    // Assess
    expect(error).toBeInstanceOf(TicketSystemPermanentError);
    expect(error.message).toContain('did not keep "u_verify_lnk"');
    expect(sim.get(incident.id)?.verificationUrl).toBeUndefined();
  });

  it('writes no note twice when a PATCH was held past the client timeout and the write is repeated', async () => {
    // Prepare: the first PATCH lands but its answer comes after the adapter gave up
    const { sim, url } = await simulator({ slowAnswerMs: 800 });
    const incident = open(sim);
    const { itsm } = adapter(url, {}, { timeoutMs: 300 });
    const note = { text: 'Helpdesk Verify: identity verification Passed.', marker: 'HV-01JD7Z8Q4V-outcome' };
    sim.setFaults({ writes: { mode: 'slow', remaining: 1 } });

    // Act
    const first = await caught(itsm.addNote(incident.id, note));
    await itsm.addNote(incident.id, note, { mayExist: true });
    await new Promise((resolve) => setTimeout(resolve, 900));

    // Assess
    expect(first).toBeInstanceOf(TicketSystemRetryableError);
    const written = sim.get(incident.id)?.notes.map((n) => n.text) ?? [];
    expect(written).toEqual(['Helpdesk Verify: identity verification Passed.\nRef: HV-01JD7Z8Q4V-outcome']);
    expect(sim.calls.map((c) => `${c.method} ${c.id} ${c.status}`)).toEqual([
      `PATCH ${incident.id} 200`,
      'GET (query) 200',
    ]);
  });

  it('reads, links, notes and resolves an incident; notes accumulate as a journal', async () => {
    // Prepare
    const { sim, url } = await simulator();
    const incident = open(sim);
    const { itsm } = adapter(url);

    // Act
    const ticket = await itsm.getTicket(incident.id);
    await itsm.addVerificationLink(incident.id, LINK_URL, linkNote);
    await itsm.addNote(incident.id, { text: 'Helpdesk Verify: identity verification Passed.' });
    await itsm.resolve(incident.id, 'Solution provided', 'Resolved automatically by Helpdesk Verify.');

    // Assess
    expect(incident.id).toMatch(/^[0-9a-f]{32}$/);
    expect(ticket).toEqual({
      connectionId: 'acme-sn',
      ticketId: incident.id,
      number: 'INC0010001',
      category: 'password_reset',
      subject: 'Locked out',
      description: '',
      requesterEmail: 'Zoe.Martin@example.com',
      state: '1',
    });
    const stored = sim.get(incident.id);
    expect(stored?.verificationUrl).toBe(LINK_URL);
    expect(stored?.state).toBe('6');
    expect(stored?.closeCode).toBe('Solution provided');
    expect(stored?.notes.map((n) => n.text)).toEqual([
      itsm.renderNote(linkNote),
      'Helpdesk Verify: identity verification Passed.',
      'Resolved automatically by Helpdesk Verify.',
    ]);
    expect(sim.calls.map((c) => `${c.method} ${c.status}`)).toEqual([
      'GET 200',
      'PATCH 200',
      'PATCH 200',
      'PATCH 200',
    ]);
  });

  it('answers like the Table API: result wrapper, dot-walking, journals not readable as values', async () => {
    // Prepare
    const { sim, url } = await simulator();
    const incident = open(sim);
    await adapter(url).itsm.addNote(incident.id, { text: 'secret-ish note' });
    const get = (query: string) =>
      fetch(`${url}/api/now/table/incident/${incident.id}?${query}`, {
        headers: { authorization: BASIC_HEADER, accept: 'application/json' },
      }).then((r) => r.json() as Promise<{ result: Record<string, unknown> }>);

    // Act
    const plain = await get('sysparm_fields=number,work_notes,caller_id,caller_id.email,caller_id.name,nope');
    const linked = await get('sysparm_fields=caller_id');
    const display = await get(
      'sysparm_fields=state,category,caller_id&sysparm_display_value=true&sysparm_exclude_reference_link=true',
    );
    const everything = await get('');

    // Assess
    const callerId = incident.callerId;
    expect(plain.result).toEqual({
      number: 'INC0010001',
      work_notes: '',
      caller_id: { link: `${url}/api/now/table/sys_user/${callerId}`, value: callerId },
      'caller_id.email': 'Zoe.Martin@example.com',
      'caller_id.name': 'Zoe Martin',
    });
    expect(linked.result.caller_id).toEqual({
      link: `${url}/api/now/table/sys_user/${callerId}`,
      value: callerId,
    });
    expect(display.result).toEqual({ state: 'New', category: 'Password Reset', caller_id: 'Zoe Martin' });
    expect(everything.result).toMatchObject({ sys_id: incident.id, u_verification: '', work_notes: '' });
    expect(JSON.stringify(everything)).not.toContain('secret-ish note');
  });

  it('refuses to resolve without close code and notes, as the incident data policy does', async () => {
    // Prepare
    const { sim, url } = await simulator();
    const incident = open(sim);

    // Act
    const raw = await fetch(`${url}/api/now/table/incident/${incident.id}`, {
      method: 'PATCH',
      headers: { authorization: BASIC_HEADER, 'content-type': 'application/json' },
      body: JSON.stringify({ state: '6', work_notes: 'closing' }),
    });
    const viaAdapter = await caught(adapter(url).itsm.resolve(incident.id, '', 'Resolved.'));

    // Assess
    expect(raw.status).toBe(403);
    expect(await raw.json()).toEqual({
      error: {
        message: 'Operation Failed',
        detail:
          'Data Policy Exception: \n\tThe following fields are mandatory: Resolution code, Resolution notes\n',
      },
      status: 'failure',
    });
    expect(viaAdapter).toBeInstanceOf(TicketSystemPermanentError);
    expect(viaAdapter.message).toContain('Resolution code');
    expect(sim.get(incident.id)?.state).toBe('1');
    expect(sim.get(incident.id)?.notes).toEqual([]);
  });

  it('answers the documented errors: 404 unknown sys_id, 400 invalid JSON, 401 bad credentials', async () => {
    // Prepare
    const { sim, url } = await simulator();
    const incident = open(sim);
    const unknown = 'f'.repeat(32);

    // Act
    const missing = await caught(adapter(url).itsm.getTicket(unknown));
    const badJson = await fetch(`${url}/api/now/table/incident/${incident.id}`, {
      method: 'PATCH',
      headers: { authorization: BASIC_HEADER, 'content-type': 'application/json' },
      body: '{"work_notes": ',
    });
    const badAuth = await caught(
      adapter(url, {}, { secret: 'svc.helpdesk-verify:wrong' }).itsm.getTicket(incident.id),
    );

    // Assess
    expect((missing as TicketSystemPermanentError).status).toBe(404);
    expect(missing.message).toContain("Record doesn't exist or ACL restricts the record retrieval");
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toEqual({
      error: { message: 'Exception while reading request', detail: 'The payload is not valid JSON.' },
      status: 'failure',
    });
    expect((badAuth as TicketSystemPermanentError).status).toBe(401);
    expect(badAuth.message).toContain('User Not Authenticated');
  });

  it('injects faults like the desk: a rate limit is waited out, unavailability is retryable', async () => {
    // Prepare
    const { sim, url } = await simulator();
    const incident = open(sim);
    const { itsm, sleeps } = adapter(url);

    // Act
    sim.setFaults({ reads: { mode: 'rate_limited', remaining: 1 } });
    const ticket = await itsm.getTicket(incident.id);
    sim.setFaults({ writes: { mode: 'unavailable', remaining: 1 } });
    const down = await caught(itsm.addNote(incident.id, { text: 'n' }));

    // Assess
    expect(ticket.number).toBe('INC0010001');
    expect(sleeps).toEqual([1000]);
    expect(down).toBeInstanceOf(TicketSystemRetryableError);
    expect(sim.calls.map((c) => `${c.method} ${c.status}`)).toEqual(['GET 429', 'GET 200', 'PATCH 503']);
  });

  it('issues OAuth tokens and refuses them once revoked; the adapter refreshes', async () => {
    // Prepare
    const client = { clientId: 'hv-client', clientSecret: 'cl1ent&secret=' };
    const { sim, url } = await simulator({ oauthClient: client });
    const incident = open(sim);
    const { itsm } = adapter(url, { outboundAuth: 'oauth' });

    // Act
    await itsm.addNote(incident.id, { text: 'one' });
    sim.revokeTokens();
    await itsm.addNote(incident.id, { text: 'two' });
    const wrongClient = await caught(
      adapter(
        url,
        { outboundAuth: 'oauth' },
        { secret: JSON.stringify({ ...client, clientSecret: 'x' }) },
      ).itsm.getTicket(incident.id),
    );

    // Assess
    expect(sim.get(incident.id)?.notes.map((n) => n.text)).toEqual(['one', 'two']);
    expect(sim.calls.map((c) => `${c.method} ${c.status}`)).toEqual(['PATCH 200', 'PATCH 200']);
    expect(wrongClient).toBeInstanceOf(TicketSystemPermanentError);
    expect((wrongClient as TicketSystemPermanentError).status).toBe(401);
  });

  it("answers recent-ticket queries: the requester's own or everyone else's, since a date, newest first", async () => {
    // Prepare
    const { sim, url } = await simulator();
    const at = (iso: string) => ({ deliver: false, openedAt: new Date(iso) });
    const ticket = (subject: string, requesterEmail: string) => ({
      category: 'inquiry',
      subject,
      requesterEmail,
    });
    sim.open(ticket('Too old', 'zoe.martin@example.com'), at('2026-01-10T09:00:00Z'));
    const vpn = sim.open(ticket('VPN drops', 'zoe.martin@example.com'), at('2026-10-01T09:00:00Z'));
    sim.open(ticket('Printer jam', 'sam.lee@example.com'), at('2026-10-05T09:00:00Z'));
    sim.open(ticket('Laptop battery', 'zoe.martin@example.com'), at('2026-10-20T09:00:00Z'));
    sim.open(ticket('Teams audio', 'ana.ruiz@example.com'), at('2026-11-01T09:00:00Z'));
    const current = sim.open(ticket('Locked out', 'Zoe.Martin@example.com'), at('2026-11-20T09:00:00Z'));
    const { itsm } = adapter(url);
    const since = new Date('2026-08-23T00:00:00Z');

    // Act
    const own = await itsm.recentTickets({
      requesterEmail: 'ZOE.MARTIN@example.com',
      excludeTicketId: current.id,
      since,
      limit: 20,
    });
    const decoys = await itsm.recentTickets({
      excludeRequesterEmail: 'zoe.martin@example.com',
      since,
      limit: 1,
    });
    sim.setFaults({ reads: { mode: 'unavailable', remaining: 1 } });
    const down = await caught(
      itsm.recentTickets({ requesterEmail: 'zoe.martin@example.com', since, limit: 5 }),
    );
    const unsupported = await fetch(
      `${url}/api/now/table/incident?sysparm_query=${encodeURIComponent('short_descriptionSTARTSWITHvpn')}`,
      { headers: { authorization: BASIC_HEADER } },
    );
    const unknownField = await fetch(`${url}/api/now/table/incident?sysparm_query=u_nope=1`, {
      headers: { authorization: BASIC_HEADER },
    }).then((r) => r.json());

    // Assess
    expect(own).toMatchObject([
      { number: 'INC0010004', subject: 'Laptop battery', openedAt: '2026-10-20T09:00:00.000Z' },
      { number: vpn.number, subject: 'VPN drops', openedAt: '2026-10-01T09:00:00.000Z' },
    ]);
    expect(own.map((t) => t.requester)).toEqual(['zoe.martin@example.com', 'zoe.martin@example.com']);
    expect(decoys).toMatchObject([
      { number: 'INC0010005', subject: 'Teams audio', openedAt: '2026-11-01T09:00:00.000Z' },
    ]);
    expect(down).toBeInstanceOf(TicketSystemRetryableError);
    expect(unsupported.status).toBe(400);
    expect(unknownField).toEqual({ result: [] });
    expect(sim.calls.map((c) => `${c.method} ${c.id} ${c.status}`)).toEqual([
      'GET (query) 200',
      'GET (query) 200',
      'GET (query) 503',
      'GET (query) 400',
      'GET (query) 200',
    ]);
  });
});

describe('ServiceNowSimulator webhook', () => {
  it('delivers what the business rule sends, signed, retrying a 5xx', async () => {
    // Prepare
    const received = await recorder((_req, i) => (i === 0 ? { status: 503 } : { status: 202, body: {} }));
    const sim = new ServiceNowSimulator({
      credentials: BASIC,
      webhookBaseUrl: `${received.url}/webhooks`,
      webhookSecret: (id) => `${WEBHOOK_SECRET}:${id}`,
      defaultConnectionId: 'acme-sn',
      retryDelaysMs: [10],
    });
    simulators.push(sim);
    await sim.listen(0);

    // Act
    const incident = sim.open({
      category: 'password_reset',
      subject: 'Locked out',
      requesterEmail: 'zoe.martin@example.com',
      connectionId: 'acme-sn-2',
    });
    await sim.stop();

    // Assess
    expect(received.requests).toHaveLength(2);
    for (const req of received.requests) {
      expect(req.method).toBe('POST');
      expect(req.path).toBe('/webhooks/acme-sn-2');
      expect(req.headers['content-type']).toBe('application/json');
      expect(JSON.parse(req.body)).toEqual({
        table: 'incident',
        sys_id: incident.id,
        number: incident.number,
        operation: 'insert',
      });
      const signature = req.headers['x-helpdesk-verify-signature'] as string;
      expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      expect(verifyWebhook(signature, req.body, [`${WEBHOOK_SECRET}:acme-sn-2`], new Date())).toEqual({
        ok: true,
      });
      expect(verifyWebhook(signature, req.body, [WEBHOOK_SECRET], new Date()).ok).toBe(false);
    }
    expect(sim.get(incident.id)?.webhook.deliveries.map((d) => d.status)).toEqual([503, 202]);
  });
});

describe('the shipped business-rule script', () => {
  const script = readFileSync(
    new URL('../../../integrations/servicenow/helpdesk-verify-business-rule.js', import.meta.url),
    'utf8',
  );

  /** Runs the script as ServiceNow would, with the Glide APIs it uses played by Node. */
  function run(properties: Record<string, string>, statuses: number[], number = 'INC0010001') {
    const sent: { endpoint: string; method: string; headers: Record<string, string>; body: string }[] = [];
    const logs: string[] = [];
    const sleeps: number[] = [];
    const keysSeen: string[] = [];
    class RESTMessageV2 {
      private readonly message = {
        endpoint: '',
        method: '',
        headers: {} as Record<string, string>,
        body: '',
      };
      setEndpoint(url: string) {
        this.message.endpoint = url;
      }
      setHttpMethod(m: string) {
        this.message.method = m;
      }
      setRequestHeader(name: string, value: string) {
        this.message.headers[name] = value;
      }
      setRequestBody(body: string) {
        this.message.body = body;
      }
      setHttpTimeout() {}
      executeAsync() {
        sent.push(this.message);
        const status = statuses[sent.length - 1] ?? 200;
        return { waitForResponse() {}, getStatusCode: () => status };
      }
    }
    const sandbox = {
      current: {
        getTableName: () => 'incident',
        getUniqueValue: () => SYS_ID,
        getValue: (f: string) => (f === 'number' ? number : ''),
      },
      previous: null,
      gs: {
        getProperty: (name: string, fallback: string) => properties[name] ?? fallback,
        error: (m: string) => logs.push(`error ${m}`),
        warn: (m: string) => logs.push(`warn ${m}`),
        sleep: (ms: number) => sleeps.push(ms),
      },
      GlideStringUtil: { base64Encode: (s: string) => Buffer.from(s, 'utf8').toString('base64') },
      // Documented: the key arrives Base64 encoded, the MAC is returned Base64 encoded.
      GlideCertificateEncryption: class {
        generateMac(key: string, algorithm: string, data: string) {
          keysSeen.push(key);
          expect(algorithm).toBe('HmacSHA256');
          return createHmac('sha256', Buffer.from(key, 'base64')).update(data, 'utf8').digest('base64');
        }
      },
      sn_ws: { RESTMessageV2 },
      sn_cc: {
        StandardCredentialsProvider: class {
          getCredentialByAliasID(id: string) {
            return id === 'alias-sys-id'
              ? { getAttribute: (a: string) => (a === 'password' ? WEBHOOK_SECRET : '') }
              : null;
          }
        },
      },
    };
    runInNewContext(script, sandbox);
    return { sent, logs, sleeps, keysSeen };
  }

  const URL_PROPERTY = { 'helpdesk_verify.webhook_url': 'https://api.verify.example.com/webhooks/acme-sn' };

  it('sends a body and hex signature that verifyWebhook accepts (secret from a credential alias)', () => {
    // Act
    const { sent, logs, keysSeen } = run(
      { ...URL_PROPERTY, 'helpdesk_verify.credential_alias': 'alias-sys-id' },
      [202],
    );

    // Assess
    expect(sent).toHaveLength(1);
    const [message] = sent as [(typeof sent)[number]];
    expect(message.endpoint).toBe('https://api.verify.example.com/webhooks/acme-sn');
    expect(message.method).toBe('post');
    expect(message.headers['Content-Type']).toBe('application/json');
    expect(message.body).toBe(
      `{"table":"incident","sys_id":"${SYS_ID}","number":"INC0010001","operation":"insert"}`,
    );
    const signature = message.headers['X-Helpdesk-Verify-Signature'] as string;
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyWebhook(signature, message.body, [WEBHOOK_SECRET], new Date())).toEqual({ ok: true });
    expect(keysSeen).toEqual([Buffer.from(WEBHOOK_SECRET).toString('base64')]);
    expect(logs).toEqual([]);
  });

  it('keeps the body ASCII so the signed bytes are the sent bytes, and never logs the secret', () => {
    // Act
    const { sent, logs, sleeps } = run(
      { ...URL_PROPERTY, 'helpdesk_verify.webhook_secret': WEBHOOK_SECRET },
      [503, 0, 500],
      'INCÉ001',
    );

    // Assess
    expect(sent).toHaveLength(3);
    expect(sleeps).toEqual([2000, 8000]);
    const body = sent[0]?.body ?? '';
    expect(body).toContain('"number":"INC\\u00c9001"');
    expect(JSON.parse(body).number).toBe('INCÉ001');
    for (const m of sent) {
      expect(
        verifyWebhook(m.headers['X-Helpdesk-Verify-Signature'], m.body, [WEBHOOK_SECRET], new Date()),
      ).toEqual({
        ok: true,
      });
    }
    expect(logs).toHaveLength(1);
    expect(logs[0]).toContain('failed after 3 attempts');
    expect(logs.join()).not.toContain(WEBHOOK_SECRET);
  });

  it('sends nothing without an https URL or a secret', () => {
    // Act
    const noUrl = run({ 'helpdesk_verify.webhook_secret': WEBHOOK_SECRET }, []);
    const noSecret = run(URL_PROPERTY, []);

    // Assess
    expect(noUrl.sent).toHaveLength(0);
    expect(noUrl.logs[0]).toContain('webhook_url');
    expect(noSecret.sent).toHaveLength(0);
    expect(noSecret.logs[0]).toContain('no webhook secret');
  });
});
