/**
 * What the gateway's JWT authorizer hands a console route: the user and roles in the token, and
 * when it was issued. The user as they are now is checked after this (use-cases/console/access.ts).
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { NotPermitted, Unauthenticated } from '../domain/errors.js';
import { type Principal, ROLES, type Role } from '../domain/model/principal.js';

const claimsOf = (event: APIGatewayProxyEventV2) =>
  (event.requestContext as { authorizer?: { jwt?: { claims?: Record<string, unknown> } } }).authorizer?.jwt
    ?.claims;

/** API Gateway hands array claims over as "[a b]" strings; the local gateway as arrays. */
function claimList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string') return [];
  return value
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .filter(Boolean);
}

/** The token's user and roles: 401 without a user, 403 when no role of the token is allowed. */
export function principalOf(event: APIGatewayProxyEventV2, allowed: readonly Role[]): Principal {
  const claims = claimsOf(event);
  const username = claims?.['cognito:username'] ?? claims?.username ?? claims?.sub;
  if (!claims || typeof username !== 'string') throw new Unauthenticated('UNAUTHENTICATED', 'Sign in first');
  const roles = claimList(claims['cognito:groups']).filter((r): r is Role =>
    (ROLES as readonly string[]).includes(r),
  );
  if (!roles.some((r) => allowed.includes(r)))
    throw new NotPermitted('FORBIDDEN', 'Your role does not allow this');
  return { username, roles };
}

/** The token's `iat` (seconds); API Gateway hands claims over as strings. */
export function issuedAt(event: APIGatewayProxyEventV2): number | undefined {
  const iat = Number(claimsOf(event)?.iat);
  return Number.isFinite(iat) ? iat : undefined;
}
