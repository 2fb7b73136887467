/**
 * Drives the built portal in Chromium (playwright-core; which one: chromium.ts) against the local stack of
 * test/integration/harness.ts. A "requester" browser looks like a person's Chrome (no automation
 * flag, a normal user agent); a "scripted" one keeps Playwright's defaults (navigator.webdriver,
 * HeadlessChrome), as an attacker's script would. Every screen is checked with axe and captured
 * at a phone and a desktop viewport into test/browser/screenshots/ (git-ignored).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { expect } from 'vitest';
import { type Answering, type PublicQuestion, responseFor } from '../../local/requester.js';
import { asDesktopChrome, launchChromium } from './chromium.js';

const SCREENSHOTS = join(import.meta.dirname, 'screenshots');
const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 800 };
/** A current desktop Chrome on macOS, as a requester's browser would say. */
const PERSON_UA =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';
/** A Lisbon home broadband address in the offline IP data (the seeded Lisbon office's country). */
const LISBON_HOME_IP = '85.240.0.1';

export type BrowserKind = 'requester' | 'scripted';

export function launch(kind: BrowserKind): Promise<Browser> {
  return launchChromium(
    kind === 'requester'
      ? {
          args: ['--disable-blink-features=AutomationControlled'],
          ignoreDefaultArgs: ['--enable-automation'],
        }
      : {},
  );
}

export interface PortalPage {
  context: BrowserContext;
  page: Page;
  /** Origins of every request the page made. */
  origins: Set<string>;
  /** Console errors, CSP violations included. */
  errors: string[];
}

/**
 * A fresh context (nothing shared between paths) on a phone, at home in Lisbon. `fromLoopback`:
 * no simulated source address, so a gateway sees the connection's own (a header of our own would
 * also need CORS's leave when the API is on another origin).
 */
export async function openContext(
  browser: Browser,
  kind: BrowserKind,
  { fromLoopback = false }: { fromLoopback?: boolean } = {},
): Promise<PortalPage> {
  const context = await browser.newContext({
    viewport: PHONE,
    locale: 'pt-PT',
    timezoneId: 'Europe/Lisbon',
    // The local gateway takes the source address from this header in tests (simulateSourceIp).
    ...(fromLoopback ? {} : { extraHTTPHeaders: { 'x-simulated-source-ip': LISBON_HOME_IP } }),
    ...(kind === 'requester' ? { userAgent: PERSON_UA } : {}),
  });
  if (kind === 'requester') await asDesktopChrome(browser, context);
  const page = await context.newPage();
  const origins = new Set<string>();
  const errors: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith('data:')) origins.add(new URL(r.url()).origin);
  });
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return { context, page, origins, errors };
}

/** The visible screen's heading (each screen has exactly one h1, focused when it appears). */
export const heading = (page: Page) => page.locator('main h1');

/**
 * Checks the screen with axe (WCAG 2.x A/AA and best practices: no violations) and captures it
 * at the phone and desktop viewports.
 */
export async function screen(page: Page, name: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  expect(
    results.violations.map(
      (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`,
    ),
    `axe on ${name}`,
  ).toEqual([]);
  mkdirSync(SCREENSHOTS, { recursive: true });
  const size = page.viewportSize() ?? PHONE;
  await page.setViewportSize(PHONE);
  await page.screenshot({ path: join(SCREENSHOTS, `${name}-phone.png`), fullPage: true });
  await page.setViewportSize(DESKTOP);
  await page.screenshot({ path: join(SCREENSHOTS, `${name}-desktop.png`), fullPage: true });
  await page.setViewportSize(size);
}

const isQuestionResponse = (r: Response) =>
  /\/portal\/(question|answer)$/.test(new URL(r.url()).pathname) && r.status() === 200;

/**
 * Runs the checks from the landing page and waits for the first question; returns the API's
 * answer (the question the page shows) so the test can answer it as the person would.
 */
export async function startQuestions(page: Page) {
  const first = page.waitForResponse(isQuestionResponse);
  await page.getByRole('button', { name: 'Start' }).click();
  return (await (await first).json()) as QuestionView;
}

export type QuestionView =
  | { done: false; position: number; total: number; question: PublicQuestion }
  | { done: true; total: number; answered: number };

/** Answers the shown question through the page, as `email`'s owner would; returns the next view. */
export async function answerInPage(
  page: Page,
  view: Extract<QuestionView, { done: false }>,
  email: string,
  how: Answering,
): Promise<QuestionView> {
  await expect.poll(() => heading(page).textContent()).toBe(`Question ${view.position} of ${view.total}`);
  const next = page.waitForResponse(isQuestionResponse);
  const response = responseFor(view.question, email, how);
  if ('skipped' in response) {
    await page.getByRole('button', { name: 'Skip this question' }).click();
  } else if ('optionId' in response) {
    const label =
      view.question.kind === 'choice'
        ? view.question.options.find((o) => o.id === response.optionId)?.label
        : undefined;
    await page.getByRole('radio', { name: label, exact: true }).check();
    await page.getByRole('button', { name: /^(Next|Finish)$/ }).click();
  } else {
    await page.getByRole('textbox').fill(response.text);
    await page.getByRole('button', { name: /^(Next|Finish)$/ }).click();
  }
  return (await (await next).json()) as QuestionView;
}

/** Answers every question the same way through the page; returns when the last is sent. */
export async function answerAllInPage(
  page: Page,
  first: QuestionView,
  email: string,
  how: Answering,
): Promise<void> {
  let view = first;
  while (!view.done) view = await answerInPage(page, view, email, how);
}

/** What the page keeps: no cookies, no session storage; local storage only for the device credential a pass earns. */
export async function storedInBrowser(page: Page) {
  const storage = (await page.evaluate(
    '({ local: localStorage.length, session: sessionStorage.length, cookie: document.cookie })',
  )) as { local: number; session: number; cookie: string };
  return { ...storage, cookies: (await page.context().cookies()).length };
}

/** Presses Tab until the focused element's accessible text matches (keyboard only, no clicks). */
export async function tabTo(page: Page, name: RegExp, maxTabs = 12): Promise<void> {
  for (let i = 0; i < maxTabs; i++) {
    await page.keyboard.press('Tab');
    const focused = (await page.evaluate(
      "(() => { const e = document.activeElement; return e ? (e.labels?.[0]?.textContent ?? e.getAttribute('aria-label') ?? e.textContent ?? '') : '' })()",
    )) as string;
    if (name.test(focused.trim())) return;
  }
  throw new Error(`Tab never reached ${name}`);
}
