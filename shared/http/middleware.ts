/**
 * The middy middlewares of the HTTP edge, in the order ./api.ts composes them: correlation keys
 * and the error map (outermost of ours), request bounds, console authorisation, validation, the
 * portal's abuse guard. What they learn (principal, bearer, parsed body, query and path) is kept
 * per event for the handler.
 */
import type { MiddlewareObj, Request } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { type $ZodType, safeParse } from 'zod/v4/core';
import { InvalidInput, TooLarge, UnsupportedFormat } from '../domain/errors.js';
import type { Principal } from '../domain/model/principal.js';
import { logger } from '../logger.js';
import type { RouteSpec } from '../manifest.js';
import type { Ctx } from '../ports/context.js';
import { authorized } from '../use-cases/console/access.js';
import { guardPortalSource } from '../use-cases/portal/guard.js';
import { issuedAt, principalOf } from './console-auth.js';
import { mapError, OutOfBounds, respond } from './error-map.js';
import { checkRequestParts, EDGE_LIMITS } from './limits.js';
import { countRefusal, countRouteResult } from './observability.js';
import { parseWith } from './validation.js';

type EdgeRequest = Request<APIGatewayProxyEventV2, APIGatewayProxyResultV2>;

/** What a route's handler answers; the edge turns it into the JSON response. */
export interface HttpResult {
  status: number;
  body: unknown;
}

/** What the middlewares found in a request, handed to the handler. */
interface EdgeState {
  rawBody: string;
  body?: unknown;
  query?: unknown;
  path?: unknown;
  principal?: Principal;
  bearer?: string;
}

const states = new WeakMap<APIGatewayProxyEventV2, EdgeState>();

export function edgeState(event: APIGatewayProxyEventV2): EdgeState {
  let state = states.get(event);
  if (!state) {
    state = { rawBody: '' };
    states.set(event, state);
  }
  return state;
}

const header = (event: APIGatewayProxyEventV2, name: string) => {
  const key = Object.keys(event.headers ?? {}).find((k) => k.toLowerCase() === name);
  return key ? event.headers[key] : undefined;
};

/** Log keys that name what a request is about; never emails, phones or tokens. */
const CORRELATION_KEYS = ['verificationId', 'connectionId', 'ticketId'] as const;

export function correlationKeys(source: unknown): Record<string, string> {
  const keys: Record<string, string> = {};
  if (!source || typeof source !== 'object') return keys;
  for (const key of CORRELATION_KEYS) {
    const value = (source as Record<string, unknown>)[key];
    if (typeof value === 'string' && value && value.length <= 128) keys[key] = value;
  }
  return keys;
}

/**
 * Outermost of ours: correlation keys from the path (then the result), the route's result turned
 * into the JSON response, and every error through the one error map (./error-map.ts).
 */
export function edgeResponse(
  route: RouteSpec,
): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2> {
  return {
    before: (request: EdgeRequest) => {
      logger.appendKeys(correlationKeys(request.event.pathParameters));
    },
    after: (request: EdgeRequest) => {
      const result = request.response as unknown as HttpResult;
      logger.appendKeys(correlationKeys(result.body));
      countRouteResult(route.function, result.status, result.body);
      request.response = respond(result.status, result.body);
    },
    onError: (request: EdgeRequest) => {
      const { response, refusal } = mapError(request.error, route.path);
      if (refusal) countRefusal(refusal);
      // Set, not returned: the Powertools cleanups after this one (metrics, trace, log keys) still run.
      request.response = response;
    },
  };
}

/** The bounds of ./limits.ts, before anything reads the request. */
export function edgeLimits(): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2> {
  return {
    before: (request: EdgeRequest) => {
      const refusal = checkRequestParts(request.event);
      if (refusal) throw new OutOfBounds(refusal);
    },
  };
}

/**
 * Console routes: the token's roles, then the user as they are now (ConsoleUsers port), against
 * the route's roles in the manifest. No console handler runs without it.
 */
export function consoleAuthorization(
  route: RouteSpec,
  ctx: Ctx<'consoleUsers'> | undefined,
): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2> {
  return {
    before: async (request: EdgeRequest) => {
      if (route.auth !== 'console') return;
      if (!ctx) throw new Error(`${route.function}: a console route needs the consoleUsers port`);
      const token = principalOf(request.event, route.roles ?? []);
      edgeState(request.event).principal = await authorized(ctx, route.function, {
        principal: token,
        issuedAt: issuedAt(request.event),
      });
    },
  };
}

interface Schemas {
  body?: $ZodType;
  query?: $ZodType;
  path?: $ZodType;
  /** Keep the body as the raw string (signed webhooks); content type and size are still checked. */
  rawBody?: boolean;
  /** Name the first problem of the body in the message (console forms show it). */
  explain?: boolean;
}

/** `explain` names the first problem in the message; otherwise "The request body is invalid". */
function check(schema: $ZodType, input: unknown, what: string, explain: boolean): unknown {
  if (explain) return parseWith(schema, input, what);
  const parsed = safeParse(schema, input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  throw new InvalidInput('VALIDATION_FAILED', `The ${what} is invalid`, issues);
}

function readBody(event: APIGatewayProxyEventV2, schemas: Schemas): { text: string; body?: unknown } {
  const text = event.body
    ? event.isBase64Encoded
      ? Buffer.from(event.body, 'base64').toString('utf8')
      : event.body
    : '';
  if (Buffer.byteLength(text, 'utf8') > EDGE_LIMITS.bodyBytes) {
    throw new TooLarge('PAYLOAD_TOO_LARGE', `The body is larger than ${EDGE_LIMITS.bodyBytes} bytes`);
  }
  if (!schemas.body && !schemas.rawBody) return { text };
  if (!/^application\/json\s*(;|$)/i.test(header(event, 'content-type') ?? '')) {
    throw new UnsupportedFormat('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json');
  }
  if (!schemas.body) return { text };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new InvalidInput('MALFORMED_JSON', 'The body is not valid JSON');
  }
  return { text, body: check(schemas.body, json, 'request body', schemas.explain ?? false) };
}

/** Body (size, content type, JSON, schema), query string and path parameters, and the bearer. */
export function validation(schemas: Schemas): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2> {
  return {
    before: (request: EdgeRequest) => {
      const { event } = request;
      const state = edgeState(event);
      const { text, body } = readBody(event, schemas);
      state.rawBody = text;
      state.body = body;
      if (schemas.query)
        state.query = check(schemas.query, event.queryStringParameters ?? {}, 'query string', true);
      if (schemas.path) state.path = check(schemas.path, event.pathParameters ?? {}, 'path', true);
      state.bearer = header(event, 'authorization')?.match(/^Bearer\s+(\S+)$/i)?.[1];
    },
  };
}

/**
 * The portal's unauthenticated entry points (manifest `tokenless`) are limited per source network
 * before their handler runs. Routes with a token are limited per link or session in their use case.
 */
export function portalGuard(
  route: RouteSpec,
  ctx: Ctx<'counters'> | undefined,
): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2> {
  return {
    before: async (request: EdgeRequest) => {
      if (route.auth !== 'portal' || !route.tokenless) return;
      if (!ctx) throw new Error(`${route.function}: a portal entry point needs the counters port`);
      await guardPortalSource(ctx, request.event.requestContext.http.sourceIp);
    },
  };
}
