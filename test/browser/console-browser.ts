/**
 * Drives the built console in Debian's Chromium (playwright-core) against the local stack of
 * test/integration/harness.ts, signed in through the local issuer as the seeded users. Screens are
 * checked with axe and captured at phone and desktop size by portal-browser.ts's `screen`.
 */
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { CONSOLE_USERS } from '../../local/seed.js';
import { CONSOLE_APP_PATH } from '../../local/stack.js';
import type { Harness } from '../integration/harness.js';
import { DESKTOP, heading } from './portal-browser.js';

export type ConsoleUser = (typeof CONSOLE_USERS)[number]['username'];

export interface ConsolePage {
  page: Page;
  /** Console errors (CSP violations included) and uncaught page errors. */
  errors: string[];
  /** Origins of every request the page made. */
  origins: Set<string>;
}

/** A fresh browser context (its own sessionStorage) at desktop size. */
export async function consolePage(browser: Browser): Promise<ConsolePage> {
  const context = await browser.newContext({ viewport: DESKTOP, acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  const origins = new Set<string>();
  page.on('console', (m) => {
    // React formats its warnings from arguments (`%s`): keep them, they name the culprit.
    if (m.type() === 'error')
      Promise.all(m.args().map((a) => a.jsonValue().catch(() => '?'))).then(
        (args) => errors.push(args.length > 1 ? args.map(String).join(' | ') : m.text()),
        () => errors.push(m.text()),
      );
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => {
    if (!r.url().startsWith('data:')) origins.add(new URL(r.url()).origin);
  });
  return { page, errors, origins };
}

/** The console URL of an app path, e.g. `/verifications`. */
export const consoleUrl = (h: Harness, path: string) => `${h.api}${CONSOLE_APP_PATH}${path}`;

export const showsHeading = (page: Page, text: string | RegExp) =>
  expect.poll(() => heading(page).textContent()).toMatch(text);

/** Fills the local sign-in form as a seeded user (the page must be showing it). */
export async function signIn(page: Page, username: ConsoleUser) {
  const user = CONSOLE_USERS.find((u) => u.username === username);
  if (!user) throw new Error(`no seeded console user ${username}`);
  await showsHeading(page, 'Sign in to the console');
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect.poll(() => page.getByRole('button', { name: 'Sign out' }).count()).toBe(1);
}

/** Opens an app path, signing in first when the page asks. */
export async function openAs(page: Page, h: Harness, username: ConsoleUser, path: string) {
  await page.goto(consoleUrl(h, path));
  await expect
    .poll(
      async () =>
        (await page.getByRole('button', { name: 'Sign out' }).count()) +
        (await page.getByLabel('Username').count()),
    )
    .toBeGreaterThan(0);
  if ((await page.getByLabel('Username').count()) > 0) await signIn(page, username);
}

/** The names of the console's navigation links. */
export async function navLinks(page: Page): Promise<string[]> {
  return page.getByRole('navigation', { name: 'Console' }).getByRole('link').allTextContents();
}

/** The text of the verifications table row of a verification, or '' while it is not shown. */
export async function rowText(page: Page, verificationId: string): Promise<string> {
  const row = page.locator(`tr[data-verification="${verificationId}"]`);
  return (await row.count()) > 0 ? ((await row.textContent()) ?? '') : '';
}

/** Clicks the export's download link and returns the file's text. */
export async function downloadCsv(page: Page): Promise<string> {
  const link = page.getByRole('link', { name: /^Download CSV/ });
  await expect.poll(() => link.count(), { timeout: 60_000 }).toBe(1);
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const path = await download.path();
  return readFile(path, 'utf8');
}
