/**
 * API Gateway's CORS handling for the local gateway, from the same settings the CDK stack gives
 * the HTTP API (shared/http/cors.ts): a preflight (OPTIONS with Origin and
 * Access-Control-Request-Method) is answered by the gateway itself, and an allowed origin gets
 * `access-control-allow-origin` on the integration's answer. A request from any other origin gets
 * no CORS headers, so the browser keeps the answer from the page.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { ApiCors } from '../shared/http/cors.js';

/** True when the request is a CORS preflight, which never reaches a route. */
export function isPreflight(method: string, headers: IncomingHttpHeaders): boolean {
  return method === 'OPTIONS' && !!headers.origin && !!headers['access-control-request-method'];
}

/** The headers of the gateway's own answer (204) to a preflight. */
export function preflightHeaders(cors: ApiCors, headers: IncomingHttpHeaders): Record<string, string> {
  if (!allowed(cors, headers.origin)) return {};
  return {
    'access-control-allow-origin': headers.origin as string,
    'access-control-allow-methods': cors.allowMethods.join(','),
    'access-control-allow-headers': cors.allowHeaders.join(','),
    'access-control-max-age': String(cors.maxAgeSeconds),
    vary: 'origin',
  };
}

/** The CORS headers added to an integration's answer. */
export function responseHeaders(cors: ApiCors, headers: IncomingHttpHeaders): Record<string, string> {
  return allowed(cors, headers.origin)
    ? { 'access-control-allow-origin': headers.origin as string, vary: 'origin' }
    : {};
}

function allowed(cors: ApiCors, origin: string | undefined): boolean {
  return origin !== undefined && cors.allowOrigins.includes(origin);
}
