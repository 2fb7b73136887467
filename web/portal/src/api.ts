/**
 * The portal API at `${apiBaseUrl}/portal/*`: the HTTP API's own origin in AWS (called directly,
 * not through CloudFront, so the API sees the requester's address; its CORS allows the portal's
 * origin and the CSP's connect-src names it), or the page's own origin when config.json sets no
 * apiBaseUrl (the local gateway serves both). The session token lives in this module only: never
 * in storage, cookies or the address bar.
 *
 * The one thing kept in the browser is the device credential the server hands over after a pass
 * (localStorage of the portal's own origin). It is presented with the next verification's checks so
 * the server can recognise a device the person passed on before. It is a server-signed token bound
 * to the person and the connection, so the page cannot forge or re-target it; a cookie would not
 * work here, because the API is on another origin and browsers block third-party cookies.
 */

import type {
  Answer,
  ManagerRequest,
  PortalOutcome as Outcome,
  PasswordFeedback,
  QuestionStep,
  PortalSession as Session,
  SignalsBody as Signals,
} from '../../../shared/portal-api.js';
import { ApiError, requestJson } from '../../shared/api-client';

export type { Answer, ManagerRequest, Outcome, PasswordFeedback, QuestionStep, Session, Signals };
export { ApiError };

export interface Branding {
  companyName: string;
  helpDeskName: string;
  helpDeskPhone: string;
  brandColor: string;
  logoUrl?: string;
  /** The start page takes requests; otherwise it sends people to the help desk. */
  selfService: boolean;
}

export const isSelfService = (session: Session) => session.origin === 'self_service';

export type Difficulty = 'easy' | 'hard';

let sessionToken = '';
/** `https://<api id>.execute-api.<region>.amazonaws.com` in AWS; '' for the page's own origin. */
let apiBaseUrl = '';

const request = <T>(method: 'GET' | 'POST', path: string, body?: unknown, token = sessionToken) =>
  requestJson<T>(method, `${apiBaseUrl}${path}`, { body, token, fallbackMessage: 'Something went wrong' });

/** Reads the runtime config.json: where the API is (kept here) and the branding (returned). */
export async function loadConfig(): Promise<Branding> {
  const res = await fetch('config.json', { cache: 'no-cache', credentials: 'omit' }).catch(() => undefined);
  const config = (res?.ok ? await res.json().catch(() => ({})) : {}) as Partial<
    Branding & { apiBaseUrl: string }
  >;
  apiBaseUrl = typeof config.apiBaseUrl === 'string' ? config.apiBaseUrl.replace(/\/+$/, '') : '';
  return {
    companyName: config.companyName || 'Your company',
    helpDeskName: config.helpDeskName || 'IT help desk',
    helpDeskPhone: config.helpDeskPhone || '',
    brandColor: /^#[0-9a-f]{6}$/i.test(config.brandColor ?? '') ? (config.brandColor as string) : '#0b5cad',
    logoUrl: config.logoUrl,
    selfService: config.selfService !== false,
  };
}

/** Exchanges the link token for a session; later calls carry the session token. */
export async function openSession(linkToken: string): Promise<Session> {
  const session = await request<Session>('GET', '/portal/session', undefined, linkToken);
  sessionToken = session.sessionToken;
  return session;
}

export const sendSignals = (signals: Signals) =>
  request<{ received: true }>('POST', '/portal/signals', signals);
export const nextQuestion = () => request<QuestionStep>('GET', '/portal/question');
export const answer = (questionId: string, given: Answer) =>
  request<QuestionStep>('POST', '/portal/answer', { questionId, ...given });
export const complete = () => request<Outcome>('POST', '/portal/complete', {});
export const checkPassword = (newPassword: string) =>
  request<PasswordFeedback>('POST', '/portal/password-check', { newPassword });
export const resetPassword = (newPassword: string) =>
  request<{ state: 'done' }>('POST', '/portal/action', { action: 'password_reset', newPassword });
export const reportNotMe = () =>
  request<{ outcome: 'failed'; reported: 'not_me' }>('POST', '/portal/not-me', { confirm: true });
export const sendFeedback = (difficulty: Difficulty, comment?: string) =>
  request<{ received: true }>('POST', '/portal/feedback', { difficulty, ...(comment ? { comment } : {}) });

const CREDENTIAL_KEY = 'helpdesk-verify.device';

/** The device credential from an earlier pass in this browser, if storage allows it. */
export function storedDeviceCredential(): string | undefined {
  try {
    return localStorage.getItem(CREDENTIAL_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

/** Keeps the credential a pass gave this browser (a private window may refuse: then there is no credit). */
export function keepDeviceCredential(credential: string | undefined) {
  if (!credential) return;
  try {
    localStorage.setItem(CREDENTIAL_KEY, credential);
  } catch {
    // Storage refused: the next verification simply gets no device credit.
  }
}

export const startVerification = (email: string) =>
  request<{ accepted: true }>('POST', '/portal/start', { email }, '');

/** The manager's page: what they are asked to approve (their link token in the body, never a header or URL). */
export const managerRequest = (token: string) =>
  request<ManagerRequest>('POST', '/portal/manager/request', { token }, '');
export const managerDecide = (token: string, decision: ManagerDecision) =>
  request<{ recorded: true }>('POST', '/portal/manager/decision', { token, decision }, '');
export type ManagerDecision = 'approve' | 'deny' | 'not_right';
