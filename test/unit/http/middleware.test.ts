/**
 * The edge's middlewares beyond bounds and bodies: console authorisation against the user as they
 * are now, the portal's abuse guard on tokenless entry points only, query and path validation,
 * correlation keys that do not outlive their request, and the metrics counted from results and
 * task inputs. Tracer and Metrics stay silent outside Lambda.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyResultV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { httpHandler } from '../../../shared/http/api.js';
import { countStepUp, metrics, tracer } from '../../../shared/http/observability.js';
import { taskHandler } from '../../../shared/http/task.js';
import { pathSchema } from '../../../shared/http/validation.js';
import { logger } from '../../../shared/logger.js';
import { apigwEvent, verification } from '../fixtures.js';
import { edgeCtx } from './edge-ctx.js';

const context = { functionName: 'edge-test', awsRequestId: 'req-1' } as Context;
type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;

async function invoke(handler: Handler, event: APIGatewayProxyEventV2) {
  const result = (await handler(event, context)) as APIGatewayProxyStructuredResultV2;
  return {
    ...result,
    json: JSON.parse(result.body ?? 'null') as Record<string, unknown> & {
      error?: { code: string; message: string };
    },
  };
}

const claimsOf = (event: APIGatewayProxyEventV2) =>
  (event.requestContext as unknown as { authorizer: { jwt: { claims: Record<string, unknown> } } }).authorizer
    .jwt.claims;

function consoleGet(pathParameters?: Record<string, string>, query?: Record<string, string>) {
  const event = apigwEvent('console-send-link');
  event.body = undefined;
  event.pathParameters = pathParameters;
  event.queryStringParameters = query;
  return event;
}

const edge = edgeCtx(2);
const { ctx } = edge;

beforeEach(() => {
  edge.setUser('alice', ['agent']);
  edge.counts.clear();
  vi.spyOn(logger, 'info').mockImplementation(() => undefined);
  vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
});
afterEach(() => vi.restoreAllMocks());

describe('console authorisation', () => {
  const called = vi.fn();
  const me = httpHandler('console-me', { ctx }, async ({ principal }) => {
    called();
    return { status: 200, body: principal };
  });
  beforeEach(() => called.mockReset());

  it('refuses to build a console handler without the ConsoleUsers port (the type asks for it too)', () => {
    // @ts-expect-error a console route must hand the edge its ctx
    expect(() => httpHandler('console-me', {}, async () => ({ status: 200, body: {} }))).toThrow(
      'console-me: pass the ctx with consoleUsers',
    );
  });

  it('hands the handler the roles the user has now, not the token', async () => {
    edge.setUser('alice', ['admin', 'agent']);
    const res = await invoke(me, consoleGet());
    expect(res.statusCode).toBe(200);
    expect(res.json).toEqual({ username: 'alice', roles: ['admin', 'agent'] });
  });

  it('answers 401 USER_DISABLED for a disabled user with a valid token, before the handler', async () => {
    edge.setUser('alice', ['agent'], { enabled: false });
    const res = await invoke(me, consoleGet());
    expect(res.statusCode).toBe(401);
    expect(res.json.error?.code).toBe('USER_DISABLED');
    expect(called).not.toHaveBeenCalled();
  });

  it('answers 401 USER_DISABLED for a user who no longer exists', async () => {
    const res = await invoke(
      me,
      (() => {
        const event = consoleGet();
        claimsOf(event)['cognito:username'] = 'gone';
        return event;
      })(),
    );
    expect(res.json.error?.code).toBe('USER_DISABLED');
  });

  it('answers 403 FORBIDDEN when the token has the role but the user no longer does', async () => {
    edge.setUser('alice', ['auditor']);
    const send = httpHandler('send-link', { ctx }, async () => ({ status: 202, body: {} }));
    const event = consoleGet();
    const res = await invoke(send, event);
    expect(claimsOf(event)['cognito:groups']).toBe('[agent]');
    expect(res.statusCode).toBe(403);
    expect(res.json.error?.code).toBe('FORBIDDEN');
  });

  it('reads the token time from the string claim: 401 SESSION_ENDED when issued before the sign-out', async () => {
    const event = consoleGet();
    const iat = Number(claimsOf(event).iat);
    edge.setUser('alice', ['agent'], { sessionsEndedAt: new Date((iat + 60) * 1000).toISOString() });
    const refused = await invoke(me, event);
    expect(refused.json.error?.code).toBe('SESSION_ENDED');
    edge.setUser('alice', ['agent'], { sessionsEndedAt: new Date((iat - 60) * 1000).toISOString() });
    expect((await invoke(me, consoleGet())).statusCode).toBe(200);
  });
});

describe('portal abuse guard', () => {
  const start = httpHandler('portal-start', { ctx, body: z.object({ email: z.string() }) }, async () => ({
    status: 202,
    body: { accepted: true },
  }));
  const question = httpHandler('portal-question', { ctx }, async () => ({ status: 200, body: {} }));
  const startEvent = () => {
    const event = apigwEvent('portal-complete');
    event.body = JSON.stringify({ email: 'x@example.com' });
    return event;
  };

  it('limits a tokenless entry point per source network, before its handler', async () => {
    expect((await invoke(start, startEvent())).statusCode).toBe(202);
    expect((await invoke(start, startEvent())).statusCode).toBe(202);
    const third = await invoke(start, startEvent());
    expect(third.statusCode).toBe(429);
    expect(third.json.error?.code).toBe('NETWORK_RATE_LIMITED');
    expect([...edge.counts.keys()]).toEqual([expect.stringMatching(/^SOURCE#/)]);
  });

  it('does not count a body the edge refuses', async () => {
    const event = startEvent();
    event.body = '{';
    expect((await invoke(start, event)).statusCode).toBe(400);
    expect(edge.counts.size).toBe(0);
  });

  it('never counts routes that carry a link or session token per network', async () => {
    for (let i = 0; i < 4; i++)
      expect((await invoke(question, apigwEvent('portal-complete'))).statusCode).toBe(200);
    expect(edge.counts.size).toBe(0);
  });
});

describe('query and path validation', () => {
  const list = httpHandler(
    'console-list',
    { ctx, query: z.object({ limit: z.optional(z.coerce.number().int().max(10)) }).strict() },
    async ({ query }) => ({ status: 200, body: { query } }),
  );
  const detail = httpHandler(
    'verification-get',
    { ctx, path: pathSchema('verificationId') },
    async ({ path }) => ({ status: 200, body: { path } }),
  );

  it('hands the handler the parsed query', async () => {
    const res = await invoke(list, consoleGet(undefined, { limit: '5' }));
    expect(res.json).toEqual({ query: { limit: 5 } });
  });

  it('answers 400 VALIDATION_FAILED with a sentence naming the field', async () => {
    const res = await invoke(list, consoleGet(undefined, { limit: '50' }));
    expect(res.statusCode).toBe(400);
    expect(res.json.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: '`limit` must be at most 10.',
    });
  });

  it('names a query parameter the route does not take', async () => {
    const res = await invoke(list, consoleGet(undefined, { colour: 'red' }));
    expect(res.json.error?.message).toBe('`colour` is not something this request takes.');
  });

  it("hands over path parameters, '' when absent (the use case answers 404)", async () => {
    expect((await invoke(detail, consoleGet({ verificationId: 'v-1' }))).json).toEqual({
      path: { verificationId: 'v-1' },
    });
    expect((await invoke(detail, consoleGet())).json).toEqual({ path: { verificationId: '' } });
  });

  it('explains a body problem in a sentence when the route asks for it', async () => {
    const users = httpHandler(
      'console-users-create',
      { ctx, body: z.object({ username: z.string().max(3) }), explain: true },
      async () => ({ status: 201, body: {} }),
    );
    edge.setUser('alice', ['admin']);
    const event = apigwEvent('console-send-link');
    claimsOf(event)['cognito:groups'] = '[admin]';
    event.body = JSON.stringify({ username: 'toolong' });
    const res = await invoke(users, event);
    expect(res.json.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: '`username` must be at most 3 characters.',
    });
  });
});

describe('correlation keys', () => {
  const detail = httpHandler('verification-get', { ctx, path: pathSchema('verificationId') }, async () => {
    logger.error('inside the handler');
    return { status: 200, body: { verificationId: 'v-from-result' } };
  });

  it('appends the path ids and the Lambda context for the request, and clears the ids after it', async () => {
    // The logger's own console (Powertools writes each line through it).
    const out = (logger as unknown as { console: Console }).console;
    const lines: string[] = [];
    vi.spyOn(out, 'error').mockImplementation((line: string) => {
      lines.push(line);
    });
    await invoke(detail, consoleGet({ verificationId: 'v-1' }));
    await invoke(detail, consoleGet());
    const logged = lines
      .filter((l) => l.includes('inside the handler'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged).toHaveLength(2);
    expect(logged[0]).toMatchObject({
      verificationId: 'v-1',
      function_request_id: 'req-1',
      cold_start: expect.any(Boolean),
    });
    expect(logged[1]).not.toHaveProperty('verificationId');
  });
});

describe('metrics at the edge', () => {
  it('counts a refusal by its code', async () => {
    const addMetric = vi.spyOn(metrics, 'addMetric');
    const addDimension = vi.spyOn(metrics, 'addDimension');
    edge.setUser('alice', ['agent'], { enabled: false });
    await invoke(
      httpHandler('console-me', { ctx }, async () => ({ status: 200, body: {} })),
      consoleGet(),
    );
    expect(addDimension).toHaveBeenCalledWith('code', 'USER_DISABLED');
    expect(addMetric).toHaveBeenCalledWith('Refusals', 'Count', 1);
  });

  it('counts outcomes by status from the portal-complete answer, and asks for the cold-start metric (Powertools emits it on the first invocation only)', async () => {
    const addMetric = vi.spyOn(metrics, 'addMetric');
    const addDimension = vi.spyOn(metrics, 'addDimension');
    const coldStart = vi.spyOn(metrics, 'captureColdStartMetric');
    const complete = httpHandler('portal-complete', { ctx }, async () => ({
      status: 200,
      body: { verificationId: 'v-1', outcome: 'failed' },
    }));
    await invoke(complete, apigwEvent('portal-complete'));
    expect(addDimension).toHaveBeenCalledWith('status', 'failed');
    expect(addMetric).toHaveBeenCalledWith('Outcomes', 'Count', 1);
    expect(coldStart).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['write_back_failed', 'WriteBackFailures'],
    ['delivery_failed', 'DeliveryFailures'],
  ])('counts the lifecycle record event %s as %s', async (event, metric) => {
    const addMetric = vi.spyOn(metrics, 'addMetric');
    const record = taskHandler(
      'RecordEvent',
      z.object({ verificationId: z.string(), event: z.string() }),
      async () => undefined,
    );
    await record({ verificationId: 'v-1', event }, context);
    expect(addMetric).toHaveBeenCalledWith(metric, 'Count', 1);
  });

  it('counts nothing for a task that failed, and logs it by name', async () => {
    const addMetric = vi.spyOn(metrics, 'addMetric');
    const record = taskHandler(
      'RecordEvent',
      z.object({ verificationId: z.string(), event: z.string() }),
      async () => {
        throw new TypeError('boom');
      },
    );
    await expect(record({ verificationId: 'v-1', event: 'write_back_failed' }, context)).rejects.toThrow(
      'boom',
    );
    expect(addMetric).not.toHaveBeenCalled();
    expect(logger.warn).toHaveBeenCalledWith(
      'task failed',
      expect.objectContaining({ task: 'RecordEvent', errorName: 'TypeError' }),
    );
  });
});

describe('step-ups', () => {
  const assessment = (riskLevel: 'verified' | 'medium' | 'high') => ({
    riskScore: 50,
    riskLevel,
    reasons: [],
    recommendation: '',
    answered: 3,
    correct: 2,
  });

  it.each([
    ['a failure at medium risk', 'failed', 'medium', 1],
    ['a failure scored verified (still a step-up)', 'failed', 'verified', 1],
    ['a failure at high risk (rejected, not stepped up)', 'failed', 'high', 0],
    ['a pass', 'passed', 'verified', 0],
  ] as const)('counts %s as %i step-up', (_label, status, level, count) => {
    const addMetric = vi.spyOn(metrics, 'addMetric');
    const before = verification({ status: 'in_progress' });
    countStepUp(before, verification({ status, assessment: assessment(level) }));
    expect(addMetric).toHaveBeenCalledTimes(count);
    if (count) expect(addMetric).toHaveBeenCalledWith('StepUps', 'Count', 1);
  });

  it('counts a verdict once: not again when a final record changes', () => {
    const addMetric = vi.spyOn(metrics, 'addMetric');
    const failed = verification({ status: 'failed', assessment: assessment('medium') });
    countStepUp(failed, { ...failed, writeBack: { state: 'done' } } as typeof failed);
    expect(addMetric).not.toHaveBeenCalled();
  });
});

describe('outside Lambda', () => {
  it('keeps the Tracer off and hands AWS clients back unwrapped', () => {
    const client = new DynamoDBClient({ region: 'eu-west-1' });
    expect(tracer.isTracingEnabled()).toBe(false);
    expect(tracer.captureAWSv3Client(client)).toBe(client);
  });

  it('keeps Metrics from writing EMF', () => {
    expect(process.env.POWERTOOLS_METRICS_DISABLED).toBe('true');
  });
});
