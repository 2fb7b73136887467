/**
 * The edge's own bounds (path parameters, query strings, headers, encodings) and what it answers
 * when the table or another AWS dependency is unreachable: a clear 400 or a 503 with Retry-After,
 * a WARN line without the value, and the handler never called.
 */
import { DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyResultV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TableUnavailableError, Unavailable } from '../../../shared/domain/errors.js';
import { httpHandler } from '../../../shared/http/api.js';
import { EDGE_LIMITS } from '../../../shared/http/limits.js';
import { logger } from '../../../shared/logger.js';
import { apigwEvent } from '../fixtures.js';
import { edgeCtx } from './edge-ctx.js';

const context = { functionName: 'verification-get', awsRequestId: 'req-1' } as Context;
type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;

async function invoke(handler: Handler, event: APIGatewayProxyEventV2) {
  const result = (await handler(event, context)) as APIGatewayProxyStructuredResultV2;
  return { ...result, json: JSON.parse(result.body ?? 'null') as { error?: { code: string } } };
}

function getEvent(pathParameters: Record<string, string> = { verificationId: 'v-1' }) {
  const event = apigwEvent('console-send-link');
  event.body = undefined;
  event.pathParameters = pathParameters;
  return event;
}

const logLines = () =>
  JSON.stringify([
    vi.mocked(logger.info).mock.calls,
    vi.mocked(logger.warn).mock.calls,
    vi.mocked(logger.error).mock.calls,
  ]);

const edge = edgeCtx();
const { ctx } = edge;

describe('edge limits', () => {
  const called = vi.fn();
  const read = httpHandler('verification-get', { ctx }, async () => {
    called();
    return { status: 200, body: { ok: true } };
  });

  beforeEach(() => {
    edge.setUser('alice', ['agent']);
    vi.spyOn(logger, 'info').mockImplementation(() => undefined);
    vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    called.mockReset();
  });
  afterEach(() => vi.restoreAllMocks());

  it('answers 400 PATH_PARAMETER_TOO_LONG for a 2 KB path parameter, warns without the value', async () => {
    const value = `v-${'A'.repeat(2100)}`;
    const res = await invoke(read, getEvent({ verificationId: value }));
    expect(res.statusCode).toBe(400);
    expect(res.json.error?.code).toBe('PATH_PARAMETER_TOO_LONG');
    expect(called).not.toHaveBeenCalled();
    expect(logger.error).not.toHaveBeenCalled();
    expect(logger.warn).toHaveBeenCalledWith(
      'request refused at the edge',
      expect.objectContaining({ code: 'PATH_PARAMETER_TOO_LONG', part: 'path', name: 'verificationId' }),
    );
    expect(logLines()).not.toContain('AAAAAAAAAA');
  });

  it('lets a path parameter at the limit through', async () => {
    const res = await invoke(read, getEvent({ verificationId: 'x'.repeat(EDGE_LIMITS.pathParameterChars) }));
    expect(res.statusCode).toBe(200);
  });

  it.each([
    ['a NUL byte', 'v\u00001'],
    ['a replacement character (undecodable bytes)', 'v\uFFFD1'],
    ['a newline', 'v\n1'],
    ['a stray percent sign (not decoded)', 'v%zz'],
  ])('answers 400 MALFORMED_PATH for %s', async (_what, value) => {
    const res = await invoke(read, getEvent({ verificationId: value }));
    expect(res.statusCode).toBe(400);
    expect(res.json.error?.code).toBe('MALFORMED_PATH');
    expect(called).not.toHaveBeenCalled();
  });

  it('answers 400 QUERY_TOO_LONG for an oversized query string', async () => {
    const event = getEvent();
    const q = 'q'.repeat(EDGE_LIMITS.queryStringChars + 1);
    event.rawQueryString = `status=${q}`;
    event.queryStringParameters = { status: q };
    const res = await invoke(read, event);
    expect(res.statusCode).toBe(400);
    expect(res.json.error?.code).toBe('QUERY_TOO_LONG');
    expect(called).not.toHaveBeenCalled();
    expect(logLines()).not.toContain('qqqqqqqqqq');
  });

  it('answers 400 MALFORMED_QUERY for control characters in a query value', async () => {
    const event = getEvent();
    event.rawQueryString = 'status=a%00b';
    event.queryStringParameters = { status: 'a\u0000b' };
    const res = await invoke(read, event);
    expect(res.statusCode).toBe(400);
    expect(res.json.error?.code).toBe('MALFORMED_QUERY');
  });

  it('answers 400 HEADERS_TOO_LARGE for an oversized header, before the role check', async () => {
    const event = getEvent();
    event.headers['x-padding'] = 'h'.repeat(EDGE_LIMITS.headerChars + 1);
    delete (event.requestContext as { authorizer?: unknown }).authorizer;
    const res = await invoke(read, event);
    expect(res.statusCode).toBe(400);
    expect(res.json.error?.code).toBe('HEADERS_TOO_LARGE');
    expect(logLines()).not.toContain('hhhhhhhhhh');
  });

  it('answers 400 HEADERS_TOO_LARGE when many headers together are too large', async () => {
    const event = getEvent();
    for (let i = 0; i < 20; i++) event.headers[`x-h${i}`] = 'h'.repeat(EDGE_LIMITS.headerChars / 4);
    const res = await invoke(read, event);
    expect(res.statusCode).toBe(400);
    expect(res.json.error?.code).toBe('HEADERS_TOO_LARGE');
  });
});

describe('dependencies down', () => {
  beforeEach(() => {
    edge.setUser('alice', ['agent']);
    vi.spyOn(logger, 'info').mockImplementation(() => undefined);
    vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    vi.spyOn(logger, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => vi.restoreAllMocks());

  const failing = (error: unknown) =>
    httpHandler('verification-get', { ctx }, async () => {
      throw error;
    });

  it('answers 503 TABLE_UNAVAILABLE with Retry-After for an unreachable table, one WARN, no stack', async () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8000'), { code: 'ECONNREFUSED' });
    const res = await invoke(failing(new TableUnavailableError('unreachable', { cause })), getEvent());
    expect(res.statusCode).toBe(503);
    expect(res.headers?.['retry-after']).toMatch(/^\d+$/);
    expect(res.json.error?.code).toBe('TABLE_UNAVAILABLE');
    expect(logger.error).not.toHaveBeenCalled();
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(vi.mocked(logger.warn).mock.calls[0]?.[0]).toBe('table unreachable');
    expect(logLines()).not.toContain('at ');
  });

  it('answers 503 DEPENDENCY_UNAVAILABLE for another AWS client that cannot connect', async () => {
    const error = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8789'), {
      code: 'ECONNREFUSED',
      $metadata: { attempts: 4 },
    });
    const res = await invoke(failing(error), getEvent());
    expect(res.statusCode).toBe(503);
    expect(res.headers?.['retry-after']).toMatch(/^\d+$/);
    expect(res.json.error?.code).toBe('DEPENDENCY_UNAVAILABLE');
    expect(logger.error).not.toHaveBeenCalled();
  });

  it('adds Retry-After to every 503 the use cases raise', async () => {
    const res = await invoke(failing(new Unavailable('ITSM_UNAVAILABLE', 'later')), getEvent());
    expect(res.statusCode).toBe(503);
    expect(res.headers?.['retry-after']).toMatch(/^\d+$/);
  });

  it('still answers 500 for a plain bug', async () => {
    const res = await invoke(failing(new TypeError('x is undefined')), getEvent());
    expect(res.statusCode).toBe(500);
    expect(logger.error).toHaveBeenCalled();
  });
});

describe('TableUnavailableError from the DynamoDB client', () => {
  it.each([
    ['ProvisionedThroughputExceededException', 'client'],
    ['ThrottlingException', 'client'],
    ['RequestLimitExceeded', 'client'],
    ['InternalServerError', 'server'],
    ['ServiceUnavailable', 'server'],
  ] as const)('classifies %s as the table being unavailable', async (name, fault) => {
    const { tableUnavailable } = await import('../../../shared/adapters/dynamodb/unreachable.js');
    const error = new DynamoDBServiceException({ name, $fault: fault, $metadata: {}, message: name });
    expect(tableUnavailable(error)).toBe(true);
  });

  it.each(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN'])(
    'classifies a %s network error as the table being unreachable',
    async (code) => {
      const { tableUnavailable } = await import('../../../shared/adapters/dynamodb/unreachable.js');
      expect(tableUnavailable(Object.assign(new Error(code), { code }))).toBe(true);
    },
  );

  it('leaves conditional-check failures and validation errors alone', async () => {
    const { tableUnavailable } = await import('../../../shared/adapters/dynamodb/unreachable.js');
    for (const name of [
      'ConditionalCheckFailedException',
      'ValidationException',
      'TransactionCanceledException',
    ])
      expect(
        tableUnavailable(
          new DynamoDBServiceException({ name, $fault: 'client', $metadata: {}, message: name }),
        ),
      ).toBe(false);
  });
});

describe('reportTableUnavailable', () => {
  it('turns a refused connection into TableUnavailableError', async () => {
    const { DynamoDBClient, GetItemCommand } = await import('@aws-sdk/client-dynamodb');
    const { reportTableUnavailable } = await import('../../../shared/adapters/dynamodb/unreachable.js');
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    const client = reportTableUnavailable(
      new DynamoDBClient({
        region: 'us-east-1',
        endpoint: 'http://127.0.0.1:1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        maxAttempts: 1,
      }),
    );
    const get = () => client.send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'a' } } }));
    await expect(get()).rejects.toBeInstanceOf(TableUnavailableError);
  });
});
