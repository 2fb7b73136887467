/**
 * The self-service portal in Chromium against the whole local stack: every path a requester can
 * take, by mouse and by keyboard alone, each screen checked with axe and captured at phone and
 * desktop size; and a scripted browser, which the engine must flag.
 */
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LocalGateway } from '../../local/gateway.js';
import { listenOn } from '../../local/ports.js';
import { responseFor } from '../../local/requester.js';
import { PORTAL_APP_PATH } from '../../local/stack.js';
import { StaticSite, securityHeaders } from '../../local/static-site.js';
import type { VerificationDetail } from '../../shared/console-api/verifications.js';
import { ipPrefix } from '../../shared/domain/ip-address.js';
import { NETWORK_CODES } from '../../shared/domain/network-signals.js';
import { apiCors } from '../../shared/http/cors.js';
import { LOCAL_PORTAL_CONFIG, PORTAL_CSP, PORTAL_DIST, portalCsp } from '../../web/portal/build.js';
import {
  call,
  complete,
  directoryOf,
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
import {
  answerAllInPage,
  answerInPage,
  heading,
  launch,
  openContext,
  type PortalPage,
  type QuestionView,
  screen,
  startQuestions,
  storedInBrowser,
  tabTo,
} from './portal-browser.js';

/** Seeded people of the Lisbon office (at home on a Portuguese network, as the browser context says). */
const PEOPLE = {
  reset: 'zoe.martin@example.com',
  failed: 'lukasz.kowalski@example.com',
  skipper: 'chidi.okafor@example.com',
  late: 'elena.petrova@example.com',
  keyboard: 'dmitri.volkov@example.com',
  scripted: 'nadia.rahman@example.com',
  timedOut: 'sven.andersson@example.com',
  noAction: 'jose.araujo@example.com',
  used: 'ines.oliveira@example.com',
  selfService: 'zoe.martin@example.com',
  crossOrigin: 'mariana.araujo@example.com',
  otherOrigin: 'olafur.sorensen@example.com',
  notMe: 'ngozi.dvorak@example.com',
  feedback: 'goncalo.santos@example.com',
  returning: 'matthew.yilmaz@example.com',
  paused: 'james.mensah@example.com',
};
const NEW_PASSWORD = 'harbour kettle violet sundial 88';

let h: Harness;
let requesterBrowser: Browser;
let scriptedBrowser: Browser;
const opened: PortalPage[] = [];

beforeAll(async () => {
  h = await startHarness();
  await putConnection(h, { connectionId: 'short', linkLifetimeSeconds: 2 });
  // Long enough to open the link and answer a question, short enough to wait out.
  await putConnection(h, { connectionId: 'brief', linkLifetimeSeconds: 15 });
  requesterBrowser = await launch('requester');
  scriptedBrowser = await launch('scripted');
});

// On every path: no script error and no CSP violation (4xx answers the page expects are logged by
// Chromium as failed loads; those are the API speaking, not the page failing).
afterEach(async () => {
  const pages = opened.splice(0);
  for (const p of pages) await p.context.close().catch(() => undefined);
  expect(pages.flatMap((p) => p.errors).filter((e) => !e.startsWith('Failed to load resource'))).toEqual([]);
});

afterAll(async () => {
  await requesterBrowser?.close();
  await scriptedBrowser?.close();
  await h?.stop();
});

async function requesterPage(
  kind: 'requester' | 'scripted' = 'requester',
  options?: { fromLoopback?: boolean },
) {
  const p = await openContext(kind === 'requester' ? requesterBrowser : scriptedBrowser, kind, options);
  opened.push(p);
  return p;
}

/** Opens a ticket for `email`, sends the link by email and returns it as the message has it. */
async function linkFor(email: string, options: { connectionId?: string; reset?: boolean } = {}) {
  const ticket = await openTicket(h, options.connectionId ?? 'local-desk', email);
  const sent = await sendLink(h, ticket.id, {
    ...(options.connectionId ? { connectionId: options.connectionId } : {}),
    ...(options.reset === false ? {} : { requestedAction: 'password_reset' as const }),
  });
  const url = /(https?:\/\/\S+#t=[\w-]+)/.exec(sent.message.text)?.[1];
  if (!url) throw new Error('no link in the message');
  return { ...sent, url, ticketNumber: (await verification(h, sent.verificationId)).ticketNumber };
}

/** The verification as the console shows it to an agent (reasons included). */
async function agentView(verificationId: string): Promise<VerificationDetail> {
  const res = await call(h, 'GET', `/api/verifications/${verificationId}`, { token: h.agentToken });
  expect(res.status).toBe(200);
  return res.json;
}

const headingText = (page: Page) => heading(page).textContent();
const showsHeading = (page: Page, text: string) => expect.poll(() => headingText(page)).toBe(text);

async function openAndStart(page: Page, url: string, ticketNumber: string) {
  await openLanding(page, url, ticketNumber);
  return startQuestions(page);
}

async function openLanding(page: Page, url: string, ticketNumber: string, shot?: string) {
  const response = await page.goto(url);
  // Served as CloudFront serves it: the portal's CSP and the security headers.
  expect(response?.headers()).toMatchObject(securityHeaders(PORTAL_CSP));
  await showsHeading(page, "Confirm it's you");
  await expect(page.locator('main').textContent()).resolves.toContain(ticketNumber);
  // The token was exchanged: gone from the address bar and from this history entry.
  expect(page.url()).not.toContain('#t=');
  expect(page.url()).toMatch(new RegExp(`${PORTAL_APP_PATH}/$`));
  if (shot) await screen(page, shot);
}

describe('a verified requester resets their password', () => {
  it('walks landing, checks, questions, result, password form and done', async () => {
    // Prepare
    const { page, origins, errors } = await requesterPage();
    const link = await linkFor(PEOPLE.reset);

    // Act: landing, then the checks run (held at the signals call, to see them) and the first question shows
    await openLanding(page, link.url, link.ticketNumber, 'passed-1-landing');
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route('**/portal/signals', async (route) => {
      await held;
      await route.continue();
    });
    const firstView = startQuestions(page);
    await showsHeading(page, 'Running quick checks');
    await expect.poll(() => page.locator('.checks li.done').count()).toBe(1);
    await screen(page, 'passed-2-checks');
    release();
    const first = await firstView;
    if (first.done) throw new Error('no questions');
    await screen(page, 'passed-3-question');
    await answerAllInPage(page, first, PEOPLE.reset, 'right');

    // Assess: passed, offered the reset
    await showsHeading(page, "You're verified");
    await screen(page, 'passed-4-result');
    await expect(page.locator('.reference').textContent()).resolves.toContain(link.verificationId);
    await page.getByRole('button', { name: 'Choose a new password' }).click();
    await showsHeading(page, 'Choose a new password');

    // Act: a guessable password gets the server's feedback while typing, then a good one
    await page.getByLabel('New password', { exact: true }).fill('password password');
    await expect.poll(() => page.locator('#password-strength').textContent()).not.toMatch(/^(Checking…)?$/);
    expect(await page.locator('#password-strength').textContent()).not.toBe('Strong password.');
    await screen(page, 'passed-5-password-weak');
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await expect.poll(() => page.locator('#password-strength').textContent()).toBe('Strong password.');
    await page.getByLabel('Type it again').fill(`${NEW_PASSWORD}x`);
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('not the same');
    await page.getByLabel('Type it again').fill(NEW_PASSWORD);
    await screen(page, 'passed-6-password-strong');
    await page.getByRole('button', { name: 'Change password' }).click();

    // Assess: done, the directory has the new password, the verification passed with the action done
    await showsHeading(page, 'Your password has been changed');
    await screen(page, 'passed-7-done');
    const v = await verification(h, link.verificationId);
    expect(v.status).toBe('passed');
    expect(v.action.state).toBe('done');
    const directory = directoryOf(h);
    const user = (await directory.findByEmail(PEOPLE.reset)) as { userId: string };
    expect(await directory.verifyPassword(user.userId, NEW_PASSWORD)).toBe(true);

    // Security: same origin only, nothing of the session kept in the browser (only the device
    // credential the pass earned), no CSP violations or page errors
    expect([...origins]).toEqual([new URL(h.api).origin]);
    expect(await storedInBrowser(page)).toEqual({ local: 1, session: 0, cookie: '', cookies: 0 });
    expect(await page.evaluate("localStorage.getItem('helpdesk-verify.device')")).toMatch(/^dc1\./);
    expect(errors).toEqual([]);
  });
});

describe('a verified requester with nothing to do on the portal', () => {
  it('is told the help desk carries on', async () => {
    const { page } = await requesterPage();
    const link = await linkFor(PEOPLE.noAction, { reset: false });
    const first = await openAndStart(page, link.url, link.ticketNumber);
    await answerAllInPage(page, first, PEOPLE.noAction, 'right');

    await showsHeading(page, "You're verified");
    expect(await page.locator('main').textContent()).toContain('You can close this page');
    // Nothing to do but the optional feedback.
    expect(await page.getByRole('button').allTextContents()).toEqual(['Send feedback']);
    await screen(page, 'passed-no-action-result');
    expect((await verification(h, link.verificationId)).status).toBe('passed');
  });
});

describe('a requester who gets the answers wrong', () => {
  it('is told what to do next and given a reference, not which check failed', async () => {
    const { page } = await requesterPage();
    const link = await linkFor(PEOPLE.failed);
    const first = await openAndStart(page, link.url, link.ticketNumber);
    await answerAllInPage(page, first, PEOPLE.failed, 'wrong');

    await showsHeading(page, "We couldn't confirm it's you");
    await screen(page, 'failed-result');
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).toContain(link.ticketNumber);
    expect(text).toContain(link.verificationId);
    expect(text).toContain('+1 555 0100');
    expect(text).not.toMatch(/wrong|incorrect|score|risk|answer/i);
    expect(await page.getByRole('button', { name: /password/i }).count()).toBe(0);
    expect((await verification(h, link.verificationId)).status).toBe('failed');
  });
});

describe('a requester who skips the questions', () => {
  it('sees the not-enough-answers result with a reference', async () => {
    const { page } = await requesterPage();
    const link = await linkFor(PEOPLE.skipper);
    const first = await openAndStart(page, link.url, link.ticketNumber);
    if (first.done) throw new Error('no questions');
    const second = await answerInPage(page, first, PEOPLE.skipper, 'skip');
    await screen(page, 'skipped-question-2');
    await answerAllInPage(page, second, PEOPLE.skipper, 'skip');

    await showsHeading(page, "We couldn't confirm it's you");
    expect(await page.locator('main').textContent()).toContain('more answers');
    await screen(page, 'not-enough-result');
    expect((await verification(h, link.verificationId)).status).toBe('not_enough_questions');
  });
});

describe('"I did not ask for this"', () => {
  it('is offered on the landing, asks to confirm, and ends the verification as Failed with the urgent note', async () => {
    const { page } = await requesterPage();
    const link = await linkFor(PEOPLE.notMe);
    await openLanding(page, link.url, link.ticketNumber, 'not-me-1-landing');
    await page.getByRole('button', { name: "Tell us it wasn't you" }).click();
    await showsHeading(page, "Didn't ask for this?");
    await expect(page.locator('main').textContent()).resolves.toContain(link.ticketNumber);
    await screen(page, 'not-me-2-confirm');
    // Going back changes nothing.
    await page.getByRole('button', { name: 'Go back' }).click();
    await showsHeading(page, "Confirm it's you");
    expect((await verification(h, link.verificationId)).status).toBe('in_progress');

    await page.getByRole('button', { name: "Tell us it wasn't you" }).click();
    await page.getByRole('button', { name: "It wasn't me, stop this" }).click();
    await showsHeading(page, "Thank you, we've stopped it");
    await expect(page.locator('.reference').textContent()).resolves.toContain(link.verificationId);
    await screen(page, 'not-me-3-done');

    const v = await verification(h, link.verificationId);
    expect(v.status).toBe('failed');
    expect(v.requesterReport?.kind).toBe('not_me');
    const detail = await agentView(link.verificationId);
    expect(detail.assessment?.riskScore).toBe(10);
    expect(detail.assessment?.recommendation).toMatch(/^URGENT/);
  });
});

describe('feedback after the outcome', () => {
  it('takes easy or hard and an optional comment, once', async () => {
    const { page } = await requesterPage();
    const link = await linkFor(PEOPLE.feedback, { reset: false });
    const first = await openAndStart(page, link.url, link.ticketNumber);
    await answerAllInPage(page, first, PEOPLE.feedback, 'right');
    await showsHeading(page, "You're verified");

    await page.getByRole('button', { name: 'Send feedback' }).click();
    await expect.poll(() => page.locator('#feedback-error').textContent()).toContain('easy or hard');
    await page.getByRole('radio', { name: 'Hard' }).check();
    await page.getByLabel('Anything to add? (optional)').fill('The office question took me a moment.');
    await expect(page.locator('#feedback-count').textContent()).resolves.toContain('463 characters left');
    await screen(page, 'feedback-1-filled');
    await page.getByRole('button', { name: 'Send feedback' }).click();
    await expect
      .poll(() => page.getByRole('status').last().textContent())
      .toBe('Thank you for your feedback.');
    await screen(page, 'feedback-2-sent');
    expect((await verification(h, link.verificationId)).feedback).toMatchObject({
      difficulty: 'hard',
      comment: 'The office question took me a moment.',
    });
  });
});

describe('a returning device', () => {
  it('presents the credential its last pass earned, and the agent sees a server-verified known device', async () => {
    const { page } = await requesterPage();
    const firstLink = await linkFor(PEOPLE.returning, { reset: false });
    await answerAllInPage(
      page,
      await openAndStart(page, firstLink.url, firstLink.ticketNumber),
      PEOPLE.returning,
      'right',
    );
    await showsHeading(page, "You're verified");
    const secondLink = await linkFor(PEOPLE.returning, { reset: false });
    // Another day, the same browser (a new link differs only in the fragment: load it afresh).
    await page.goto('about:blank');
    // The recent-ticket question never asks about last time's ticket (opened minutes ago): the
    // person answers what they know of themselves.
    let view = await openAndStart(page, secondLink.url, secondLink.ticketNumber);
    while (!view.done) view = await answerInPage(page, view, PEOPLE.returning, 'right');
    await showsHeading(page, "You're verified");
    const first = await verification(h, firstLink.verificationId);
    const second = await verification(h, secondLink.verificationId);
    expect(first.client?.deviceCredential).toBeUndefined();
    expect(second.client?.deviceCredential?.state).toBe('verified');
    expect(second.assessment?.reasons.find((r) => r.code === 'KNOWN_DEVICE')).toMatchObject({
      verifiedBy: 'server',
    });
    // The summary the agent reads says who vouches for each signal.
    const detail = await agentView(secondLink.verificationId);
    expect(detail.reasonsByCategory.endpoint?.find((r) => r.code === 'KNOWN_DEVICE')?.verifiedBy).toBe(
      'server',
    );
    expect(detail.reasonsByCategory.persona?.find((r) => r.code === 'CONTACT_ON_RECORD')?.verifiedBy).toBe(
      'server',
    );
  });
});

describe('rate-limit refusals', () => {
  // The codes come from the API (test/integration/abuse.test.ts); here: what the person reads.
  const refuse = (code: string) => ({
    status: 429,
    contentType: 'application/json',
    body: JSON.stringify({ error: { code, message: 'refused' } }),
  });

  it('a session cut off mid-way is told it is paused and when to come back', async () => {
    const { page } = await requesterPage();
    const link = await linkFor(PEOPLE.paused, { reset: false });
    await openLanding(page, link.url, link.ticketNumber);
    await page.route('**/portal/question', (route) => route.fulfill(refuse('SESSION_RATE_LIMITED')));
    await page.getByRole('button', { name: 'Start' }).click();
    await showsHeading(page, 'Paused for a few minutes');
    expect(await page.locator('main').textContent()).toContain('Wait 15 minutes');
    await screen(page, 'refused-session-paused');
  });

  it('a link that does not open from a device that tried many says its own link still opens', async () => {
    const { page } = await requesterPage();
    await page.route('**/portal/session', (route) => route.fulfill(refuse('TOO_MANY_INVALID_LINKS')));
    await page.goto(`${h.api}${PORTAL_APP_PATH}/#t=${'A'.repeat(43)}`);
    await showsHeading(page, "This link doesn't work");
    expect(await page.locator('main').textContent()).toContain('A link from your own message still opens');
    await screen(page, 'refused-invalid-links');
  });
});

describe('links that no longer work', () => {
  it('an expired link explains how to get a new one', async () => {
    const { page } = await requesterPage();
    const link = await linkFor(PEOPLE.late, { connectionId: 'short' });
    await until('the link to expire', async () =>
      Date.parse((await verification(h, link.verificationId)).linkExpiresAt) < Date.now() - 500
        ? true
        : undefined,
    );
    await page.goto(link.url);
    await showsHeading(page, 'This link has expired');
    expect(page.url()).not.toContain('#t=');
    await screen(page, 'expired-link');
    await expect(page.getByRole('link', { name: /request a new link/ }).getAttribute('href')).resolves.toBe(
      './',
    );
  });

  it('a used link says so', async () => {
    const { page } = await requesterPage();
    const link = await linkFor(PEOPLE.used);
    const session = await openLink(h, link.linkToken);
    expect((await complete(h, session, 'skip', { email: PEOPLE.used })).status).toBe(200);
    await page.goto(link.url);
    await showsHeading(page, 'This link has already been used');
    await screen(page, 'used-link');
  });
});

describe('the self-initiated start page', () => {
  it('takes a work email and sends a link to the contact on record', async () => {
    const { page } = await requesterPage();
    await page.goto(`${h.api}${PORTAL_APP_PATH}/`);
    await showsHeading(page, 'Verify your identity');
    await screen(page, 'start-1-form');
    await page.getByLabel('Work email').fill('not an email');
    await page.getByRole('button', { name: 'Send me a link' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('work email address');
    await screen(page, 'start-2-invalid');

    const before = (await inbox(h)).length;
    await page.getByLabel('Work email').fill(PEOPLE.selfService);
    await page.getByRole('button', { name: 'Send me a link' }).click();
    await showsHeading(page, 'Check your messages');
    await screen(page, 'start-3-sent');
    const messages = await until('the self-service link', async () => {
      const all = await inbox(h);
      return all.length > before ? all : undefined;
    });
    const url = /(https?:\/\/\S+#t=[\w-]+)/.exec(messages[0]?.text ?? '')?.[1] ?? '';
    expect(url).toContain(`${PORTAL_APP_PATH}/#t=`);

    // The link opens a self-service verification: no ticket to quote, a reset to offer.
    await page.goto(url);
    await showsHeading(page, "Confirm it's you");
    const landing = (await page.locator('main').textContent()) ?? '';
    expect(landing).toContain('reset your password yourself');
    expect(landing).not.toContain('Self-service');
    await screen(page, 'start-4-landing');
  });
});

/**
 * As deployed: CloudFront serves the portal on one origin and the HTTP API answers on its own
 * (config.json's apiBaseUrl), with CORS for the portal's origin and the CSP naming the API. Here a
 * second static site and a second gateway (same handlers, same table) play the two, on other ports.
 */
describe("the portal calling the API on the API's own origin", () => {
  let site: Server;
  let api: LocalGateway;
  let portalOrigin = '';
  let apiOrigin = '';
  let portal: StaticSite | undefined;

  beforeAll(async () => {
    site = createServer((req, res) => {
      const pathname = new URL(req.url ?? '/', 'http://site').pathname;
      void (portal?.serve(req, res, pathname) ?? Promise.resolve(false)).then((served) => {
        if (!served) res.writeHead(404).end();
      });
    });
    portalOrigin = await listenOn(site, 0, 'portal site');
    // The API allows the portal's origin only (in AWS, the console's too).
    api = new LocalGateway({
      consoleUsers: [],
      outboxDir: join(h.dataDir, 'outbox'),
      cors: apiCors([portalOrigin]),
    });
    apiOrigin = await api.listen(0);
    portal = new StaticSite({
      prefix: PORTAL_APP_PATH,
      root: PORTAL_DIST,
      contentSecurityPolicy: portalCsp(apiOrigin),
      runtimeFiles: { 'config.json': { ...LOCAL_PORTAL_CONFIG, apiBaseUrl: apiOrigin } },
    });
  });

  afterAll(async () => {
    await api?.stop();
    site?.closeAllConnections();
    await new Promise((resolve) => site?.close(resolve));
  });

  /** The same link, opened on `origin` instead of the local stack's own portal. */
  const on = (origin: string, url: string) => `${origin}${new URL(url).pathname}${new URL(url).hash}`;

  it("completes a verification; the API sees the browser's own address", async () => {
    // Prepare
    const { page, origins, errors } = await requesterPage('requester', { fromLoopback: true });
    const link = await linkFor(PEOPLE.crossOrigin, { reset: false });
    const apiCalls: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname.startsWith('/portal/')) apiCalls.push(new URL(r.url()).origin);
    });

    // Act
    const response = await page.goto(on(portalOrigin, link.url));
    expect(response?.headers()).toMatchObject(securityHeaders(portalCsp(apiOrigin)));
    await showsHeading(page, "Confirm it's you");
    await expect(page.locator('main').textContent()).resolves.toContain(link.ticketNumber);
    const first = await startQuestions(page);
    await answerAllInPage(page, first, PEOPLE.crossOrigin, 'right');

    // Assess: a result (not a pass: a loopback address has no network data to vouch with, and
    // right answers alone never pass), every API call to the API's origin, nothing else reached
    await showsHeading(page, "We couldn't confirm it's you");
    await screen(page, 'cross-origin-result');
    expect(apiCalls.length).toBeGreaterThan(3);
    expect(new Set(apiCalls)).toEqual(new Set([apiOrigin]));
    expect(origins).toEqual(new Set([portalOrigin, apiOrigin]));
    expect(errors).toEqual([]);
    // The engine scored the browser's own connection: the address the gateway saw on the socket.
    const v = await verification(h, link.verificationId);
    expect(v.status).toBe('failed');
    expect(v.client?.ipPrefix).toBe(ipPrefix('127.0.0.1'));
    const network = (await agentView(link.verificationId)).reasonsByCategory.network ?? [];
    expect(network.map((r) => r.code)).toContain(NETWORK_CODES.unknown);
  });

  it('the CSP keeps the page from any other origin', async () => {
    const { page, errors } = await requesterPage('requester', { fromLoopback: true });
    await page.goto(`${portalOrigin}${PORTAL_APP_PATH}/`);
    await showsHeading(page, 'Verify your identity');

    // The local stack's own gateway is an API too, but not the one the CSP names.
    const violation = await page.evaluate(
      `new Promise((resolve) => {
        document.addEventListener('securitypolicyviolation', (e) => resolve(e.violatedDirective + ' ' + e.blockedURI), { once: true });
        fetch(${JSON.stringify(`${h.api}/portal/question`)}).catch(() => undefined);
      })`,
    );

    expect(violation).toBe(`connect-src ${h.api}/portal/question`);
    const logged = errors.splice(0);
    expect(logged.length).toBeGreaterThan(0);
    for (const e of logged) expect(e).toContain('Content Security Policy');
  });

  it('CORS keeps the API from a page on an origin it does not allow', async () => {
    // Prepare: the same portal and config, from http://localhost:<port> instead of 127.0.0.1
    const { page, errors } = await requesterPage('requester', { fromLoopback: true });
    const link = await linkFor(PEOPLE.otherOrigin, { reset: false });
    const otherOrigin = portalOrigin.replace('127.0.0.1', 'localhost');

    // Act
    await page.goto(on(otherOrigin, link.url));

    // Assess: the preflight got no CORS answer, so the page never read the session; the link is unused
    await showsHeading(page, 'Something went wrong');
    expect(errors.splice(0).some((e) => e.includes('CORS policy'))).toBe(true);
    expect((await verification(h, link.verificationId)).status).toBe('sent');
  });
});

describe('the start page where self-service is off', () => {
  it('sends people to the help desk instead of taking an email', async () => {
    // Prepare: the deployment's config.json says so (CDK writes it from selfServiceConnectionId)
    const { page } = await requesterPage();
    await page.route('**/portal-app/config.json', (route) =>
      route.fulfill({ json: { ...LOCAL_PORTAL_CONFIG, selfService: false } }),
    );

    // Act
    await page.goto(`${h.api}${PORTAL_APP_PATH}/`);

    // Assess
    await showsHeading(page, 'Verify your identity');
    expect(await page.getByLabel('Work email').count()).toBe(0);
    expect(await page.locator('main').textContent()).toContain('call the IT Service Desk on +1 555 0100');
    await screen(page, 'start-disabled');
  });
});

describe('a requester whose time runs out mid-way', () => {
  it("is told time's up and how to get a new link; the verification times out", async () => {
    const { page } = await requesterPage();
    const link = await linkFor(PEOPLE.timedOut, { connectionId: 'brief' });
    const first = await openAndStart(page, link.url, link.ticketNumber);
    if (first.done) throw new Error('no questions');
    await answerInPage(page, first, PEOPLE.timedOut, 'right');
    await expect.poll(() => headingText(page)).toBe(`Question 2 of ${first.total}`);

    await expect.poll(() => headingText(page), { timeout: 30_000 }).toBe("Time's up");
    await screen(page, 'timed-out');
    await until('the lifecycle to time out', async () =>
      (await verification(h, link.verificationId)).status === 'timed_out' ? true : undefined,
    );
  });
});

describe('keyboard only', () => {
  it('walks the whole passed path without a pointer, focus moving to each new screen', async () => {
    const { page } = await requesterPage();
    const link = await linkFor(PEOPLE.keyboard);
    await page.goto(link.url);
    await showsHeading(page, "Confirm it's you");
    const focusedTag = () => page.evaluate('document.activeElement?.tagName') as Promise<string>;
    expect(await focusedTag()).toBe('H1');

    const firstQuestion = page.waitForResponse((r) => r.url().endsWith('/portal/question'));
    await tabTo(page, /^Start$/);
    await screen(page, 'keyboard-1-start-focused');
    await page.keyboard.press('Enter');
    let view = (await (await firstQuestion).json()) as QuestionView;
    while (!view.done) {
      const current = view;
      await showsHeading(page, `Question ${current.position} of ${current.total}`);
      expect(await focusedTag()).toBe('H1');
      const response = responseFor(current.question, PEOPLE.keyboard, 'right');
      const next = page.waitForResponse((r) => r.url().endsWith('/portal/answer'));
      if ('optionId' in response && current.question.kind === 'choice') {
        // Tab lands on the radio group; arrows move the choice; Tab then reaches Next.
        await page.keyboard.press('Tab');
        await page.keyboard.press('Space');
        const index = current.question.options.findIndex((o) => o.id === response.optionId);
        for (let i = 0; i < index; i++) await page.keyboard.press('ArrowDown');
        if (current.position === 1) await screen(page, 'keyboard-2-choice');
        await tabTo(page, /^(Next|Finish)$/, 2);
        await page.keyboard.press('Enter');
      } else if ('text' in response) {
        await tabTo(page, new RegExp(current.question.prompt.replace(/[?.]/g, '.')), 2);
        await page.keyboard.type(response.text);
        await page.keyboard.press('Enter');
      }
      view = (await (await next).json()) as QuestionView;
    }

    await showsHeading(page, "You're verified");
    await tabTo(page, /^Choose a new password$/);
    await page.keyboard.press('Enter');
    await showsHeading(page, 'Choose a new password');
    await tabTo(page, /^New password$/);
    await page.keyboard.type(NEW_PASSWORD);
    await tabTo(page, /^Type it again$/, 2);
    await page.keyboard.type(NEW_PASSWORD);
    await screen(page, 'keyboard-3-password');
    await page.keyboard.press('Enter');
    await showsHeading(page, 'Your password has been changed');
    expect((await verification(h, link.verificationId)).action.state).toBe('done');
  });
});

describe('a scripted browser', () => {
  it('is flagged by the engine: the agent sees AUTOMATION_DETECTED', async () => {
    // Playwright's defaults: navigator.webdriver is true and the user agent says HeadlessChrome.
    const { page } = await requesterPage('scripted');
    expect(await page.evaluate('navigator.webdriver')).toBe(true);
    const link = await linkFor(PEOPLE.scripted);
    const first = await openAndStart(page, link.url, link.ticketNumber);
    await answerAllInPage(page, first, PEOPLE.scripted, 'right');

    // Even with every answer right it fails, and the page says nothing about why.
    await showsHeading(page, "We couldn't confirm it's you");
    expect(await page.locator('main').textContent()).not.toMatch(/automat|bot|script/i);
    await screen(page, 'scripted-result');
    const detail = await agentView(link.verificationId);
    expect(detail.status).toBe('failed');
    expect(detail.assessment?.riskScore).toBe(10);
    expect((detail.reasonsByCategory.endpoint ?? []).map((r) => r.code)).toContain('AUTOMATION_DETECTED');
  });
});
