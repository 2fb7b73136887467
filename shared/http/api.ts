/**
 * The HTTP edge every API handler shares, as one middy middleware: the request bounds of
 * ./limits.ts (path parameters, query string, headers, encodings, body size), content type, JSON
 * parsing and zod validation, console authorisation by role, and the single place that maps errors
 * to responses. Only domain errors answered below 500 (./error-map.ts) reach the client with their message; a dependency
 * that cannot answer now (the table, another AWS service) is a 503 with Retry-After and one WARN
 * line; anything else is logged and answered with a generic 500.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { type $ZodType, type output, safeParse } from 'zod/v4/core';
import {
  DomainError,
  InvalidInput,
  isNetworkFailure,
  NotPermitted,
  TableUnavailableError,
  TooLarge,
  Unauthenticated,
  UnsupportedFormat,
} from '../domain/errors.js';
import { type Principal, ROLES, type Role } from '../domain/model/principal.js';
import { logger } from '../logger.js';
import { type FunctionName, routeFor } from '../manifest.js';
import { statusOf } from './error-map.js';
import { checkRequestParts, EDGE_LIMITS, RETRY_AFTER_SECONDS } from './limits.js';

export const MAX_BODY_BYTES = EDGE_LIMITS.bodyBytes;

export interface HttpRequest<Body> {
  event: APIGatewayProxyEventV2;
  body: Body;
  rawBody: string;
  /** The console user, for console routes. */
  principal?: Principal;
  /** The `Authorization: Bearer` value, for portal routes. */
  bearer?: string;
}

export interface HttpResult {
  status: number;
  body: unknown;
}

const JSON_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

const respond = (status: number, body: unknown): APIGatewayProxyResultV2 => ({
  statusCode: status,
  headers: status === 503 ? { ...JSON_HEADERS, 'retry-after': String(RETRY_AFTER_SECONDS) } : JSON_HEADERS,
  body: JSON.stringify(body),
});

/** An AWS SDK call (it carries `$metadata`) that could not reach its service. */
const awsUnreachable = (error: Error) =>
  '$metadata' in error && (isNetworkFailure(error) || error.name === 'TimeoutError');

const header = (event: APIGatewayProxyEventV2, name: string) => {
  const key = Object.keys(event.headers ?? {}).find((k) => k.toLowerCase() === name);
  return key ? event.headers[key] : undefined;
};

/** API Gateway hands array claims over as "[a b]" strings; the local gateway as arrays. */
function claimList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string') return [];
  return value
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .filter(Boolean);
}

function principalOf(event: APIGatewayProxyEventV2, allowed: readonly Role[]): Principal {
  const claims = (event.requestContext as { authorizer?: { jwt?: { claims?: Record<string, unknown> } } })
    .authorizer?.jwt?.claims;
  const username = claims?.['cognito:username'] ?? claims?.username ?? claims?.sub;
  if (!claims || typeof username !== 'string') throw new Unauthenticated('UNAUTHENTICATED', 'Sign in first');
  const roles = claimList(claims['cognito:groups']).filter((r): r is Role =>
    (ROLES as readonly string[]).includes(r),
  );
  if (!roles.some((r) => allowed.includes(r)))
    throw new NotPermitted('FORBIDDEN', 'Your role does not allow this');
  return { username, roles };
}

function readBody<S extends $ZodType>(event: APIGatewayProxyEventV2, schema: S | undefined, raw: boolean) {
  const text = event.body
    ? event.isBase64Encoded
      ? Buffer.from(event.body, 'base64').toString('utf8')
      : event.body
    : '';
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) {
    throw new TooLarge('PAYLOAD_TOO_LARGE', `The body is larger than ${MAX_BODY_BYTES} bytes`);
  }
  if (!schema && !raw) return { text, body: undefined };
  const type = header(event, 'content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new UnsupportedFormat('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json');
  }
  if (raw || !schema) return { text, body: undefined };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new InvalidInput('MALFORMED_JSON', 'The body is not valid JSON');
  }
  const parsed = safeParse(schema, json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new InvalidInput('VALIDATION_FAILED', 'The request body is invalid', issues);
  }
  return { text, body: parsed.data as output<S> };
}

export interface HttpOptions<S extends $ZodType | undefined> {
  /** Validates the JSON body; omit for routes without a body. */
  body?: S;
  /** Keep the body as the raw string (signed webhooks); content type and size are still checked. */
  rawBody?: boolean;
}

export function httpHandler<S extends $ZodType | undefined = undefined>(
  functionName: FunctionName,
  options: HttpOptions<S>,
  fn: (request: HttpRequest<S extends $ZodType ? output<S> : undefined>) => Promise<HttpResult>,
) {
  const route = routeFor(functionName);
  if (!route) throw new Error(`No route for ${functionName} in shared/manifest.ts`);
  return middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>().handler(async (event) => {
    try {
      const refusal = checkRequestParts(event);
      if (refusal) {
        const { code, ...where } = refusal;
        logger.warn('request refused at the edge', { route: route.path, code, ...where });
        return respond(400, { error: { code, message: 'The request is malformed or too large' } });
      }
      const principal = route.auth === 'console' ? principalOf(event, route.roles ?? []) : undefined;
      const { text, body } = readBody(event, options.body, options.rawBody ?? false);
      const auth = header(event, 'authorization');
      const bearer = auth?.match(/^Bearer\s+(\S+)$/i)?.[1];
      const result = await fn({ event, body: body as never, rawBody: text, principal, bearer });
      return respond(result.status, result.body);
    } catch (thrown) {
      const error = thrown instanceof Error ? thrown : new Error(`Non-error thrown: ${String(thrown)}`);
      const status = error instanceof DomainError ? statusOf(error) : 500;
      if (error instanceof DomainError && status < 500) {
        logger.info('request refused', { route: route.path, code: error.code, status });
        return respond(status, {
          error: { code: error.code, message: error.message, details: error.details },
        });
      }
      if (error instanceof TableUnavailableError || awsUnreachable(error)) {
        const table = error instanceof TableUnavailableError;
        const cause = (table ? error.cause : error) as (Error & { code?: string }) | undefined;
        logger.warn(table ? 'table unreachable' : 'dependency unreachable', {
          route: route.path,
          errorName: cause?.name,
          errorCode: cause?.code,
        });
        return respond(503, {
          error: {
            code: table ? 'TABLE_UNAVAILABLE' : 'DEPENDENCY_UNAVAILABLE',
            message: 'The service is briefly unavailable; try again shortly',
          },
        });
      }
      if (error instanceof DomainError) {
        logger.warn('request failed', { route: route.path, code: error.code, detail: error.message });
        return respond(status, { error: { code: error.code, message: error.message } });
      }
      logger.error('unhandled error', { route: route.path, error });
      return respond(500, { error: { code: 'INTERNAL_ERROR', message: 'Something went wrong; try again' } });
    }
  });
}
