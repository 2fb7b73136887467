/**
 * The manager's approval page in Chromium against the whole local stack: the request it shows
 * (who, for what, which ticket, from where; never answers or score), Approve and "This is not
 * right", a used link; each screen checked with axe and captured at phone and desktop size.
 */
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ASSURANCE } from '../../shared/domain/assurance.js';
import {
  complete,
  finished,
  type Harness,
  inbox,
  openLink,
  openTicket,
  putConnection,
  sendLink,
  startHarness,
  until,
  verification,
} from '../integration/harness.js';
import { heading, launch, openContext, type PortalPage, screen } from './portal-browser.js';

let h: Harness;
let browser: Browser;
const opened: PortalPage[] = [];

beforeAll(async () => {
  h = await startHarness();
  await putConnection(h, {
    connectionId: 'step-up',
    assurance: { ...DEFAULT_ASSURANCE, privilegedGroups: ['FIN-Managers'] },
  });
  browser = await launch('requester');
});

afterEach(async () => {
  const pages = opened.splice(0);
  for (const p of pages) await p.context.close().catch(() => undefined);
  expect(pages.flatMap((p) => p.errors).filter((e) => !e.startsWith('Failed to load resource'))).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

/** The demo requester (privileged by group) answered right: the link in her manager's inbox. */
async function managerLink() {
  const ticket = await openTicket(h, 'step-up');
  const { verificationId, linkToken } = await sendLink(h, ticket.id, { connectionId: 'step-up' });
  await complete(h, await openLink(h, linkToken), 'right');
  const message = await until('the manager message', async () =>
    (await inbox(h)).find((m) => m.verificationId === verificationId && m.text.includes('#m=')),
  );
  const url = /(https?:\/\/\S+#m=[\w-]+)/.exec(message.text)?.[1] ?? '';
  await until('waiting for the manager', async () =>
    (await verification(h, verificationId)).taskTokens?.step_up ? true : undefined,
  );
  return { verificationId, url, ticket };
}

async function managerPage() {
  const p = await openContext(browser, 'requester');
  opened.push(p);
  return p;
}

describe('the manager page', () => {
  it('shows the request and approves it: the verification passes', async () => {
    const link = await managerLink();
    const { page } = await managerPage();
    await page.goto(link.url);
    await expect.poll(() => heading(page).textContent()).toBe('Approve a help-desk request?');
    expect(page.url()).not.toContain('#m=');
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).toContain('a password reset');
    expect(text).toContain(link.ticket.number);
    expect(text).not.toMatch(/score|risk/i);
    await screen(page, 'manager-request');
    await page.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => heading(page).textContent()).toBe('Your answer was recorded');
    await screen(page, 'manager-approved');
    await finished(h, link.verificationId);
    expect((await verification(h, link.verificationId)).status).toBe('passed');

    // The same link again: already answered.
    const again = await managerPage();
    await again.page.goto(link.url);
    await expect.poll(() => heading(again.page).textContent()).toBe('This link cannot be used');
    expect(await again.page.locator('main').textContent()).toContain('already been answered');
    await screen(again.page, 'manager-used');
  });

  it('"This is not right" by keyboard: Failed and urgent', async () => {
    const link = await managerLink();
    const { page } = await managerPage();
    await page.goto(link.url);
    await expect.poll(() => heading(page).textContent()).toBe('Approve a help-desk request?');
    await page.getByRole('button', { name: 'This is not right' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => heading(page).textContent()).toBe('Your answer was recorded');
    await finished(h, link.verificationId);
    const v = await verification(h, link.verificationId);
    expect(v).toMatchObject({ status: 'failed', assessment: { riskLevel: 'high' } });
  });
});
