/**
 * Contract of the local ticket desk adapter's recent-tickets lookup: the exact request, the mapping
 * and the failure classes against a recording server, then end to end against the desk itself.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TicketDesk } from '../../../local/ticket-desk.js';
import { LocalTicketSystem } from '../../../shared/adapters/itsm/local-ticket-system.js';
import { TicketSystemPermanentError, TicketSystemRetryableError } from '../../../shared/domain/errors.js';
import { caught, type Recorded, type Reply, recorder } from './recorder.js';

const CREDENTIALS = 'helpdesk-verify:desk-s3cret';
const BASIC = `Basic ${Buffer.from(CREDENTIALS).toString('base64')}`;
const SINCE = new Date('2026-08-23T09:30:00.000Z');

const desk = (url: string, lookupTimeoutMs?: number) =>
  new LocalTicketSystem('local-desk', url, async () => CREDENTIALS, 5_000, lookupTimeoutMs);

describe('LocalTicketSystem recentTickets requests', () => {
  it('sends one GET /api/tickets with the filters, and maps the answer', async () => {
    // Prepare
    const server = await recorder(() => ({
      status: 200,
      body: {
        tickets: [
          { id: 't1', number: 'INC0001007', subject: 'VPN drops', openedAt: '2026-11-02T14:05:09.000Z' },
          { id: 't2', number: 'INC0001003', subject: '', openedAt: '2026-10-01T08:00:00.000Z' },
          null,
          { id: 't3', number: 'INC0001002', subject: 'New laptop', openedAt: '2026-09-15T08:00:00.000Z' },
          { id: 't4', number: 'INC0001001', subject: 'Over the limit', openedAt: '2026-09-01T08:00:00.000Z' },
        ],
      },
    }));

    // Act
    const tickets = await desk(server.url).recentTickets({
      requesterEmail: 'zoe.martin@example.com',
      excludeTicketId: 't9',
      since: SINCE,
      limit: 2,
    });

    // Assess
    expect(server.requests).toHaveLength(1);
    const [req] = server.requests as [Recorded];
    expect(req.method).toBe('GET');
    expect(req.path).toBe('/api/tickets');
    expect(Object.fromEntries(new URLSearchParams(req.query))).toEqual({
      since: '2026-08-23T09:30:00.000Z',
      limit: '2',
      requesterEmail: 'zoe.martin@example.com',
      excludeTicketId: 't9',
    });
    expect(req.headers.authorization).toBe(BASIC);
    expect(req.body).toBe('');
    expect(tickets).toEqual([
      { number: 'INC0001007', subject: 'VPN drops', openedAt: '2026-11-02T14:05:09.000Z' },
      { number: 'INC0001002', subject: 'New laptop', openedAt: '2026-09-15T08:00:00.000Z' },
    ]);
  });

  it('asks for decoys with excludeRequesterEmail, at most 20; a limit under 1 asks nothing', async () => {
    // Prepare
    const server = await recorder(() => ({ status: 200, body: { tickets: [] } }));

    // Act
    const decoys = await desk(server.url).recentTickets({
      excludeRequesterEmail: 'zoe.martin@example.com',
      since: SINCE,
      limit: 50,
    });
    const none = await desk(server.url).recentTickets({ since: SINCE, limit: 0 });

    // Assess
    expect(decoys).toEqual([]);
    expect(none).toEqual([]);
    expect(server.requests).toHaveLength(1);
    expect(Object.fromEntries(new URLSearchParams(server.requests[0]?.query))).toEqual({
      since: '2026-08-23T09:30:00.000Z',
      limit: '20',
      excludeRequesterEmail: 'zoe.martin@example.com',
    });
  });

  it.each<[string, Reply, typeof TicketSystemRetryableError | typeof TicketSystemPermanentError]>([
    [
      '429',
      { status: 429, headers: { 'retry-after': '1' }, body: { error: 'too many' } },
      TicketSystemRetryableError,
    ],
    ['503', { status: 503, body: { error: 'down' } }, TicketSystemRetryableError],
    ['400', { status: 400, body: { error: 'bad limit' } }, TicketSystemPermanentError],
    ['an answer without a list', { status: 200, body: { ticket: {} } }, TicketSystemPermanentError],
  ])('%s fails with the usual error class', async (_what, reply, kind) => {
    // Prepare
    const server = await recorder(() => reply);

    // Act
    const error = await caught(
      desk(server.url).recentTickets({ requesterEmail: 'a@example.com', since: SINCE, limit: 5 }),
    );

    // Assess
    expect(error).toBeInstanceOf(kind);
    expect(error.message).not.toContain('a@example.com');
    expect(server.requests).toHaveLength(1);
  });

  it('a hanging desk is retryable after the short lookup timeout', async () => {
    // Prepare
    const server = await recorder(() => 'hang');

    // Act
    const error = await caught(desk(server.url, 100).recentTickets({ since: SINCE, limit: 5 }));

    // Assess
    expect(error).toBeInstanceOf(TicketSystemRetryableError);
    expect(error.message).toContain('unreachable (TimeoutError)');
  });

  it('an invalid since is refused before any request', async () => {
    // Prepare
    const server = await recorder(() => ({ status: 200, body: { tickets: [] } }));

    // Act
    const error = await caught(desk(server.url).recentTickets({ since: new Date(''), limit: 5 }));

    // Assess
    expect(error).toBeInstanceOf(TicketSystemPermanentError);
    expect(server.requests).toHaveLength(0);
  });
});

describe('TicketDesk recent tickets with the adapter', () => {
  const desks: TicketDesk[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const d of desks.splice(0)) await d.stop();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  async function start(dataFile?: string) {
    const d = new TicketDesk({
      credentials: CREDENTIALS,
      webhookBaseUrl: 'http://127.0.0.1:9/webhooks',
      webhookSecret: () => 'whsec',
      defaultConnectionId: 'local-desk',
      retryDelaysMs: [],
      dataFile,
    });
    desks.push(d);
    return { d, url: await d.listen(0) };
  }

  const ticket = (subject: string, requesterEmail: string) => ({
    category: 'other',
    subject,
    requesterEmail,
  });
  const at = (iso: string) => ({ deliver: false, openedAt: new Date(iso) });

  it("lists the requester's own (any case, one left out) or everyone else's, since a date, newest first", async () => {
    // Prepare
    const { d, url } = await start();
    d.open(ticket('Too old', 'zoe.martin@example.com'), at('2026-01-10T09:00:00Z'));
    const vpn = d.open(ticket('VPN drops', 'zoe.martin@example.com'), at('2026-10-01T09:00:00Z'));
    const printer = d.open(ticket('Printer jam', 'sam.lee@example.com'), at('2026-10-05T09:00:00Z'));
    const laptop = d.open(ticket('Laptop battery', 'Zoe.Martin@example.com'), at('2026-10-20T09:00:00Z'));
    const teams = d.open(ticket('Teams audio', 'ana.ruiz@example.com'), at('2026-11-01T09:00:00Z'));
    const current = d.open(ticket('Locked out', 'zoe.martin@example.com'), at('2026-11-20T09:00:00Z'));
    const itsm = desk(url);

    // Act
    const own = await itsm.recentTickets({
      requesterEmail: 'ZOE.MARTIN@example.com',
      excludeTicketId: current.id,
      since: SINCE,
      limit: 20,
    });
    const decoys = await itsm.recentTickets({
      excludeRequesterEmail: 'zoe.martin@example.com',
      since: SINCE,
      limit: 5,
    });
    const newest = await itsm.recentTickets({ since: SINCE, limit: 1 });

    // Assess
    expect(own).toEqual([
      { number: laptop.number, subject: 'Laptop battery', openedAt: '2026-10-20T09:00:00.000Z' },
      { number: vpn.number, subject: 'VPN drops', openedAt: '2026-10-01T09:00:00.000Z' },
    ]);
    expect(decoys.map((t) => t.number)).toEqual([teams.number, printer.number]);
    expect(newest.map((t) => t.number)).toEqual([current.number]);
  });

  it('never lists tickets stored before the desk recorded when they were opened', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'desk-'));
    dirs.push(dir);
    const file = join(dir, 'desk.json');
    const old = {
      id: 'told1',
      number: 'INC0001001',
      category: 'other',
      subject: 'From an older desk',
      requesterEmail: 'zoe.martin@example.com',
      state: 'new',
      notes: [],
      webhook: { connectionId: 'local-desk', deliveries: [] },
    };
    writeFileSync(file, JSON.stringify([old]));
    const { d, url } = await start(file);
    const fresh = d.open(ticket('Fresh', 'zoe.martin@example.com'), { deliver: false });

    // Act
    const own = await desk(url).recentTickets({
      requesterEmail: 'zoe.martin@example.com',
      since: SINCE,
      limit: 5,
    });

    // Assess
    expect(own.map((t) => t.number)).toEqual([fresh.number]);
  });

  it('applies read faults, refuses a bad limit or since with 400 and unauthenticated calls with 401', async () => {
    // Prepare
    const { d, url } = await start();
    const get = (query: string, authorization = BASIC) =>
      fetch(`${url}/api/tickets?${query}`, { headers: { authorization } });

    // Act
    d.setFaults({ reads: { mode: 'unavailable', remaining: 1 } });
    const down = await caught(desk(url).recentTickets({ since: SINCE, limit: 5 }));
    const tooMany = await get('since=2026-08-23T00:00:00Z&limit=21');
    const noSince = await get('limit=5');
    const anonymous = await get('since=2026-08-23T00:00:00Z&limit=5', 'Basic bm9ib2R5Om5vcGU=');

    // Assess
    expect(down).toBeInstanceOf(TicketSystemRetryableError);
    expect(tooMany.status).toBe(400);
    expect(noSince.status).toBe(400);
    expect(anonymous.status).toBe(401);
    expect(d.calls.map((c) => `${c.method} ${c.id} ${c.status}`)).toEqual([
      'GET (recent) 503',
      'GET (recent) 400',
      'GET (recent) 400',
    ]);
  });
});
