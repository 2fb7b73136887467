/**
 * The HTTP API's CORS settings, one definition for the CDK stack (infra/stateless-stack.ts) and
 * the local gateway (local/cors.ts plays API Gateway's part). The browser apps send bearer tokens
 * in `authorization`, never cookies: no credentials.
 */
import { ROUTES, type RouteSpec } from '../manifest.js';

export interface ApiCors {
  /** Exact origins (`https://verify.example.com`), no wildcards. */
  readonly allowOrigins: readonly string[];
  readonly allowMethods: readonly RouteSpec['method'][];
  readonly allowHeaders: readonly string[];
  readonly maxAgeSeconds: number;
}

/** The methods of the routes a browser app calls (the portal's and the console's). */
const BROWSER_METHODS = [
  ...new Set((ROUTES as readonly RouteSpec[]).filter((r) => r.auth !== 'webhook').map((r) => r.method)),
];

/** CORS for the browser apps at these origins (the portal's and the console's). */
export function apiCors(allowOrigins: readonly string[]): ApiCors {
  return {
    allowOrigins: [...new Set(allowOrigins)],
    allowMethods: BROWSER_METHODS,
    allowHeaders: ['authorization', 'content-type'],
    maxAgeSeconds: 3600,
  };
}
