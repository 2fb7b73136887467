/**
 * Runs the functions in-process, the way Lambda would: the same handler modules, called with an
 * event and a Lambda-shaped context. Modules load lazily on first call (like a cold start), after
 * the local stack has set the environment they read.
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import type { FunctionName } from '../shared/manifest.js';

type Handler = (event: unknown, context: Context) => Promise<unknown>;
const loaded = new Map<FunctionName, Promise<Handler>>();

function load(name: FunctionName): Promise<Handler> {
  let handler = loaded.get(name);
  if (!handler) {
    handler = import(`../functions/${name}/handler.ts`).then((m: { handler: Handler }) => m.handler);
    loaded.set(name, handler);
  }
  return handler;
}

export async function invoke(name: FunctionName, event: unknown, timeoutMs = 30_000): Promise<unknown> {
  const handler = await load(name);
  const deadline = Date.now() + timeoutMs;
  const context = {
    awsRequestId: randomUUID(),
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    memoryLimitInMB: '512',
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  } satisfies Context;
  return handler(event, context);
}
