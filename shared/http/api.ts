/**
 * The HTTP edge every API handler shares: one middy chain per route, built from the manifest.
 * In order: Powertools Logger (Lambda context, cold start, correlation keys cleared after each
 * request), Tracer (the handler's segment), Metrics (EMF, cold start), the error map and response
 * (./error-map.ts), the request bounds (./limits.ts), console authorisation (token roles, then the
 * user as they are now), validation of body, query and path (zod schemas in the options), and the
 * portal's abuse guard for entry points without a token. The handler gets what they found.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import type { $ZodType, output } from 'zod/v4/core';
import type { Principal } from '../domain/model/principal.js';
import { type FunctionName, type ROUTES, routeFor } from '../manifest.js';
import type { Ctx } from '../ports/context.js';
import { EDGE_LIMITS } from './limits.js';
import {
  consoleAuthorization,
  edgeLimits,
  edgeResponse,
  edgeState,
  type HttpResult,
  portalGuard,
  validation,
} from './middleware.js';
import { powertools } from './observability.js';

export const MAX_BODY_BYTES = EDGE_LIMITS.bodyBytes;

type Route = (typeof ROUTES)[number];
type AuthOf<F> = Extract<Route, { function: F }>['auth'];

/** What the edge needs of the handler's context: the ConsoleUsers port, or the abuse counters. */
type EdgeCtx<F> =
  AuthOf<F> extends 'console'
    ? Ctx<'consoleUsers'>
    : AuthOf<F> extends 'portal'
      ? Ctx<'counters'>
      : undefined;

type Parsed<S> = S extends $ZodType ? output<S> : undefined;

export interface HttpRequest<F = FunctionName, B = unknown, Q = undefined, P = undefined> {
  event: APIGatewayProxyEventV2;
  body: B;
  query: Q;
  path: P;
  rawBody: string;
  /** The console user as they are now (authorised by the edge), on console routes. */
  principal: AuthOf<F> extends 'console' ? Principal : undefined;
  /** The `Authorization: Bearer` value, for portal routes. */
  bearer?: string;
}

/** Console and portal routes must hand the edge their context; a webhook route needs none. */
type CtxOption<F> = [AuthOf<F>] extends [never]
  ? { ctx?: undefined }
  : AuthOf<F> extends 'console' | 'portal'
    ? { ctx: EdgeCtx<F> }
    : { ctx?: undefined };

interface HttpOptions<B extends $ZodType | undefined, Q, P> {
  /** Validates the JSON body; omit for routes without a body. */
  body?: B;
  /** Validates the query string (`queryStringParameters`). */
  query?: Q;
  /** Validates the path parameters. */
  path?: P;
  /** Keep the body as the raw string (signed webhooks); content type and size are still checked. */
  rawBody?: boolean;
  /** Name the first problem of the body in the message (console forms show it). */
  explain?: boolean;
}

export function httpHandler<
  F extends FunctionName,
  B extends $ZodType | undefined = undefined,
  Q extends $ZodType | undefined = undefined,
  P extends $ZodType | undefined = undefined,
>(
  functionName: F,
  options: HttpOptions<B, Q, P> & CtxOption<F>,
  fn: (request: HttpRequest<F, Parsed<B>, Parsed<Q>, Parsed<P>>) => Promise<HttpResult>,
) {
  const route = routeFor(functionName);
  if (!route) throw new Error(`No route for ${functionName} in shared/manifest.ts`);
  const ctx = options.ctx as (Ctx<'consoleUsers'> & Ctx<'counters'>) | undefined;
  // The type already asks for it; this catches a cast.
  if (route.auth === 'console' && !ctx?.consoleUsers)
    throw new Error(`${functionName}: pass the ctx with consoleUsers; the edge authorises console routes`);
  return middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .use(powertools())
    .use(edgeResponse(route))
    .use(edgeLimits())
    .use(consoleAuthorization(route, ctx))
    .use(validation(options as Parameters<typeof validation>[0]))
    .use(portalGuard(route, ctx))
    .handler(async (event) => {
      const { rawBody, body, query, path, principal, bearer } = edgeState(event);
      const request = { event, rawBody, body, query, path, principal, bearer };
      // edgeResponse turns the result into the JSON response.
      return (await fn(request as HttpRequest<F, Parsed<B>, Parsed<Q>, Parsed<P>>)) as never;
    });
}
