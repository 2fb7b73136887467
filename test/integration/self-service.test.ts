/**
 * The portal API beyond the agent's path: the self-service start page (same answer whether or not
 * the account exists, the link only to the contact on record, no ticket writes), typed answers
 * graded with accents, and password strength feedback only once the reset is allowed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDirectory } from '../../local/seed.js';
import {
  answerQuestions,
  call,
  complete,
  finished,
  type Harness,
  inbox,
  linkTokenIn,
  openTicket,
  sendLink,
  startHarness,
  until,
  verification,
} from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  // About limits and the self-service path, not the scoring (bench:verdicts and scenarios pin
  // that): here everyone who answers right passes, whatever private facts their record holds.
  const desk = await h.stack.repositories.connections.getConnection('local-desk');
  if (desk)
    await h.stack.repositories.connections.putConnection({
      ...desk,
      minKnowledgeSms: 0,
      minKnowledgeEmail: 0,
    });
});
afterAll(async () => h?.stop());

describe('self-service start page', () => {
  it('sends a reset link to the contact on record, runs the lifecycle without a ticket, and answers the same for unknown accounts', async () => {
    const person = seedDirectory().find((p) => p.displayName === 'Ana Sousa');
    if (!person) throw new Error('seed changed');
    const before = (await inbox(h)).length;
    const start = await call(h, 'POST', '/portal/start', { body: { email: person.email.toUpperCase() } });
    expect(start.status).toBe(202);
    const unknown = await call(h, 'POST', '/portal/start', { body: { email: 'nobody@example.com' } });
    expect(unknown.status).toBe(202);
    expect(unknown.json).toEqual(start.json);
    const bad = await call(h, 'POST', '/portal/start', { body: { email: 'not an email' } });
    expect(bad.json.error.code).toBe('VALIDATION_FAILED');

    const message = await until('reset link', async () =>
      (await inbox(h)).find((m) => m.to === person.email && m.subject === 'Reset your password'),
    );
    // Nothing went anywhere for the unknown address.
    expect((await inbox(h)).length).toBe(before + 1);
    const linkToken = linkTokenIn(message.text);
    const opened = await call(h, 'GET', '/portal/session', { token: linkToken });
    expect(opened.json).toMatchObject({
      requestedAction: 'password_reset',
      status: 'in_progress',
      origin: 'self_service',
    });

    // Asking again while the link is open sends nothing new, and says the same.
    const again = await call(h, 'POST', '/portal/start', { body: { email: person.email } });
    expect(again.json).toEqual(start.json);

    const { sessionToken, verificationId } = opened.json;
    const done = await complete(h, { sessionToken }, 'right', { email: person.email });
    expect(done.json).toMatchObject({ outcome: 'passed', nextAction: 'password_reset' });
    const reset = await call(h, 'POST', '/portal/action', {
      token: sessionToken,
      body: { action: 'password_reset', newPassword: 'copper meadow quietly ninety' },
    });
    expect(reset.json.state).toBe('done');
    expect((await finished(h, verificationId)).status).toBe('SUCCEEDED');
    const v = await verification(h, verificationId);
    expect(v).toMatchObject({
      origin: 'self_service',
      agent: 'self-service',
      destinationIsContactOnRecord: true,
    });
    expect(v.writeBack.state).toBe('done');
    expect(h.stack.desk.calls.some((c) => c.id === v.ticket.ticketId)).toBe(false);
    expect(
      (await inbox(h)).filter((m) => m.to === person.email && m.subject === 'Reset your password'),
    ).toHaveLength(1);
  });

  it('stops sending after a few requests an hour for one address, still answering the same', async () => {
    const person = seedDirectory().find((p) => p.displayName === 'Kwame Mensah');
    if (!person) throw new Error('seed changed');
    const responses = [];
    for (let i = 0; i < 6; i++)
      responses.push(await call(h, 'POST', '/portal/start', { body: { email: person.email } }));
    expect(new Set(responses.map((r) => `${r.status} ${JSON.stringify(r.json)}`)).size).toBe(1);
    await until('first link', async () => (await inbox(h)).find((m) => m.to === person.email));
    expect((await inbox(h)).filter((m) => m.to === person.email)).toHaveLength(1);
  });
});

describe('typed answers and password feedback', () => {
  it("asks about the requester's last ticket in the ticket system, with other people's as decoys", async () => {
    const person = seedDirectory().find((p) => p.displayName === 'Mateo Rossi');
    if (!person) throw new Error('seed changed');
    const subject = 'Docking station in room 4.12 has no display';
    h.stack.desk.open(
      { category: 'hardware', subject, requesterEmail: person.email, connectionId: 'local-desk' },
      { deliver: false, openedAt: new Date(Date.now() - 3 * 86_400_000) },
    );
    const ticket = await openTicket(h, 'local-desk', person.email);
    const { linkToken } = await sendLink(h, ticket.id);
    const opened = await call(h, 'GET', '/portal/session', { token: linkToken });
    const asked: { id: string; options?: { label: string }[] }[] = [];
    await answerQuestions(
      h,
      opened.json,
      (question) => {
        asked.push(question);
        return 'skip';
      },
      { email: person.email },
    );
    const labels = asked.find((q) => q.id === 'recent_ticket')?.options?.map((o) => o.label) ?? [];
    expect(labels).toContain(subject);
    // The ticket being verified is not "a ticket you raised before".
    expect(labels).not.toContain('Locked out');
  });

  it('grades a manager typed without accents as correct and gives strength feedback only after passing', async () => {
    const ticket = await openTicket(h);
    const { verificationId, linkToken } = await sendLink(h, ticket.id, { requestedAction: 'password_reset' });
    const opened = await call(h, 'GET', '/portal/session', { token: linkToken });
    const token = opened.json.sessionToken;
    const early = await call(h, 'POST', '/portal/password-check', { token, body: { newPassword: 'x' } });
    expect(early.status).toBe(403);
    expect((await complete(h, { sessionToken: token }, 'right')).json.outcome).toBe('passed');

    const transcript = await h.stack.repositories.verifications.getTranscript(verificationId);
    const typed = transcript?.filter((t) => t.kind === 'text') ?? [];
    expect(typed.length).toBeGreaterThan(0);
    expect(typed.every((t) => t.grade === 'correct' && t.options.length === 0)).toBe(true);

    const weak = await call(h, 'POST', '/portal/password-check', { token, body: { newPassword: 'short' } });
    expect(weak.json).toMatchObject({ ok: false, reason: 'length' });
    const strong = await call(h, 'POST', '/portal/password-check', {
      token,
      body: { newPassword: 'violet harbour lantern seventeen' },
    });
    expect(strong.json).toMatchObject({ ok: true });
    expect((await verification(h, verificationId)).action.state).toBe('pending');
  });
});
