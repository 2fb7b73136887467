/**
 * "Verify a caller" on the local stack: an agent finds the demo requester in the directory (masked
 * contact, the search audited), sends without a ticket, the requester passes on the portal, and the
 * lifecycle finishes without a single call to a ticket system; an auditor may do neither.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_REQUESTER_EMAIL, seedDirectory } from '../../local/seed.js';
import {
  call,
  complete,
  finished,
  type Harness,
  linkTokenIn,
  messageFor,
  sharedHarness,
  until,
  verification,
} from './harness.js';

let h: Harness;
let auditorToken = '';
beforeAll(async () => {
  h = await sharedHarness();
  auditorToken = await h.stack.gateway.issueToken('audrey', ['auditor']);
});

const requester = () => {
  const person = seedDirectory().find((p) => p.email === DEMO_REQUESTER_EMAIL);
  if (!person) throw new Error('seed changed');
  return person;
};

describe('verify a caller without a ticket', () => {
  it('searches, sends, the requester passes, and nothing is written to any ticket', async () => {
    const person = requester();
    const [first = '', last = ''] = person.displayName.split(' ');

    const found = await call(
      h,
      'GET',
      `/api/people?q=${encodeURIComponent(`${first} ${last.slice(0, 3)}`)}`,
      {
        token: h.agentToken,
      },
    );
    expect(found.status).toBe(200);
    const match = found.json.items.find((p: { userId: string }) => p.userId === person.userId);
    expect(match).toMatchObject({ displayName: person.displayName, enabled: true });
    expect(match.contactOnRecord.email).toMatch(/^\w\*\*\*@/);
    expect(JSON.stringify(found.json)).not.toContain(person.email);
    if (person.mobilePhone) expect(JSON.stringify(found.json)).not.toContain(person.mobilePhone);

    const sent = await call(h, 'POST', `/api/people/${person.userId}/verifications`, {
      token: h.agentToken,
      body: { channel: 'email', request: 'password_reset' },
    });
    expect(sent.status).toBe(202);
    expect(sent.json).toMatchObject({ origin: 'agent_led', ticketless: true, ticketNumber: 'No ticket' });
    const { verificationId } = sent.json;
    const message = await messageFor(h, verificationId);
    expect(message.to).toBe(person.email);
    expect(message.text).not.toContain('No ticket');

    const opened = await call(h, 'GET', '/portal/session', { token: linkTokenIn(message.text) });
    expect(opened.json).toMatchObject({ origin: 'agent_led', status: 'in_progress' });
    const done = await complete(h, opened.json, 'right', { email: person.email });
    expect(done.json.outcome).toBe('passed');
    expect((await finished(h, verificationId)).status).toBe('SUCCEEDED');

    const v = await verification(h, verificationId);
    expect(v).toMatchObject({ status: 'passed', origin: 'agent_led', ticketless: true, agent: 'alice' });
    // No write-back attempt: the local desk never heard of this verification's ticket.
    expect(h.stack.desk.calls.some((c) => c.id === v.ticket.ticketId)).toBe(false);
    const trail = await h.stack.repositories.audit.listAudit(verificationId);
    expect(trail.map((e) => e.action).filter((a) => a.startsWith('ticket.'))).toEqual([]);
    expect(trail.find((e) => e.action === 'verification.sent')?.details).toMatchObject({
      origin: 'agent_led',
      ticketless: true,
    });

    const detail = await call(h, 'GET', `/api/verifications/${verificationId}`, { token: h.agentToken });
    expect(detail.json).toMatchObject({ ticketless: true, can: { retryWriteBack: false } });
  });

  it('with a ticket the agent names (never seen by intake), checks it in the ITSM and writes to it', async () => {
    const person = requester();
    const deskTicket = h.stack.desk.open(
      {
        category: 'general',
        subject: 'Called about VPN',
        requesterEmail: person.email,
        connectionId: 'local-desk',
      },
      { deliver: false },
    );
    const other = h.stack.desk.open(
      {
        category: 'general',
        subject: 'Not hers',
        requesterEmail: 'someone.else@example.com',
        connectionId: 'local-desk',
      },
      { deliver: false },
    );

    const mismatch = await call(h, 'POST', `/api/people/${person.userId}/verifications`, {
      token: h.agentToken,
      body: { channel: 'email', ticket: { connectionId: 'local-desk', ticketId: other.id } },
    });
    expect(mismatch.status).toBe(409);
    expect(mismatch.json.error.code).toBe('TICKET_REQUESTER_MISMATCH');
    const sent = await call(h, 'POST', `/api/people/${person.userId}/verifications`, {
      token: h.agentToken,
      body: { channel: 'email', ticket: { connectionId: 'local-desk', ticketId: deskTicket.id } },
    });
    expect(sent.status).toBe(202);
    expect(sent.json).toMatchObject({ origin: 'agent_led', ticketNumber: deskTicket.number });
    expect(sent.json.ticketless).toBeUndefined();
    // The lifecycle writes its progress to that ticket, as for any ticket.
    await until('the sent note on the ticket', () =>
      h.stack.desk.get(deskTicket.id)?.notes.some((n) => n.text.includes(sent.json.verificationId)),
    );
    await call(h, 'POST', `/api/verifications/${sent.json.verificationId}/cancel`, {
      token: h.agentToken,
      body: {},
    });
  });

  it('refuses auditors (403) and says what is wrong with a bad search or body (400)', async () => {
    const person = requester();
    const search = await call(h, 'GET', '/api/people?q=zo', { token: auditorToken });
    const send = await call(h, 'POST', `/api/people/${person.userId}/verifications`, {
      token: auditorToken,
      body: { channel: 'email', request: 'other' },
    });
    expect([search.status, send.status]).toEqual([403, 403]);

    const short = await call(h, 'GET', '/api/people?q=z', { token: h.agentToken });
    expect(short.status).toBe(400);
    expect(short.json.error.code).toBe('VALIDATION_FAILED');
    const noRequest = await call(h, 'POST', `/api/people/${person.userId}/verifications`, {
      token: h.agentToken,
      body: { channel: 'email' },
    });
    expect(noRequest.json.error).toMatchObject({ code: 'VALIDATION_FAILED' });
    const nobody = await call(h, 'POST', '/api/people/nobody-here/verifications', {
      token: h.agentToken,
      body: { channel: 'email', request: 'other' },
    });
    expect(nobody.status).toBe(404);
    expect(nobody.json.error.code).toBe('PERSON_NOT_FOUND');
  });
});
