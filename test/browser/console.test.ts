/**
 * The help-desk console in Chromium against the whole local stack: an agent opens the send page
 * from a ticket's link, sends by SMS and by email, cancels, watches the row change as the requester
 * answers on the portal API, reads the summary and the transcript and filters the table; an auditor
 * exports CSV and is refused settings; an admin changes a policy; an expired session goes back to
 * sign-in. Every screen is checked with axe and captured at phone and desktop size.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_USERS, DEMO_REQUESTER_EMAIL } from '../../local/seed.js';
import type { Settings } from '../../shared/console-api/settings.js';
import type { VerificationView } from '../../shared/console-api/verifications.js';
import { secretNames } from '../../shared/ports/secrets.js';
import {
  call,
  complete,
  finished,
  type Harness,
  linkTokenIn,
  messageFor,
  openLink,
  openTicket,
  sendLink,
  startHarness,
  verification,
} from '../integration/harness.js';
import {
  type ConsolePage,
  consolePage,
  consoleUrl,
  downloadCsv,
  navLinks,
  openAs,
  rowText,
  showsHeading,
  signIn,
} from './console-browser.js';
import { heading, launch, screen, tabTo } from './portal-browser.js';

/** A Portuguese mobile number as an agent would type it, without the country code. */
const TYPED_MOBILE = '912 345 678';
const TYPED_MOBILE_E164 = '+351912345678';

let h: Harness;
let browser: Browser;
let agent: ConsolePage;
/** The ticket opened on the desk, and the verification the agent sent by email for it. */
let ticket: { id: string; number: string };
let emailed: { verificationId: string; linkToken: string };

beforeAll(async () => {
  h = await startHarness();
  browser = await launch('scripted');
  agent = await consolePage(browser);
});

afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

const sent = (page: Page) =>
  page.waitForResponse(
    (r: Response) => new URL(r.url()).pathname === '/api/verifications' && r.request().method() === 'POST',
  );

const statusText = (page: Page) => page.locator('#status-h + .status-line').textContent();

describe('an agent on the send page', () => {
  it('opens it from the link on a ticket, signs in and sees the ticket pre-filled', async () => {
    // Prepare: a gated ticket on the local desk gets its "Send verification link" entry
    const opened = await openTicket(h);
    const deskTicket = h.stack.desk.get(opened.id);
    const link = deskTicket?.verificationUrl ?? '';
    expect(link).toBe(consoleUrl(h, `/send?connection=local-desk&ticket=${encodeURIComponent(opened.id)}`));
    ticket = { id: opened.id, number: deskTicket?.number ?? '' };

    // Act
    const { page } = agent;
    await page.goto(link);
    await showsHeading(page, 'Sign in to the console');
    await screen(page, 'console-sign-in');
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('do not match');
    await signIn(page, 'alice');
    // The refused attempt's 401 is the only console error expected; later checks want none.
    agent.errors.length = 0;

    // Assess: back on the page the link named, the ticket and the masked contact shown
    await showsHeading(page, 'Send verification link');
    expect(page.url()).toBe(link);
    await expect
      .poll(() => page.locator('main').textContent())
      .toContain(`Ticket ${ticket.number}: Locked out`);
    const main = (await page.locator('main').textContent()) ?? '';
    expect(main).toMatch(/Zo\S+ Mart\S+/);
    expect(main).toMatch(/Contact on record: z\S*\*\S*@example\.com/);
    expect(main).not.toContain(DEMO_REQUESTER_EMAIL);
    expect(await navLinks(page)).toEqual(['Verifications', 'Verify a caller', 'Dashboard']);
    await screen(page, 'console-send');
  });

  it('sends by SMS to a typed mobile number, with a reason, then cancels it', async () => {
    const { page } = agent;
    await page.getByRole('radio', { name: 'SMS', exact: true }).check();
    await page.getByRole('radio', { name: 'Another mobile number' }).check();
    await page.getByLabel('Country code').selectOption('PT');
    // A number too short for Portugal is refused before anything is sent
    await page.getByLabel('Mobile number', { exact: true }).fill('91234');
    await expect
      .poll(() => page.locator('#number-check').textContent())
      .toContain('not a valid mobile number');
    await page.getByLabel('Mobile number', { exact: true }).fill(TYPED_MOBILE);
    await expect.poll(() => page.locator('#number-check').textContent()).toContain(TYPED_MOBILE_E164);
    // A typed destination needs a reason
    await page.getByRole('button', { name: 'Send SMS' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Say why');
    await page
      .getByLabel('Why not the contact on record?')
      .fill('Requester is travelling; work phone left at home');
    await screen(page, 'console-send-sms');

    const response = sent(page);
    await page.getByRole('button', { name: 'Send SMS' }).click();
    const view = (await (await response).json()) as VerificationView;

    // Assess: the SMS went to the E.164 number; the page shows the live status, masked
    const message = await messageFor(h, view.verificationId);
    expect(message.channel).toBe('sms');
    expect(message.to).toBe(TYPED_MOBILE_E164);
    await expect.poll(() => statusText(page)).toContain('Link sent');
    const main = (await page.locator('main').textContent()) ?? '';
    expect(main).toContain('(typed by the agent)');
    expect(main).not.toContain(TYPED_MOBILE_E164);
    await screen(page, 'console-send-status');

    // Act: resend (a fresh link to the same number; the first one is cancelled), then cancel that
    const resent = page.waitForResponse((r: Response) => new URL(r.url()).pathname.endsWith('/resend'));
    await page.getByRole('button', { name: 'Resend link' }).click();
    const second = (await (await resent).json()) as VerificationView;
    expect(second.verificationId).not.toBe(view.verificationId);
    expect((await messageFor(h, second.verificationId)).to).toBe(TYPED_MOBILE_E164);
    expect((await verification(h, view.verificationId)).status).toBe('cancelled');
    await expect
      .poll(() => page.getByRole('link', { name: 'Open the summary' }).getAttribute('href'))
      .toContain(second.verificationId);
    await page.getByRole('button', { name: 'Cancel verification' }).click();
    await page.getByRole('button', { name: 'Yes, cancel it' }).click();
    await expect.poll(() => statusText(page)).toContain('Cancelled');
    expect((await verification(h, second.verificationId)).status).toBe('cancelled');
  });

  it('sends by email to the contact on record', async () => {
    const { page } = agent;
    await page.getByRole('button', { name: 'Send another link' }).click();
    await page.getByRole('radio', { name: 'Email', exact: true }).check();
    await expect(page.getByRole('radio', { name: /^Contact on record/ }).isChecked()).resolves.toBe(true);
    await expect(page.getByLabel('Requested action').inputValue()).resolves.toBe('password_reset');

    const response = sent(page);
    await page.getByRole('button', { name: 'Send email' }).click();
    const view = (await (await response).json()) as VerificationView;

    const message = await messageFor(h, view.verificationId);
    expect(message.channel).toBe('email');
    expect(message.to).toBe(DEMO_REQUESTER_EMAIL);
    await expect.poll(() => statusText(page)).toContain('Link sent');
    emailed = {
      verificationId: view.verificationId,
      linkToken: linkTokenIn(message.text),
    };
    expect(emailed.linkToken).not.toBe('');
    // The earlier, cancelled verification is in the ticket's history
    await expect.poll(() => page.locator('#history-h').count()).toBe(1);
  });
});

describe('the verifications table', () => {
  it('shows the row change status as the requester answers, newest first', async () => {
    const { page } = agent;
    await page.getByRole('link', { name: 'Verifications' }).click();
    await showsHeading(page, 'Verifications');
    await expect.poll(() => rowText(page, emailed.verificationId)).toContain('Link sent');
    const first = page.locator('tbody tr').first();
    expect(await first.getAttribute('data-verification')).toBe(emailed.verificationId);

    // Act: the requester opens the link and answers every question on the portal API
    const session = await openLink(h, emailed.linkToken);
    await expect.poll(() => rowText(page, emailed.verificationId)).toContain('In progress');
    const done = await complete(h, session, 'right');
    expect(done.status).toBe(200);

    // Assess: the row shows the outcome the store has, with its risk level, without a reload
    const outcome = (await verification(h, emailed.verificationId)).status;
    const label = { passed: 'Passed', failed: 'Failed', not_enough_questions: 'Not enough questions' }[
      outcome as 'passed'
    ];
    expect(label).toBeDefined();
    await expect.poll(() => rowText(page, emailed.verificationId)).toContain(label);
    expect(await rowText(page, emailed.verificationId)).toMatch(/Verified|Medium|High/);
    await screen(page, 'console-verifications');
  });

  it('opens the summary and the transcript', async () => {
    const { page } = agent;
    await page.locator(`tr[data-verification="${emailed.verificationId}"]`).getByRole('link').click();
    await showsHeading(page, `Verification of ticket ${ticket.number}`);
    expect(page.url()).toBe(consoleUrl(h, `/verifications/${emailed.verificationId}`));
    // The subject comes from the ticket system (agents and admins may read the ticket)
    await expect.poll(() => page.locator('main').textContent()).toContain('Locked out');
    const main = (await page.locator('main').textContent()) ?? '';
    expect(main).toContain('Risk score');
    expect(main).toContain('Why this score');
    expect(main).toContain('Password reset');
    await expect
      .poll(() => page.locator('.write-back').textContent())
      .toMatch(/Written to the ticket|Pending/);
    await screen(page, 'console-summary');

    await page.getByRole('link', { name: 'Open the transcript' }).click();
    await showsHeading(page, `Transcript of ticket ${ticket.number}`);
    const v = await verification(h, emailed.verificationId);
    await expect.poll(() => page.locator('ol.transcript > li').count()).toBe(v.questions?.length ?? -1);
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).toMatch(/Correct|Partly correct|Wrong|Skipped/);
    expect(text).toContain('Time taken');
    await screen(page, 'console-transcript');

    // Deep links load on their own (the gateway falls back to index.html under /console)
    await page.reload();
    await showsHeading(page, `Transcript of ticket ${ticket.number}`);
  });

  it('filters on the server, and the address keeps the filters', async () => {
    const { page } = agent;
    await page.goto(consoleUrl(h, '/verifications'));
    await showsHeading(page, 'Verifications');
    await page.getByLabel('Search').fill(ticket.number);
    await page.getByLabel('Status').selectOption('cancelled');
    await page.getByRole('button', { name: 'Apply filters' }).click();

    await expect.poll(() => page.url()).toContain(`q=${ticket.number}`);
    expect(page.url()).toContain('status=cancelled');
    await expect.poll(() => page.locator('tbody tr').count()).toBe(2);
    const texts = await page.locator('tbody tr').allTextContents();
    expect(texts.every((t) => t.includes('Cancelled') && t.includes(ticket.number))).toBe(true);

    // A reload (or a shared link) shows the same rows and filters
    await page.reload();
    await expect.poll(() => page.locator('tbody tr').count()).toBe(2);
    await expect(page.getByLabel('Search').inputValue()).resolves.toBe(ticket.number);
    await expect(page.getByLabel('Status').inputValue()).resolves.toBe('cancelled');
    await screen(page, 'console-verifications-filtered');
  });

  it('shows the dashboard for a date range', async () => {
    const { page } = agent;
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await showsHeading(page, 'Dashboard');
    await expect
      .poll(() => page.locator('.stat').first().textContent())
      .toMatch(/Verifications started[1-9]/);
    expect(await page.locator('.u-wrap canvas').count()).toBeGreaterThan(0);
    expect(await page.locator('main').textContent()).toContain('alice');
    await screen(page, 'console-dashboard');
    await page.getByRole('button', { name: 'Last 7 days' }).click();
    await expect.poll(() => page.url()).toMatch(/from=\d{4}-\d{2}-\d{2}&to=/);
  });

  it('keeps nothing but the session token in the browser, and stays on its own origin', async () => {
    const { page, errors, origins } = agent;
    const stored = (await page.evaluate(
      '({ local: localStorage.length, session: Object.keys(sessionStorage), cookie: document.cookie })',
    )) as { local: number; session: string[]; cookie: string };
    expect(stored).toEqual({ local: 0, session: ['hv-console.token'], cookie: '' });
    expect([...origins]).toEqual([new URL(h.api).origin]);
    expect(errors).toEqual([]);
  });

  it('signs out', async () => {
    const { page } = agent;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await showsHeading(page, 'Sign in to the console');
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
  });
});

describe('a write-back that failed', () => {
  it('shows the failure on the summary, and an agent retries it once the ticket system is back', async () => {
    // Prepare: passed while the desk refused every write, so the outcome note never landed
    const opened = await openTicket(h);
    const { verificationId, linkToken } = await sendLink(h, opened.id);
    const session = await openLink(h, linkToken);
    h.stack.desk.setFaults({ writes: { mode: 'unavailable', remaining: 100 } });
    await complete(h, session, 'right');
    await finished(h, verificationId);
    expect((await verification(h, verificationId)).writeBack.state).toBe('failed');

    // Act: the agent opens the summary and retries while the desk is still down, then again
    const { page, errors } = await consolePage(browser);
    await openAs(page, h, 'alice', `/verifications/${verificationId}`);
    await showsHeading(page, /^Verification of ticket /);
    const writeBack = page.locator('.write-back');
    await expect
      .poll(() => writeBack.textContent())
      .toContain('Failed: the ticket system did not take the update');
    expect(await writeBack.textContent()).toContain('Last error');
    await screen(page, 'console-summary-write-back-failed');
    await page.getByRole('button', { name: 'Retry write-back' }).click();
    await expect.poll(() => writeBack.getByRole('alert').textContent()).toMatch(/\S/);
    h.stack.desk.setFaults({});
    await page.getByRole('button', { name: 'Retry write-back' }).click();

    // Assess: written, no retry offered any more, the ticket has the outcome note
    await expect.poll(() => writeBack.textContent()).toContain('Written to the ticket');
    expect(await page.getByRole('button', { name: 'Retry write-back' }).count()).toBe(0);
    expect((await verification(h, verificationId)).writeBack.state).toBe('done');
    expect(h.stack.desk.get(opened.id)?.notes.some((n) => n.text.includes('verification Passed'))).toBe(true);
    // The refused retry's 502 is the only console error expected.
    expect(errors.filter((e) => !e.includes('502'))).toEqual([]);
  });
});

describe('an auditor', () => {
  let auditor: ConsolePage;
  beforeAll(async () => {
    auditor = await consolePage(browser);
  });

  it('exports the filtered rows as CSV', async () => {
    const { page } = auditor;
    await openAs(page, h, 'audrey', `/verifications?q=${ticket.number}`);
    await showsHeading(page, 'Verifications');
    await expect.poll(() => page.locator('tbody tr').count()).toBe(3);
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const csv = await downloadCsv(page);

    const lines = csv.trim().split(/\r?\n/);
    expect(lines[0]).toContain('"Ticket"');
    expect(lines).toHaveLength(4);
    expect(lines.slice(1).every((l) => l.includes(`"${ticket.number}"`))).toBe(true);
    expect(csv).toContain(emailed.verificationId);
    expect(await page.locator('main').textContent()).toContain('Download CSV (3 rows)');
    await screen(page, 'console-export');
  });

  it('has no settings link, and the settings address says not allowed', async () => {
    const { page } = auditor;
    expect(await navLinks(page)).toEqual(['Verifications', 'Dashboard', 'Audit log']);
    await page.goto(consoleUrl(h, '/settings'));
    await showsHeading(page, 'Not allowed');
    expect(await page.getByRole('alert').textContent()).toContain('does not allow you to change settings');
    await screen(page, 'console-settings-refused');
    // The server agrees
    const token = await h.stack.gateway.issueToken('audrey', ['auditor']);
    expect((await call(h, 'GET', '/api/settings', { token })).status).toBe(403);
  });

  it('reads the audit log, filtered by verification', async () => {
    const { page } = auditor;
    await page.getByRole('link', { name: 'Audit log' }).click();
    await showsHeading(page, 'Audit log');
    await page.getByLabel('Verification ID').fill(emailed.verificationId);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => page.url()).toContain(`verificationId=${emailed.verificationId}`);
    await expect.poll(() => page.locator('tbody tr').count()).toBeGreaterThan(1);
    const rows = await page.locator('tbody tr').allTextContents();
    expect(rows.every((r) => r.includes(emailed.verificationId))).toBe(true);
    expect(rows.join('\n')).toContain('verification.sent');
    await screen(page, 'console-audit');
    expect(auditor.errors).toEqual([]);
  });
});

describe('an admin', () => {
  it('changes a connection policy in settings', async () => {
    const { page } = await consolePage(browser);
    await openAs(page, h, 'adam', '/settings');
    await showsHeading(page, 'Settings');
    await page.getByLabel('Connection').selectOption('servicenow-dev');
    await expect.poll(() => page.locator('#policy-h').textContent()).toContain('ServiceNow');
    await page.getByLabel('Minimum questions answered').fill('4');
    await page.getByLabel('Link lifetime (minutes)').fill('20');
    await page.getByRole('button', { name: 'Save policy' }).click();
    await expect.poll(() => page.getByRole('status').allTextContents()).toContain('Saved.');

    const token = await h.stack.gateway.issueToken('adam', ['admin']);
    const settings = (await call(h, 'GET', '/api/settings', { token })).json as Settings;
    const sn = settings.connections.find((c) => c.connectionId === 'servicenow-dev');
    expect(sn).toMatchObject({ minAnswered: 4, linkLifetimeSeconds: 1200 });
    expect(await navLinks(page)).toEqual([
      'Verifications',
      'Verify a caller',
      'Dashboard',
      'Audit log',
      'Settings',
    ]);
    await expect.poll(() => page.locator('#users-h ~ table tbody tr').count()).toBeGreaterThanOrEqual(3);
    await screen(page, 'console-settings');

    // Secrets: write-only; a rotation keeps the previous webhook secret accepted beside the new one
    const secretsFile = join(h.dataDir, 'secrets.json');
    const webhookSecretsOf = () =>
      (JSON.parse(readFileSync(secretsFile, 'utf8')) as Record<string, string>)[
        secretNames.webhookSecrets('servicenow-dev')
      ];
    const [current] = JSON.parse(webhookSecretsOf() ?? '[]') as string[];
    await page.getByLabel('New webhook secret').fill('rotated-webhook-secret-0001');
    await page.getByLabel('Previous webhook secret').fill(current ?? '');
    await page.getByRole('button', { name: 'Replace secrets' }).click();
    await expect.poll(() => page.getByRole('status').allTextContents()).toContain('Replaced: webhook.');
    expect(JSON.parse(webhookSecretsOf() ?? '[]')).toEqual(['rotated-webhook-secret-0001', current]);
    expect(await page.getByLabel('New webhook secret').inputValue()).toBe('');

    // Users: a new auditor gets a one-time temporary password, and can sign in with it
    await page.getByLabel('Username', { exact: true }).fill('avery');
    await page.getByLabel('Email', { exact: true }).fill('avery@example.com');
    await page.getByLabel('Role', { exact: true }).selectOption('auditor');
    await page.getByRole('button', { name: 'Add user' }).click();
    await expect.poll(() => page.locator('main').textContent()).toContain('Temporary password for avery');
    const temporary = (await page.locator('.note.warn strong.mono').textContent()) ?? '';
    expect(temporary.length).toBeGreaterThanOrEqual(12);
    const signedIn = await call(h, 'POST', '/local-auth/token', {
      body: { username: 'avery', password: temporary },
    });
    expect(signedIn.status).toBe(200);
  });
});

describe('a session that expires', () => {
  it('goes back to sign-in, saying why', async () => {
    const { page } = await consolePage(browser);
    const token = await h.stack.gateway.issueToken('alice', ['agent'], 3);
    await page.goto(consoleUrl(h, '/'));
    await showsHeading(page, 'Sign in to the console');
    await page.evaluate((t) => sessionStorage.setItem('hv-console.token', t), token);
    await page.goto(consoleUrl(h, '/verifications'));
    await showsHeading(page, 'Verifications');
    await expect.poll(() => heading(page).textContent(), { timeout: 30_000 }).toBe('Sign in to the console');
    expect(await page.locator('main').textContent()).toContain('Your session ended');
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
  });
});

describe('keyboard only', () => {
  it('an agent signs in from a ticket, sends a link and opens its summary without a pointer', async () => {
    const { page, errors } = await consolePage(browser);
    const opened = await openTicket(h);
    await page.goto(h.stack.desk.get(opened.id)?.verificationUrl ?? '');
    await showsHeading(page, 'Sign in to the console');
    await tabTo(page, /^Username$/);
    await page.keyboard.type('alice');
    await tabTo(page, /^Password$/, 2);
    await page.keyboard.type(CONSOLE_USERS.find((u) => u.username === 'alice')?.password ?? '');
    await page.keyboard.press('Enter');

    // The send page: email to the contact on record is the default, Tab reaches the button
    await showsHeading(page, 'Send verification link');
    await expect.poll(() => page.locator('main').textContent()).toContain('Contact on record');
    const response = sent(page);
    await tabTo(page, /^Send email$/, 40);
    await screen(page, 'console-keyboard-send');
    await page.keyboard.press('Enter');
    const view = (await (await response).json()) as VerificationView;
    expect((await messageFor(h, view.verificationId)).to).toBe(DEMO_REQUESTER_EMAIL);

    // The status that replaced the form has focus; the summary is a few Tabs on
    await expect.poll(() => page.evaluate('document.activeElement?.id')).toBe('status-h');
    await tabTo(page, /^Open the summary$/, 6);
    await page.keyboard.press('Enter');
    await showsHeading(page, /^Verification of ticket /);
    expect(page.url()).toContain(view.verificationId);
    expect(errors).toEqual([]);
  });
});
