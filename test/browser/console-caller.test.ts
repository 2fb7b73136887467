/**
 * "Verify a caller" in Chromium on the local stack: an agent finds the demo requester by name (the
 * contact on record masked), picks her, sends by email without a ticket and sees the live status;
 * the requester passes on the portal API and the status says so. Each screen is checked with axe
 * and captured at phone (390x844) and desktop size.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_REQUESTER_EMAIL, seedDirectory } from '../../local/seed.js';
import {
  call,
  complete,
  finished,
  type Harness,
  linkTokenIn,
  messageFor,
  startHarness,
  verification,
} from '../integration/harness.js';
import { type ConsolePage, consolePage, navLinks, openAs, showsHeading } from './console-browser.js';
import { launch, screen } from './portal-browser.js';

const PHONE = { width: 390, height: 844 };

let h: Harness;
let browser: Browser;
let agent: ConsolePage;

beforeAll(async () => {
  h = await startHarness();
  browser = await launch('scripted');
  agent = await consolePage(browser);
});

afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

describe('an agent verifying a caller without a ticket', () => {
  it('finds the person, sends by email, and watches the requester pass', async () => {
    const person = seedDirectory().find((p) => p.email === DEMO_REQUESTER_EMAIL);
    if (!person) throw new Error('seed changed');
    const { page } = agent;

    // Find, on a phone-sized screen first
    await page.setViewportSize(PHONE);
    await openAs(page, h, 'alice', '/caller');
    await showsHeading(page, 'Verify a caller');
    expect(await navLinks(page)).toEqual(['Verifications', 'Verify a caller', 'Dashboard']);
    await page.getByLabel('Name, email or employee ID').fill(person.displayName.split(' ')[0] ?? '');
    await page.getByRole('button', { name: 'Search' }).click();
    const pick = page.getByRole('button', { name: `Verify ${person.displayName}` });
    await expect.poll(() => pick.count()).toBe(1);
    const listed = (await page.locator('ul.people').textContent()) ?? '';
    expect(listed).toContain(person.displayName);
    expect(listed).not.toContain(person.email);
    expect(listed).toMatch(/\w\*\*\*@/);
    await screen(page, 'console-caller-search');

    // Pick and send without a ticket
    await pick.click();
    await expect.poll(() => page.getByRole('heading', { name: 'Send the link' }).count()).toBe(1);
    await page.getByRole('button', { name: 'Send email' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Say what the caller asks for');
    await page.getByLabel('What the caller asks for').selectOption('password_reset');
    await expect.poll(() => page.getByRole('alert').count()).toBe(0);
    await screen(page, 'console-caller-send');
    const sent = page.waitForResponse((r) =>
      /\/api\/people\/[^/]+\/verifications$/.test(new URL(r.url()).pathname),
    );
    await page.getByRole('button', { name: 'Send email' }).click();
    const response = await sent;
    expect(response.status()).toBe(202);
    const { verificationId } = (await response.json()) as { verificationId: string };
    await expect.poll(() => page.locator('#status-h').count()).toBe(1);
    await screen(page, 'console-caller-status');

    // The requester passes; the status follows, and nothing went to a ticket
    const message = await messageFor(h, verificationId);
    const session = (await call(h, 'GET', '/portal/session', { token: linkTokenIn(message.text) })).json;
    expect((await complete(h, session, 'right', { email: person.email })).json.outcome).toBe('passed');
    expect((await finished(h, verificationId)).status).toBe('SUCCEEDED');
    await expect
      .poll(() => page.locator('#status-h + .status-line').textContent(), { timeout: 15_000 })
      .toMatch(/Passed|Verified/);
    const v = await verification(h, verificationId);
    expect(v).toMatchObject({ origin: 'agent_led', ticketless: true, status: 'passed' });
    expect(h.stack.desk.calls.some((c) => c.id === v.ticket.ticketId)).toBe(false);
    expect(agent.errors).toEqual([]);
  });
});
