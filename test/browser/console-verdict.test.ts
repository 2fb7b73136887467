/**
 * What agents see must be true (issues 11.1, 11.9) in Chromium against the local stack: a
 * verification that did not pass never reads "Verified" or "proceed"; an "I did not ask for this"
 * report is an alert at the top of every page and on its summary; the requester's feedback is in
 * the table and the summary; with the connection set to outcome only, an agent sees the outcome
 * and the recommendation and no score or reasons, while an auditor sees everything. Screens are
 * checked with axe and captured at phone and desktop size.
 */
import type { Browser } from 'playwright-core';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleVerification, Verification } from '../../shared/domain/model/verification.js';
import { call, type Harness, startHarness } from '../integration/harness.js';
import { type ConsolePage, consolePage, openAs, rowText, showsHeading } from './console-browser.js';
import { launch, screen } from './portal-browser.js';

let h: Harness;
let browser: Browser;
let agent: ConsolePage;
let auditor: ConsolePage;
const ids: Record<string, string> = {};

/** One finished verification, written the way the use cases write it. */
async function seed(
  name: string,
  ticket: string,
  status: Verification['status'],
  extra: Partial<ConsoleVerification>,
  assessment: Verification['assessment'],
) {
  const createdAt = new Date(Date.now() - 3_600_000).toISOString();
  const ref = { connectionId: 'local-desk', ticketId: ticket };
  await h.stack.repositories.tickets.createTicket({
    ...ref,
    ticketNumber: ticket,
    category: 'password_reset',
    requesterEmail: `${name.split(' ')[0]?.toLowerCase()}@example.com`,
    createdAt,
    linkEntry: 'done',
  });
  const v: ConsoleVerification = {
    verificationId: ulid(Date.parse(createdAt)),
    ticket: ref,
    ticketNumber: ticket,
    category: 'password_reset',
    requesterId: name,
    requesterName: name,
    channel: 'email',
    destination: 'x@example.com',
    destinationMasked: 'x***@example.com',
    destinationIsContactOnRecord: true,
    agent: 'alice',
    status: 'sent',
    createdAt,
    updatedAt: createdAt,
    linkExpiresAt: new Date(Date.parse(createdAt) + 900_000).toISOString(),
    writeBack: { state: 'done' },
    action: { state: 'none' },
    expiresAtEpoch: Math.floor(Date.now() / 1000) + 86_400,
    ...extra,
  };
  const audit = (action: string) => ({
    verificationId: v.verificationId,
    ticket: ref,
    actor: 'system',
    action,
    at: createdAt,
  });
  await h.stack.repositories.verifications.createVerification(
    v,
    { ...audit('verification.sent'), actor: 'alice' },
    undefined,
  );
  await h.stack.repositories.verifications.transition(
    v.verificationId,
    'in_progress',
    { openedAt: createdAt },
    audit('link.opened'),
  );
  await h.stack.repositories.verifications.transition(
    v.verificationId,
    status,
    { assessment, completedAt: new Date().toISOString() } as never,
    audit(`verification.${status}`),
  );
  return v.verificationId;
}

const reason = (code: string, points: number, message: string) => ({
  code,
  category: 'network' as const,
  points,
  evidence: code,
  message,
});

beforeAll(async () => {
  h = await startHarness();
  browser = await launch('scripted');
  agent = await consolePage(browser);
  auditor = await consolePage(browser);
  // An older record: Not Enough Questions but stored with the level `verified` and "proceed".
  ids.neq = await seed(
    'Nadia Quint',
    'INC0090001',
    'not_enough_questions',
    {},
    {
      riskScore: 1,
      riskLevel: 'verified',
      reasons: [reason('HOSTING', 1, 'Connected from a hosting network')],
      recommendation: 'Identity verified - proceed with the requested action',
      answered: 1,
      correct: 1,
    },
  );
  ids.denied = await seed(
    'Dora Denied',
    'INC0090002',
    'failed',
    {
      requesterReport: { kind: 'not_me', at: new Date().toISOString() },
      feedback: { difficulty: 'hard', comment: 'I never asked for a reset', at: new Date().toISOString() },
    },
    {
      riskScore: 10,
      riskLevel: 'high',
      reasons: [reason('REQUESTER_DENIED', 10, 'The requester said they did not ask for this')],
      recommendation: 'reject',
      answered: 0,
      correct: 0,
    },
  );
});

afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

describe('what agents see', () => {
  it('never shows a result that did not pass as Verified, and puts the urgent report first', async () => {
    await openAs(agent.page, h, 'alice', '/verifications');
    const alert = agent.page.getByRole('region', { name: /did not ask for this/ });
    await expect.poll(() => alert.count()).toBe(1);
    expect(await alert.textContent()).toContain('INC0090002');
    await expect.poll(() => rowText(agent.page, ids.neq as string)).toContain('Not Enough Questions');
    const neqRow = await rowText(agent.page, ids.neq as string);
    expect(neqRow).toContain('Not verified');
    expect(neqRow).not.toMatch(/\bVerified\b/);
    const deniedRow = await rowText(agent.page, ids.denied as string);
    expect(deniedRow).toContain('Requester says they did not ask for this');
    expect(deniedRow).toContain('Hard: “I never asked for a reset”');
    await screen(agent.page, 'console-urgent-table');

    await agent.page.goto(`${h.api}/console/verifications/${ids.neq}`);
    await showsHeading(agent.page, 'Verification of ticket INC0090001');
    const body = await agent.page.locator('main').textContent();
    expect(body).toContain('Not verified: too few questions were answered - do not proceed');
    expect(body).not.toContain('proceed with the requested action');

    await agent.page.goto(`${h.api}/console/verifications/${ids.denied}`);
    await showsHeading(agent.page, 'Verification of ticket INC0090002');
    const banner = agent.page
      .getByRole('alert')
      .filter({ hasText: 'The requester says they did not ask for this' });
    await expect.poll(() => banner.count()).toBe(1);
    expect(await agent.page.locator('main').textContent()).toContain('Hard: “I never asked for a reset”');
    await screen(agent.page, 'console-urgent-summary');
  });

  it('with the connection set to outcome only, agents see the outcome and recommendation; auditors everything', async () => {
    const admin = await h.stack.gateway.issueToken('adam', ['admin']);
    const set = await call(h, 'POST', '/api/settings/connections/local-desk', {
      token: admin,
      body: { agentView: 'outcome_only' },
    });
    expect(set.status).toBe(200);
    await agent.page.goto(`${h.api}/console/verifications/${ids.neq}`);
    await showsHeading(agent.page, 'Verification of ticket INC0090001');
    await expect
      .poll(() => agent.page.getByText('shows agents the outcome and the recommendation only').count())
      .toBe(1);
    const main = await agent.page.locator('main').textContent();
    expect(main).not.toContain('Risk score');
    expect(main).not.toContain('Connected from a hosting network');
    expect(main).toContain('Not verified: too few questions were answered');
    expect(main).not.toContain('Open the transcript');
    await screen(agent.page, 'console-outcome-only-summary');

    await openAs(auditor.page, h, 'audrey', `/verifications/${ids.neq}`);
    await showsHeading(auditor.page, 'Verification of ticket INC0090001');
    await expect.poll(() => auditor.page.getByText('Connected from a hosting network').count()).toBe(1);
    expect(await auditor.page.locator('main').textContent()).toContain('Risk score');
  });
});
