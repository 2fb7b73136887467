/**
 * OktaDirectory's actions (factors, reset factors, unlock, sign out everywhere) against the request
 * and response shapes of the Okta Management API (test/events/okta): a local server replays them
 * with Okta's rate-limit headers and records every request.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DirectoryPermanentError,
  DirectoryRetryableError,
  DirectoryUnsupportedError,
} from '../../../shared/adapters/directory/errors.js';
import { OktaDirectory } from '../../../shared/adapters/directory/okta.js';
import type { DirectoryAction } from '../../../shared/ports/directory.js';
import { REPO_ROOT } from '../fixtures.js';
import { caught, type Recorded, type Reply, recorder } from './recorder.js';

const API_TOKEN = '00aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789-_fake';
const ZOE_ID = '00u1zoe4Hc8Wq2Rt50h8';
const ZOE = `/api/v1/users/${ZOE_ID}`;
const NOW = 1_772_442_000_000; // 2026-03-02T09:00:00Z

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`test/events/okta/${name}.json`, REPO_ROOT), 'utf8'));
const oktaError = (status: number, name: string, headers?: Record<string, string>): Reply => ({
  status,
  body: fixture(name),
  headers,
});

/** Okta's org: Zoë's factors, the lifecycle operations' empty 200s, the sessions' 204. */
function zoe(req: Recorded): Reply {
  if (req.method === 'GET' && req.path === `${ZOE}/factors`) return { status: 200, body: fixture('factors') };
  if (req.method === 'POST' && req.path === `${ZOE}/lifecycle/reset_factors`) return { status: 200 };
  if (req.method === 'POST' && req.path === `${ZOE}/lifecycle/unlock`) return { status: 200 };
  if (req.method === 'DELETE' && req.path === `${ZOE}/sessions`) return { status: 204 };
  return oktaError(404, 'not-found');
}

const org = (answer: (req: Recorded, index: number) => Reply) =>
  recorder(
    (req, { index }) => answer(req, index),
    () => ({
      'x-rate-limit-limit': '600',
      'x-rate-limit-remaining': '599',
      'x-rate-limit-reset': String(Math.floor(NOW / 1000) + 60),
    }),
  );

function adapter(url: string) {
  const sleeps: number[] = [];
  const directory = new OktaDirectory({
    orgUrl: url,
    credentials: async () => API_TOKEN,
    timeoutMs: 2_000,
    now: () => NOW,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    warn: () => {},
  });
  return { directory, sleeps };
}

describe('OktaDirectory capabilities', () => {
  it('reports MFA reset, unlock and sign-out everywhere, and no Temporary Access Pass, with a sentence why', () => {
    const caps = adapter('http://127.0.0.1:9').directory.capabilities();
    const supported = (Object.keys(caps) as DirectoryAction[]).filter((a) => caps[a].supported);
    expect(supported).toEqual(['passwordReset', 'mfaReset', 'accountUnlock', 'signOutEverywhere']);
    expect(caps.temporaryAccessPass.note).toMatch(/no Temporary Access Pass/);
  });
});

describe('OktaDirectory factors and reset', () => {
  it('lists the enrolled factors by id and type only (no phone number or device name)', async () => {
    const server = await org(zoe);
    const methods = await adapter(server.url).directory.listAuthMethods(ZOE_ID);
    expect(methods).toEqual([
      { id: 'opf3hkfocI4JTLAju0g4', kind: 'authenticatorApp', directoryType: 'push', removable: true },
      { id: 'mbl1nz9JHJGHWRKMTLHP', kind: 'phone', directoryType: 'sms', removable: true },
      { id: 'fwf2rhjD3k7P9xHqL0g4', kind: 'securityKey', directoryType: 'webauthn', removable: true },
    ]);
    expect(server.requests[0]).toMatchObject({ method: 'GET', path: `${ZOE}/factors` });
    expect(server.requests[0]?.headers.authorization).toBe(`SSWS ${API_TOKEN}`);
  });

  it('POSTs lifecycle/reset_factors with no body and takes its empty 200', async () => {
    const server = await org(zoe);
    const result = await adapter(server.url).directory.resetMfa(ZOE_ID);
    expect(server.requests).toMatchObject([
      { method: 'POST', path: `${ZOE}/lifecycle/reset_factors`, body: '' },
    ]);
    expect(result).toEqual({ removed: [], notRemoved: [], allFactorsReset: true });
  });

  it('refuses a selection of factors or a pass before sending anything', async () => {
    const server = await org(zoe);
    const { directory } = adapter(server.url);
    for (const options of [{ methodIds: ['mbl1nz9JHJGHWRKMTLHP'] }, { temporaryAccessPass: true }]) {
      const error = await caught(directory.resetMfa(ZOE_ID, options));
      expect(error).toBeInstanceOf(DirectoryUnsupportedError);
      expect((error as DirectoryUnsupportedError).code).toBe('directory_action_unsupported');
    }
    expect(server.requests).toHaveLength(0);
  });

  it('names the role, the custom-role permission and okta.users.manage on 403 E0000006', async () => {
    const server = await org(() => oktaError(403, 'forbidden'));
    const error = await caught(adapter(server.url).directory.resetMfa(ZOE_ID));
    expect(error).toMatchObject({ status: 403, code: 'directory_permission_missing' });
    expect(error.message).toContain('E0000006');
    expect(error.message).toContain('okta.users.credentials.resetFactors');
    expect(error.message).toContain('okta.users.manage');
  });

  it('answers 404 E0000007 as the user not found', async () => {
    const server = await org(() => oktaError(404, 'not-found'));
    const error = await caught(adapter(server.url).directory.resetMfa('00u1gone0000000000000'));
    expect(error).toBeInstanceOf(DirectoryPermanentError);
    expect(error).toMatchObject({ status: 404, code: 'directory_user_not_found' });
  });
});

describe('OktaDirectory unlock', () => {
  it('POSTs lifecycle/unlock with no body', async () => {
    const server = await org(zoe);
    await adapter(server.url).directory.unlockAccount(ZOE_ID);
    expect(server.requests).toMatchObject([{ method: 'POST', path: `${ZOE}/lifecycle/unlock`, body: '' }]);
  });

  it('names okta.users.lifecycle.unlock on 403', async () => {
    const server = await org(() => oktaError(403, 'forbidden'));
    const error = await caught(adapter(server.url).directory.unlockAccount(ZOE_ID));
    expect(error.message).toContain('okta.users.lifecycle.unlock');
  });
});

describe('OktaDirectory sign out everywhere', () => {
  it('DELETEs the sessions with oauthTokens=true and forgetDevices=true, and takes the 204', async () => {
    const server = await org(zoe);
    await adapter(server.url).directory.revokeSessions(ZOE_ID);
    expect(server.requests).toMatchObject([
      { method: 'DELETE', path: `${ZOE}/sessions`, query: 'oauthTokens=true&forgetDevices=true' },
    ]);
  });

  it('names okta.users.lifecycle.clearSessions on 403', async () => {
    const server = await org(() => oktaError(403, 'forbidden'));
    const error = await caught(adapter(server.url).directory.revokeSessions(ZOE_ID));
    expect(error.message).toContain('okta.users.lifecycle.clearSessions');
  });

  it('waits out a short 429 E0000047 once (until X-Rate-Limit-Reset) through the shared client', async () => {
    const server = await org((req, index) =>
      index === 0
        ? oktaError(429, 'rate-limited', { 'x-rate-limit-reset': String(Math.floor(NOW / 1000) + 3) })
        : zoe(req),
    );
    const { directory, sleeps } = adapter(server.url);
    await directory.revokeSessions(ZOE_ID);
    expect(sleeps).toEqual([3000]);
    expect(server.requests).toHaveLength(2);
  });

  it('hands a long 429 back as retryable with the wait', async () => {
    const server = await org(() => oktaError(429, 'rate-limited'));
    const error = await caught(adapter(server.url).directory.revokeSessions(ZOE_ID));
    expect(error).toBeInstanceOf(DirectoryRetryableError);
    expect(error).toMatchObject({ retryAfterSeconds: 60, code: 'directory_rate_limited' });
  });
});
