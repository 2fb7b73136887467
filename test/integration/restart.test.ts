/**
 * Stopping and starting the local stack mid-verification: the in-memory executions are gone, the
 * lifecycle resumes from what DynamoDB holds, and nothing is sent or written twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  complete,
  finished,
  type Harness,
  inbox,
  openLink,
  openTicket,
  restartHarness,
  sendLink,
  startHarness,
  verification,
} from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.stop());

describe('restarting the local stack', () => {
  it('resumes an open verification: completion after the restart is written back once, the link not resent', async () => {
    // Prepare: a verification waiting for the requester, and a finished one whose lifecycle is done
    const done = await openTicket(h);
    const first = await sendLink(h, done.id);
    const firstSession = await openLink(h, first.linkToken);
    await complete(h, firstSession, 'wrong');
    await finished(h, first.verificationId);
    const ticket = await openTicket(h);
    const { verificationId, linkToken } = await sendLink(h, ticket.id);
    const session = await openLink(h, linkToken);

    // Act
    h = await restartHarness(h);
    const completed = await complete(h, session, 'right');
    const exec = await finished(h, verificationId);

    // Assess
    expect(h.stack.resumed).toBe(1);
    expect(completed.json.outcome).toBe('passed');
    expect(exec.status).toBe('SUCCEEDED');
    expect((await verification(h, verificationId)).writeBack).toMatchObject({
      state: 'done',
      written: ['sent', 'opened', 'outcome'],
    });
    const notes = h.stack.desk.get(ticket.id)?.notes.map((n) => n.text) ?? [];
    expect(notes.filter((n) => n.includes('verification Passed'))).toHaveLength(1);
    expect((await inbox(h)).filter((m) => m.verificationId === verificationId)).toHaveLength(1);
    expect(
      h.stack.desk.get(done.id)?.notes.filter((n) => n.text.includes('verification Failed')),
    ).toHaveLength(1);
  });
});
