import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyResultV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { StateConflict, Unavailable } from '../../../shared/domain/errors.js';
import { httpHandler, MAX_BODY_BYTES } from '../../../shared/http/api.js';
import { logger } from '../../../shared/logger.js';
import { apigwEvent } from '../fixtures.js';
import { edgeCtx } from './edge-ctx.js';

const context = { functionName: 'send-link', awsRequestId: 'req-1' } as Context;

const sendSchema = z
  .object({
    connectionId: z.string().min(1),
    ticketId: z.string().min(1),
    channel: z.enum(['email', 'sms']),
  })
  .strict();

const edge = edgeCtx();
const { ctx } = edge;

/** A console handler that echoes what the edge handed it. */
const echoConsole = httpHandler(
  'send-link',
  { ctx, body: sendSchema },
  async ({ body, principal, bearer }) => ({
    status: 202,
    body: { body, principal, bearer },
  }),
);

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;

async function invoke(handler: Handler, event: APIGatewayProxyEventV2) {
  const result = (await handler(event, context)) as APIGatewayProxyStructuredResultV2;
  return { ...result, json: JSON.parse(result.body ?? 'null') as Record<string, unknown> };
}

const claimsOf = (event: APIGatewayProxyEventV2) =>
  (event.requestContext as unknown as { authorizer: { jwt: { claims: Record<string, unknown> } } }).authorizer
    .jwt.claims;

const errorOf = (json: Record<string, unknown>) =>
  json.error as { code: string; message: string; details?: unknown };

describe('httpHandler', () => {
  beforeEach(() => {
    edge.setUser('alice', ['agent']);
    vi.spyOn(logger, 'info').mockImplementation(() => undefined);
    vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    vi.spyOn(logger, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('refuses to build a handler for a function without a route', () => {
    // Act / Assess
    expect(() => httpHandler('lifecycle-record', {}, async () => ({ status: 200, body: {} }))).toThrow(
      'No route for lifecycle-record',
    );
  });

  describe('console authorisation', () => {
    it('answers 401 UNAUTHENTICATED without authorizer claims', async () => {
      // Prepare
      const event = apigwEvent('console-send-link');
      delete (event.requestContext as { authorizer?: unknown }).authorizer;

      // Act
      const res = await invoke(echoConsole, event);

      // Assess
      expect(res.statusCode).toBe(401);
      expect(errorOf(res.json).code).toBe('UNAUTHENTICATED');
    });

    it('answers 401 when the claims carry no user name', async () => {
      // Prepare
      const event = apigwEvent('console-send-link');
      const claims = claimsOf(event);
      delete claims['cognito:username'];
      delete claims.sub;

      // Act
      const res = await invoke(echoConsole, event);

      // Assess
      expect(res.statusCode).toBe(401);
      expect(errorOf(res.json).code).toBe('UNAUTHENTICATED');
    });

    it('answers 403 FORBIDDEN for an auditor on an agent route (API Gateway string form)', async () => {
      // Prepare
      const event = apigwEvent('console-send-link');
      claimsOf(event)['cognito:groups'] = '[auditor]';

      // Act
      const res = await invoke(echoConsole, event);

      // Assess
      expect(res.statusCode).toBe(403);
      expect(errorOf(res.json).code).toBe('FORBIDDEN');
    });

    it('answers 403 FORBIDDEN without any group', async () => {
      // Prepare
      const event = apigwEvent('console-send-link');
      delete claimsOf(event)['cognito:groups'];

      // Act
      const res = await invoke(echoConsole, event);

      // Assess
      expect(res.statusCode).toBe(403);
    });

    it('answers 403 for a group name that only resembles a role', async () => {
      // Prepare
      const event = apigwEvent('console-send-link');
      claimsOf(event)['cognito:groups'] = '[agents superagent]';

      // Act
      const res = await invoke(echoConsole, event);

      // Assess
      expect(res.statusCode).toBe(403);
    });

    it('lets an agent through (string form "[agent]") with the principal', async () => {
      // Prepare
      const event = apigwEvent('console-send-link');

      // Act
      const res = await invoke(echoConsole, event);

      // Assess
      expect(claimsOf(event)['cognito:groups']).toBe('[agent]');
      expect(res.statusCode).toBe(202);
      expect(res.json.principal).toEqual({ username: 'alice', roles: ['agent'] });
      expect(res.json.body).toEqual({ connectionId: 'local-desk', ticketId: 'tk-1001', channel: 'email' });
    });

    it('reads several groups from the string form and keeps only known roles', async () => {
      // Prepare
      edge.setUser('alice', ['agent', 'auditor']);
      const event = apigwEvent('console-send-link');
      claimsOf(event)['cognito:groups'] = '[helpdesk-emea agent auditor]';

      // Act
      const res = await invoke(echoConsole, event);

      // Assess
      expect(res.statusCode).toBe(202);
      expect(res.json.principal).toEqual({ username: 'alice', roles: ['agent', 'auditor'] });
    });

    it('accepts the array form of the groups claim', async () => {
      // Prepare
      edge.setUser('alice', ['admin']);
      const event = apigwEvent('console-send-link');
      claimsOf(event)['cognito:groups'] = ['admin'];

      // Act
      const res = await invoke(echoConsole, event);

      // Assess
      expect(res.statusCode).toBe(202);
      expect(res.json.principal).toEqual({ username: 'alice', roles: ['admin'] });
    });

    it('lets an auditor read where the route allows auditors', async () => {
      // Prepare
      edge.setUser('alice', ['auditor']);
      const read = httpHandler('verification-get', { ctx }, async ({ principal }) => ({
        status: 200,
        body: principal,
      }));
      const event = apigwEvent('console-send-link');
      event.body = undefined;
      claimsOf(event)['cognito:groups'] = '[auditor]';

      // Act
      const res = await invoke(read, event);

      // Assess
      expect(res.statusCode).toBe(200);
      expect(res.json).toEqual({ username: 'alice', roles: ['auditor'] });
    });

    it('checks roles before reading the body', async () => {
      // Prepare
      const event = apigwEvent('console-send-link');
      delete (event.requestContext as { authorizer?: unknown }).authorizer;
      event.body = '{not json';

      // Act
      const res = await invoke(echoConsole, event);

      // Assess
      expect(res.statusCode).toBe(401);
    });
  });

  describe('body', () => {
    it('answers 415 UNSUPPORTED_MEDIA_TYPE for text/plain', async () => {
      // Prepare
      const event = apigwEvent('console-send-link');
      event.headers['content-type'] = 'text/plain';

      // Act
      const res = await invoke(echoConsole, event);

      // Assess
      expect(res.statusCode).toBe(415);
      expect(errorOf(res.json).code).toBe('UNSUPPORTED_MEDIA_TYPE');
    });

    it('answers 415 without a content type', async () => {
      // Prepare
      const event = apigwEvent('console-send-link');
      delete event.headers['content-type'];

      // Act
      const res = await invoke(echoConsole, event);

      // Assess
      expect(res.statusCode).toBe(415);
    });

    it('accepts application/json with a charset and in any header case', async () => {
      // Prepare
      const event = apigwEvent('console-send-link');
      delete event.headers['content-type'];
      event.headers['Content-Type'] = 'Application/JSON; charset=utf-8';

      // Act
      const res = await invoke(echoConsole, event);

      // Assess
      expect(res.statusCode).toBe(202);
    });

    it('does not take application/jsonp for JSON', async () => {
      // Prepare
      const event = apigwEvent('console-send-link');
      event.headers['content-type'] = 'application/jsonp';

      // Act
      const res = await invoke(echoConsole, event);

      // Assess
      expect(res.statusCode).toBe(415);
    });

    it('answers 413 PAYLOAD_TOO_LARGE over 16 KiB', async () => {
      // Prepare
      const event = apigwEvent('console-send-link');
      event.body = JSON.stringify({
        connectionId: 'local-desk',
        ticketId: 'x'.repeat(MAX_BODY_BYTES),
        channel: 'email',
      });

      // Act
      const res = await invoke(echoConsole, event);

      // Assess
      expect(MAX_BODY_BYTES).toBe(16 * 1024);
      expect(res.statusCode).toBe(413);
      expect(errorOf(res.json).code).toBe('PAYLOAD_TOO_LARGE');
    });

    it('counts bytes, not characters, against the limit', async () => {
      // Prepare: 6,000 three-byte characters are 18,000 bytes.
      const event = apigwEvent('console-send-link');
      event.body = JSON.stringify({
        connectionId: 'local-desk',
        ticketId: '€'.repeat(6000),
        channel: 'email',
      });

      // Act
      const res = await invoke(echoConsole, event);

      // Assess
      expect(event.body.length).toBeLessThan(MAX_BODY_BYTES);
      expect(res.statusCode).toBe(413);
    });

    it('accepts a body of exactly 16 KiB', async () => {
      // Prepare
      const event = apigwEvent('console-send-link');
      const base = JSON.stringify({ connectionId: 'local-desk', ticketId: '', channel: 'email' });
      event.body = JSON.stringify({
        connectionId: 'local-desk',
        ticketId: 'x'.repeat(MAX_BODY_BYTES - base.length),
        channel: 'email',
      });

      // Act
      const res = await invoke(echoConsole, event);

      // Assess
      expect(Buffer.byteLength(event.body)).toBe(MAX_BODY_BYTES);
      expect(res.statusCode).toBe(202);
    });

    it('answers 400 MALFORMED_JSON for a body that is not JSON', async () => {
      // Prepare
      const event = apigwEvent('console-send-link');
      event.body = '{"connectionId":"local-desk",';

      // Act
      const res = await invoke(echoConsole, event);

      // Assess
      expect(res.statusCode).toBe(400);
      expect(errorOf(res.json).code).toBe('MALFORMED_JSON');
    });

    it('answers 400 MALFORMED_JSON for an empty body on a route that needs one', async () => {
      // Prepare
      const event = apigwEvent('console-send-link');
      event.body = undefined;

      // Act
      const res = await invoke(echoConsole, event);

      // Assess
      expect(res.statusCode).toBe(400);
      expect(errorOf(res.json).code).toBe('MALFORMED_JSON');
    });

    it('answers 400 VALIDATION_FAILED with the details of every problem', async () => {
      // Prepare
      const event = apigwEvent('console-send-link');
      event.body = JSON.stringify({ connectionId: 'local-desk', ticketId: '', channel: 'fax', extra: true });

      // Act
      const res = await invoke(echoConsole, event);

      // Assess
      const error = errorOf(res.json);
      expect(res.statusCode).toBe(400);
      expect(error.code).toBe('VALIDATION_FAILED');
      const details = error.details as { path: string; message: string }[];
      expect(details.map((d) => d.path).sort()).toEqual(['', 'channel', 'ticketId']);
      for (const d of details) expect(d.message).toEqual(expect.any(String));
    });

    it('decodes a base64-encoded body', async () => {
      // Prepare
      const event = apigwEvent('console-send-link');
      event.body = Buffer.from(event.body ?? '', 'utf8').toString('base64');
      event.isBase64Encoded = true;

      // Act
      const res = await invoke(echoConsole, event);

      // Assess
      expect(res.statusCode).toBe(202);
      expect(res.json.body).toEqual({ connectionId: 'local-desk', ticketId: 'tk-1001', channel: 'email' });
    });

    it('hands a raw-body route the exact text without parsing it', async () => {
      // Prepare
      const raw = '{"sys_id":"46d4",  "number":"INC0010001"}';
      const webhook = httpHandler('ticket-intake', { rawBody: true }, async ({ rawBody, body }) => ({
        status: 202,
        body: { rawBody, body: body ?? null },
      }));
      const event = apigwEvent('portal-complete');
      event.body = raw;

      // Act
      const res = await invoke(webhook, event);

      // Assess
      expect(res.statusCode).toBe(202);
      expect(res.json).toEqual({ rawBody: raw, body: null });
    });

    it('still checks the content type of a raw-body route', async () => {
      // Prepare
      const webhook = httpHandler('ticket-intake', { rawBody: true }, async () => ({
        status: 202,
        body: {},
      }));
      const event = apigwEvent('portal-complete');
      event.headers['content-type'] = 'application/x-www-form-urlencoded';

      // Act
      const res = await invoke(webhook, event);

      // Assess
      expect(res.statusCode).toBe(415);
    });
  });

  describe('errors', () => {
    it('answers a thrown plain Error with a generic 500 and leaks nothing', async () => {
      // Prepare
      const secret = 'ConditionalCheckFailed on table helpdesk-verify key VERIF#01JD';
      const failing = httpHandler('send-link', { ctx, body: sendSchema }, async () => {
        throw new Error(secret);
      });

      // Act
      const res = await invoke(failing, apigwEvent('console-send-link'));

      // Assess
      expect(res.statusCode).toBe(500);
      expect(res.json).toEqual({
        error: { code: 'INTERNAL_ERROR', message: 'Something went wrong; try again' },
      });
      expect(res.body).not.toContain('ConditionalCheckFailed');
      expect(res.body).not.toContain('stack');
      expect(res.body).not.toMatch(/at .*\.ts:\d+/);
      expect(logger.error).toHaveBeenCalledWith(
        'unhandled error',
        expect.objectContaining({ error: expect.any(Error) }),
      );
    });

    it('answers a thrown non-Error value with a generic 500 too', async () => {
      // Prepare
      const failing = httpHandler('send-link', { ctx, body: sendSchema }, async () => {
        throw 'a string, not an Error';
      });

      // Act
      const res = await invoke(failing, apigwEvent('console-send-link'));

      // Assess
      expect(res.statusCode).toBe(500);
      expect(errorOf(res.json).code).toBe('INTERNAL_ERROR');
      expect(res.body).not.toContain('a string');
    });

    it('answers an AppError 409 with its code and message', async () => {
      // Prepare
      const failing = httpHandler('send-link', { ctx, body: sendSchema }, async () => {
        throw new StateConflict(
          'VERIFICATION_IN_PROGRESS',
          'A verification is already in progress for this ticket',
        );
      });

      // Act
      const res = await invoke(failing, apigwEvent('console-send-link'));

      // Assess
      expect(res.statusCode).toBe(409);
      expect(res.json).toEqual({
        error: {
          code: 'VERIFICATION_IN_PROGRESS',
          message: 'A verification is already in progress for this ticket',
        },
      });
    });

    it('answers an AppError of 500 or more with its code and status', async () => {
      // Prepare
      const failing = httpHandler('send-link', { ctx, body: sendSchema }, async () => {
        throw new Unavailable('TICKET_SYSTEM_UNAVAILABLE', 'The ticket system is not answering');
      });

      // Act
      const res = await invoke(failing, apigwEvent('console-send-link'));

      // Assess
      expect(res.statusCode).toBe(503);
      expect(errorOf(res.json).code).toBe('TICKET_SYSTEM_UNAVAILABLE');
    });
  });

  describe('responses', () => {
    it('sends JSON with no-store and nosniff on success', async () => {
      // Act
      const res = await invoke(echoConsole, apigwEvent('console-send-link'));

      // Assess
      expect(res.headers).toMatchObject({
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      });
    });

    it('sends the same headers on an error', async () => {
      // Prepare
      const event = apigwEvent('console-send-link');
      event.headers['content-type'] = 'text/plain';

      // Act
      const res = await invoke(echoConsole, event);

      // Assess
      expect(res.headers?.['cache-control']).toBe('no-store');
      expect(res.headers?.['x-content-type-options']).toBe('nosniff');
    });
  });

  describe('portal routes', () => {
    const completeSchema = z
      .object({ answers: z.array(z.object({ questionId: z.string(), optionId: z.string().nullable() })) })
      .strict();
    const echoPortal = httpHandler(
      'portal-complete',
      { ctx, body: completeSchema },
      async ({ bearer, principal, body }) => ({
        status: 200,
        body: { bearer: bearer ?? null, principal: principal ?? null, answered: body.answers.length },
      }),
    );

    it('passes the Bearer value through and needs no console claims', async () => {
      // Prepare
      const event = apigwEvent('portal-complete');

      // Act
      const res = await invoke(echoPortal, event);

      // Assess
      expect(res.statusCode).toBe(200);
      expect(res.json).toEqual({
        bearer:
          'v1.01JD7Z8Q4V3M2K1N0P9R8S7T6U.1735726500.5b1f0c6a2e9d4b7f8a3c1e0d9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a',
        principal: null,
        answered: 3,
      });
    });

    it('reads the Authorization header in any case and scheme case', async () => {
      // Prepare
      const event = apigwEvent('portal-complete');
      delete event.headers.authorization;
      event.headers.Authorization = 'bearer abc.def';

      // Act
      const res = await invoke(echoPortal, event);

      // Assess
      expect(res.json.bearer).toBe('abc.def');
    });

    it.each([
      ['missing', undefined],
      ['another scheme', 'Basic aHY6cHc='],
      ['empty Bearer', 'Bearer '],
    ])('leaves bearer undefined when the header is %s', async (_label, value) => {
      // Prepare
      const event = apigwEvent('portal-complete');
      if (value === undefined) delete event.headers.authorization;
      else event.headers.authorization = value;

      // Act
      const res = await invoke(echoPortal, event);

      // Assess
      expect(res.statusCode).toBe(200);
      expect(res.json.bearer).toBeNull();
    });
  });
});
