/**
 * The agent's session: one ID token (the claims API Gateway's JWT authorizer and the local issuer
 * check), kept in sessionStorage so a reload of this tab keeps it, and never in localStorage or a
 * cookie. It ends at sign-out, at the token's expiry, or at the first 401.
 *
 * Sign-in is against the local issuer (`POST /local-auth/token`) in the local stack, and through
 * Cognito's hosted UI in AWS: authorization code with PKCE (S256), the code exchanged at the
 * token endpoint by this public client (no secret).
 */
import { useSyncExternalStore } from 'react';

export type AuthConfig =
  | { mode: 'local' }
  | { mode: 'cognito'; domain: string; clientId: string; redirectUri: string; logoutUri: string };

const TOKEN_KEY = 'hv-console.token';
const PKCE_KEY = 'hv-console.pkce';

interface Session {
  token: string;
  expiresAt: number;
}

export type SessionState = 'signed-in' | 'signed-out' | 'expired';

let session: Session | undefined = restore();
let state: SessionState = session ? 'signed-in' : 'signed-out';
let expiryTimer: ReturnType<typeof setTimeout> | undefined;
const listeners = new Set<() => void>();

function emit() {
  for (const l of listeners) l();
}

/** The `exp` claim (ms), or undefined for something that is not a JWT. */
function expiryOf(token: string): number | undefined {
  try {
    const payload = JSON.parse(atob((token.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/')));
    return typeof payload.exp === 'number' ? payload.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

function restore(): Session | undefined {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const expiresAt = token ? expiryOf(token) : undefined;
  if (!token || !expiresAt || expiresAt <= Date.now()) {
    sessionStorage.removeItem(TOKEN_KEY);
    return undefined;
  }
  scheduleExpiry(expiresAt);
  return { token, expiresAt };
}

function scheduleExpiry(expiresAt: number) {
  clearTimeout(expiryTimer);
  // setTimeout overflows past ~24.8 days; tokens live an hour.
  expiryTimer = setTimeout(expireSession, Math.min(expiresAt - Date.now(), 2 ** 31 - 1));
}

function start(token: string) {
  const expiresAt = expiryOf(token);
  if (!expiresAt) throw new Error('The sign-in service returned no usable token');
  session = { token, expiresAt };
  sessionStorage.setItem(TOKEN_KEY, token);
  scheduleExpiry(expiresAt);
  state = 'signed-in';
  emit();
}

export const currentToken = () => session?.token;

/** The token expired or the API refused it: back to the sign-in page, saying why. */
export function expireSession() {
  if (!session) return;
  end('expired');
}

function end(next: SessionState) {
  clearTimeout(expiryTimer);
  session = undefined;
  sessionStorage.removeItem(TOKEN_KEY);
  state = next;
  emit();
}

export function useSessionState(): SessionState {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => state,
  );
}

export class SignInError extends Error {
  override name = 'SignInError';
}

/** Local stack: username and password to the local issuer. */
export async function signInLocal(username: string, password: string): Promise<void> {
  let res: Response;
  try {
    res = await fetch('/local-auth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch {
    throw new SignInError('The sign-in service did not answer. Try again.');
  }
  if (res.status === 401) throw new SignInError('That username and password do not match.');
  if (!res.ok) throw new SignInError('Sign-in failed. Try again.');
  const body = (await res.json()) as { id_token?: string };
  if (!body.id_token) throw new SignInError('Sign-in failed. Try again.');
  start(body.id_token);
}

const base64url = (bytes: ArrayBuffer | Uint8Array) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const randomString = () => base64url(crypto.getRandomValues(new Uint8Array(32)));

/** AWS: off to the hosted UI; `returnTo` is where the agent goes once signed in. */
export async function signInCognito(
  config: Extract<AuthConfig, { mode: 'cognito' }>,
  returnTo: string,
): Promise<void> {
  const verifier = randomString();
  const stateParam = randomString();
  const challenge = base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  sessionStorage.setItem(PKCE_KEY, JSON.stringify({ verifier, state: stateParam, returnTo }));
  const url = new URL('/oauth2/authorize', config.domain);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: config.redirectUri,
    scope: 'openid email profile',
    state: stateParam,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  location.assign(url.toString());
}

/** The hosted UI came back to /auth/callback: exchange the code; returns where to go next. */
export async function completeCognitoSignIn(
  config: Extract<AuthConfig, { mode: 'cognito' }>,
  params: URLSearchParams,
): Promise<string> {
  const saved = JSON.parse(sessionStorage.getItem(PKCE_KEY) ?? 'null') as {
    verifier: string;
    state: string;
    returnTo: string;
  } | null;
  sessionStorage.removeItem(PKCE_KEY);
  const code = params.get('code');
  if (params.get('error')) throw new SignInError(`Sign-in was not completed (${params.get('error')}).`);
  if (!saved || !code || params.get('state') !== saved.state)
    throw new SignInError('This sign-in response does not match a sign-in started here. Sign in again.');
  const res = await fetch(new URL('/oauth2/token', config.domain), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: config.clientId,
      code,
      redirect_uri: config.redirectUri,
      code_verifier: saved.verifier,
    }),
    cache: 'no-store',
    credentials: 'omit',
  }).catch(() => undefined);
  const body = res?.ok ? ((await res.json()) as { id_token?: string }) : undefined;
  if (!body?.id_token) throw new SignInError('Sign-in could not be completed. Sign in again.');
  start(body.id_token);
  return saved.returnTo;
}

export function signOut(config: AuthConfig) {
  end('signed-out');
  if (config.mode === 'cognito') {
    const url = new URL('/logout', config.domain);
    url.search = new URLSearchParams({ client_id: config.clientId, logout_uri: config.logoutUri }).toString();
    location.assign(url.toString());
  }
}
