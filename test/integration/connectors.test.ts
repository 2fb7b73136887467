/**
 * ServiceNow and ChangeGear through the local stack: their simulators send webhooks exactly as the
 * real systems would (ServiceNow: our business-rule script's signed payload; ChangeGear: the whole
 * ticket with Basic credentials, on create and on update), and every write goes through the real
 * adapters to the simulated APIs.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_REQUESTER_EMAIL } from '../../local/seed.js';
import {
  call,
  complete,
  finished,
  type Harness,
  openLink,
  sendLink,
  sharedHarness,
  until,
  verification,
} from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await sharedHarness();
});

interface SimTicket {
  id: string;
  state: string;
  notes: { text: string }[];
  verificationUrl?: string;
  closeCode?: string;
}
interface Simulator {
  open(
    input: { category: string; subject: string; requesterEmail: string },
    options?: { deliver?: boolean },
  ): SimTicket;
  get(id: string): SimTicket | undefined;
  setFaults(faults: Record<string, { mode: string; remaining: number }>): void;
  calls: { method: string; id: string; status: number }[];
}

const itsms = [
  {
    name: 'ServiceNow',
    connectionId: 'servicenow-dev',
    sim: (): Simulator => h.stack.servicenow as unknown as Simulator,
    resolvedState: '6',
    closeCode: 'Solution provided',
    hasLinkEntry: (t: SimTicket) => t.verificationUrl?.includes('/send?connection=servicenow-dev') === true,
  },
  {
    name: 'ChangeGear',
    connectionId: 'changegear-dev',
    sim: (): Simulator => h.stack.changegear as unknown as Simulator,
    resolvedState: 'Pending Close',
    closeCode: undefined,
    hasLinkEntry: (t: SimTicket) => t.notes.some((n) => n.text.includes('Send Verification Link')),
  },
];

const notesOf = (sim: Simulator, id: string) => sim.get(id)?.notes.map((n) => n.text) ?? [];

describe.each(itsms)('$name', (itsm) => {
  const open = (category = 'password_reset') =>
    itsm.sim().open({ category, subject: 'Locked out', requesterEmail: DEMO_REQUESTER_EMAIL });

  it('gets one link entry on a ticket in a gated category, nothing in another', async () => {
    const gated = open();
    const other = open('hardware');
    const ticket = await until('link entry', () => {
      const t = itsm.sim().get(gated.id);
      return t && itsm.hasLinkEntry(t) ? t : undefined;
    });
    expect(notesOf(itsm.sim(), ticket.id).filter((n) => n.includes('Send Verification Link'))).toHaveLength(
      1,
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(itsm.sim().get(other.id)?.notes ?? []).toHaveLength(0);
    expect(
      await h.stack.repositories.tickets.getTicket({ connectionId: itsm.connectionId, ticketId: other.id }),
    ).toBeUndefined();
  });

  it('leaves the documented trail of notes through the whole lifecycle and resolves the ticket', async () => {
    const created = open();
    await until('link entry', () => {
      const t = itsm.sim().get(created.id);
      return t && itsm.hasLinkEntry(t);
    });
    const { verificationId, linkToken } = await sendLink(h, created.id, {
      connectionId: itsm.connectionId,
      requestedAction: 'password_reset',
    });
    const session = await openLink(h, linkToken);
    await complete(h, session, 'right');
    await until(
      'awaiting the action',
      async () => (await verification(h, verificationId)).taskTokens?.action,
    );
    await call(h, 'POST', '/portal/action', {
      token: session.sessionToken,
      body: { action: 'password_reset', newPassword: 'correct horse battery staple' },
    });
    expect((await finished(h, verificationId)).status).toBe('SUCCEEDED');
    const ticket = itsm.sim().get(created.id);
    expect(ticket?.state).toBe(itsm.resolvedState);
    if (itsm.closeCode) expect(ticket?.closeCode).toBe(itsm.closeCode);
    const trail = notesOf(itsm.sim(), created.id).join('\n---\n');
    expect(trail).toContain('identity verification Passed');
    expect(trail).toContain(verificationId);
    expect(trail).toContain('reset their password');
    expect(trail).toContain('Resolved automatically');
    expect(trail).not.toContain('zoe.martin@example.com');
    expect((await verification(h, verificationId)).writeBack).toMatchObject({
      state: 'done',
      written: ['sent', 'opened', 'outcome', 'action', 'resolve'],
    });
  });

  it('survives a 429 storm during write-back and writes the outcome once', async () => {
    const created = open();
    await until('link entry', () => {
      const t = itsm.sim().get(created.id);
      return t && itsm.hasLinkEntry(t);
    });
    const { verificationId, linkToken } = await sendLink(h, created.id, { connectionId: itsm.connectionId });
    const session = await openLink(h, linkToken);
    itsm.sim().setFaults({ writes: { mode: 'rate_limited', remaining: 3 } });
    await complete(h, session, 'wrong');
    expect((await finished(h, verificationId, 30_000)).status).toBe('SUCCEEDED');
    itsm.sim().setFaults({});
    expect(notesOf(itsm.sim(), created.id).filter((n) => n.includes('verification Failed'))).toHaveLength(1);
    expect(
      itsm.sim().calls.filter((c) => c.id === created.id && c.status === 429).length,
    ).toBeGreaterThanOrEqual(3);
  });
});

describe('ServiceNow specifics', () => {
  const sn = () => h.stack.servicenow;

  /** A gated incident whose verification link was sent and opened (the opened note is written). */
  async function openedIncident() {
    const created = sn().open({
      category: 'password_reset',
      subject: 'Locked out',
      requesterEmail: DEMO_REQUESTER_EMAIL,
    });
    await until('link entry', () => sn().get(created.id)?.verificationUrl);
    const { verificationId, linkToken } = await sendLink(h, created.id, { connectionId: 'servicenow-dev' });
    const session = await openLink(h, linkToken);
    await until('opened note', () =>
      sn()
        .get(created.id)
        ?.notes.find((n) => n.text.includes('opened the verification link')),
    );
    return { created, verificationId, session };
  }

  it('writes the outcome note once when its PATCH was held past the client timeout and retried', async () => {
    // Prepare: the outcome PATCH lands, but its answer comes after the adapter's 5 s timeout
    const { created, verificationId, session } = await openedIncident();
    sn().slowAnswerMs = 6_000;
    sn().setFaults({ writes: { mode: 'slow', remaining: 1 } });

    // Act
    await complete(h, session, 'wrong');
    const exec = await finished(h, verificationId, 40_000);

    // Assess: the repeat looked for the note's marker in the journal and found it
    sn().setFaults({});
    expect(exec.status).toBe('SUCCEEDED');
    const outcome = (sn().get(created.id)?.notes ?? []).filter((n) =>
      n.text.includes('identity verification Failed'),
    );
    expect(outcome).toHaveLength(1);
    expect(outcome[0]?.text).toContain(`Ref: HV-${verificationId}-outcome`);
    expect(
      sn().calls.filter((c) => c.method === 'PATCH' && c.id === created.id && c.status === 200),
    ).toHaveLength(4);
    expect((await verification(h, verificationId)).writeBack).toMatchObject({ state: 'done' });
  }, 60_000);

  it('waits out a long Retry-After on the outcome write in the state machine, then writes it once', async () => {
    // Prepare: a rate limit rule refuses every call for 7 s (the task's own retries all meet it)
    const { created, verificationId, session } = await openedIncident();

    // Act
    const started = Date.now();
    sn().limitFor(7);
    await complete(h, session, 'wrong');
    const exec = await finished(h, verificationId, 40_000);

    // Assess
    expect(exec.status).toBe('SUCCEEDED');
    expect(Date.now() - started).toBeGreaterThanOrEqual(6_000);
    const outcome = (sn().get(created.id)?.notes ?? []).filter((n) =>
      n.text.includes('identity verification Failed'),
    );
    expect(outcome).toHaveLength(1);
    expect((await verification(h, verificationId)).writeBack).toMatchObject({ state: 'done' });
  }, 60_000);
});

describe('ChangeGear specifics', () => {
  const cg = () => h.stack.changegear;

  it('ignores updates of a ticket it already has', async () => {
    const created = cg().open({
      category: 'password_reset',
      subject: 'Locked out',
      requesterEmail: DEMO_REQUESTER_EMAIL,
    });
    await until('link entry', () =>
      cg()
        .get(created.id)
        ?.notes.some((n) => n.text.includes('Send Verification Link')),
    );
    cg().update(created.id, { subject: 'Still locked out' });
    cg().update(created.id, { note: 'Called the user' });
    await new Promise((r) => setTimeout(r, 500));
    const entries = cg()
      .get(created.id)
      ?.notes.filter((n) => n.text.includes('Send Verification Link'));
    expect(entries).toHaveLength(1);
  });

  it('re-reads and retries when the ticket was edited between read and write (stale eTag)', async () => {
    const created = cg().open({
      category: 'password_reset',
      subject: 'Locked out',
      requesterEmail: DEMO_REQUESTER_EMAIL,
    });
    await until('link entry', () =>
      cg()
        .get(created.id)
        ?.notes.some((n) => n.text.includes('Send Verification Link')),
    );
    const { verificationId, linkToken } = await sendLink(h, created.id, { connectionId: 'changegear-dev' });
    const session = await openLink(h, linkToken);
    cg().setFaults({ writes: { mode: 'stale_etag', remaining: 2 } });
    await complete(h, session, 'right');
    expect((await finished(h, verificationId)).status).toBe('SUCCEEDED');
    cg().setFaults({});
    expect(
      cg()
        .get(created.id)
        ?.notes.filter((n) => n.text.includes('verification Passed')),
    ).toHaveLength(1);
  });

  it('refuses a webhook with wrong Basic credentials', async () => {
    const res = await call(h, 'POST', '/webhooks/changegear-dev', {
      raw: JSON.stringify({ ID: 1 }),
      headers: { authorization: `Basic ${Buffer.from('cg-webhook:guess').toString('base64')}` },
    });
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe('INVALID_CREDENTIALS');
  });
});

describe('ServiceNow specifics', () => {
  it('refuses an unsigned delivery and ignores updates', async () => {
    const sysId = 'b'.repeat(32);
    const unsigned = await call(h, 'POST', '/webhooks/servicenow-dev', {
      body: { table: 'incident', sys_id: sysId, operation: 'insert' },
    });
    expect(unsigned.status).toBe(401);
    expect(unsigned.json.error.code).toBe('INVALID_SIGNATURE');
  });
});
