/**
 * The console API on the page's own origin (`/api/*`; CloudFront routes it to the HTTP API, the
 * local gateway serves it directly), with the signed-in agent's token. A 401 means the token
 * expired or was revoked: the session ends and the app shows the sign-in page.
 */
import type { AuditEventView } from '../../../shared/console-api/audit.js';
import type { Page } from '../../../shared/console-api/common.js';
import type { Dashboard } from '../../../shared/console-api/dashboard.js';
import type { ExportJob } from '../../../shared/console-api/export.js';
import type { CallerSendBody, PeopleResult } from '../../../shared/console-api/people.js';
import type {
  ConnectionPolicyBody,
  ConnectionSettings,
  Settings,
} from '../../../shared/console-api/settings.js';
import type { ConsoleUserView, CreatedUser, Me } from '../../../shared/console-api/users.js';
import type {
  Filters,
  SendBody,
  TicketPrefill,
  TranscriptView,
  VerificationDetail,
  VerificationRow,
  VerificationView,
} from '../../../shared/console-api/verifications.js';
import { ApiError, requestJson } from '../../shared/api-client';
import { currentToken, expireSession } from './auth';

type Query = Record<string, string | number | undefined>;

export function queryString(query: Query): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : '';
}

async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  try {
    return await requestJson<T>(method, path, {
      body,
      token: currentToken(),
      fallbackMessage: 'Something went wrong. Try again.',
    });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      expireSession();
      throw new ApiError(401, 'UNAUTHORIZED', 'Your session has ended. Sign in again.');
    }
    throw error;
  }
}

const id = encodeURIComponent;

export const api = {
  me: () => request<Me>('GET', '/api/me'),
  list: (query: Query) => request<Page<VerificationRow>>('GET', `/api/verifications${queryString(query)}`),
  send: (body: SendBody) => request<VerificationView>('POST', '/api/verifications', body),
  detail: (verificationId: string) =>
    request<VerificationDetail>('GET', `/api/verifications/${id(verificationId)}`),
  transcript: (verificationId: string) =>
    request<TranscriptView>('GET', `/api/verifications/${id(verificationId)}/transcript`),
  resend: (verificationId: string) =>
    request<VerificationView>('POST', `/api/verifications/${id(verificationId)}/resend`),
  cancel: (verificationId: string, reason?: string) =>
    request<VerificationView>(
      'POST',
      `/api/verifications/${id(verificationId)}/cancel`,
      reason ? { reason } : {},
    ),
  retryWriteBack: (verificationId: string) =>
    request<VerificationView>('POST', `/api/verifications/${id(verificationId)}/write-back`),
  ticket: (connectionId: string, ticketId: string) =>
    request<TicketPrefill>('GET', `/api/tickets/${id(connectionId)}/${id(ticketId)}`),
  people: (q: string) => request<PeopleResult>('GET', `/api/people${queryString({ q })}`),
  sendToCaller: (userId: string, body: CallerSendBody) =>
    request<VerificationView>('POST', `/api/people/${id(userId)}/verifications`, body),
  dashboard: (query: { from?: string; to?: string }) =>
    request<Dashboard>('GET', `/api/dashboard${queryString(query)}`),
  startExport: (filters: Filters) => request<ExportJob>('POST', '/api/exports', { filters }),
  exportJob: (exportId: string) => request<ExportJob>('GET', `/api/exports/${id(exportId)}`),
  audit: (query: Query) => request<Page<AuditEventView>>('GET', `/api/audit${queryString(query)}`),
  settings: () => request<Settings>('GET', '/api/settings'),
  saveConnection: (connectionId: string, body: ConnectionPolicyBody) =>
    request<ConnectionSettings>('POST', `/api/settings/connections/${id(connectionId)}`, body),
  saveSecrets: (connectionId: string, body: { webhook?: string[]; outbound?: string }) =>
    request<{ updated: string[] }>('POST', `/api/settings/connections/${id(connectionId)}/secrets`, body),
  users: () => request<{ items: ConsoleUserView[] }>('GET', '/api/users'),
  createUser: (body: { username: string; email: string; roles: Me['roles'] }) =>
    request<CreatedUser>('POST', '/api/users', body),
  updateUser: (username: string, body: { roles?: Me['roles']; enabled?: boolean; endSessions?: true }) =>
    request<ConsoleUserView>('POST', `/api/users/${id(username)}`, body),
};

/** A readable sentence for an error, field problems included. */
export function describeError(error: unknown): string {
  if (!(error instanceof ApiError)) return 'Something went wrong. Try again.';
  const list = Array.isArray(error.details) ? (error.details as { path?: string; message: string }[]) : [];
  const details = list.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message));
  return details.length > 0 ? `${error.message}: ${details.join('; ')}` : error.message;
}
