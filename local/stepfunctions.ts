/**
 * A local Step Functions endpoint. It speaks the subset of the AWS JSON 1.0 protocol the product
 * uses (StartExecution, SendTaskSuccess, SendTaskFailure, DescribeExecution), so the
 * `StepFunctionsWorkflow` adapter and the AWS SDK work unchanged against it. Executions run the
 * real ASL file in aws-local-stepfunctions with each Task mapped to the same handler code.
 *
 * Differences from AWS absorbed here, not in the ASL (DESIGN.md §10):
 * - `$$.Task.Token` is not provided: each `.waitForTaskToken` state gets a fresh token here and
 *   its task waits until SendTaskSuccess/Failure names it.
 * - `TimeoutSecondsPath` is evaluated against the input after `Parameters` locally: the path is
 *   copied into Parameters under a private key so it resolves to the same value as in AWS.
 * - Task overrides receive `Parameters`; for `lambda:invoke` that is `{FunctionName, Payload}`,
 *   so the Payload is unwrapped.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, Server } from 'node:http';
import { StateMachine } from 'aws-local-stepfunctions';
import { type FunctionName, LIFECYCLE_TASKS, STATE_MACHINE_FILE } from '../shared/manifest.js';
import { invoke } from './lambda.js';
import { type ListenAt, serve } from './ports.js';

const ACCOUNT = '000000000000';
const REGION = 'us-east-1';
export const LOCAL_STATE_MACHINE_ARN = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:verification-lifecycle`;
const TIMEOUT_KEY = '__timeoutSeconds';

type Json = Record<string, unknown>;
type TaskOverride = (input: Json) => Promise<unknown>;

interface Execution {
  executionArn: string;
  name: string;
  input: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';
  startDate: Date;
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
  abort: () => void;
}

interface PendingTask {
  executionArn: string;
  /** Epoch ms after which the state has timed out (AWS answers TaskTimedOut from then on). */
  deadline: number;
  resolve: (output: unknown) => void;
  reject: (error: Error) => void;
  settled: boolean;
}

class AwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

function functionArn(name: string) {
  return `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
}

/** The ASL with substitutions resolved to local function ARNs and TimeoutSecondsPath made local-safe. */
function localDefinition(): { definition: Json; functionOfArn: Map<string, FunctionName> } {
  let text = readFileSync(STATE_MACHINE_FILE, 'utf8');
  const functionOfArn = new Map<string, FunctionName>();
  for (const [key, fn] of Object.entries(LIFECYCLE_TASKS)) {
    text = text.replaceAll(`\${${key}}`, functionArn(fn));
    functionOfArn.set(functionArn(fn), fn);
  }
  const definition = JSON.parse(text) as { States: Record<string, Json> };
  for (const state of Object.values(definition.States)) {
    const parameters = state.Parameters as Json | undefined;
    if (typeof state.TimeoutSecondsPath === 'string' && parameters) {
      parameters[`${TIMEOUT_KEY}.$`] = state.TimeoutSecondsPath;
      state.TimeoutSecondsPath = `$.${TIMEOUT_KEY}`;
    }
  }
  return { definition, functionOfArn };
}

export interface LocalStepFunctionsOptions {
  /** Milliseconds between retries per state, to keep tests fast; AWS timings when omitted. */
  retryIntervalOverrides?: Record<string, number | number[]>;
}

export class LocalStepFunctions {
  private readonly executions = new Map<string, Execution>();
  private readonly tasks = new Map<string, PendingTask>();
  private readonly machine: StateMachine;
  private readonly overrides: Record<string, TaskOverride> = {};
  private server?: Server;

  constructor(private readonly options: LocalStepFunctionsOptions = {}) {
    const { definition, functionOfArn } = localDefinition();
    this.machine = new StateMachine(definition as never, {
      validationOptions: { checkArn: true, checkPaths: true },
    });
    const states = (definition as { States: Record<string, Json> }).States;
    for (const [stateName, state] of Object.entries(states)) {
      if (state.Type !== 'Task') continue;
      const resource = String(state.Resource);
      if (resource.endsWith('.waitForTaskToken')) {
        const fn = functionOfArn.get(String((state.Parameters as Json).FunctionName));
        if (!fn) throw new Error(`State ${stateName}: unknown function`);
        this.overrides[stateName] = (parameters) => this.waitForTaskToken(fn, parameters);
      } else {
        const fn = functionOfArn.get(resource);
        if (!fn) throw new Error(`State ${stateName}: resource ${resource} is not a known function`);
        this.overrides[stateName] = (input) => invoke(fn, input);
      }
    }
  }

  /** Runs executions; the emulated API is reachable on the returned endpoint. */
  async listen(at: ListenAt): Promise<string> {
    const { server, url } = await serve(
      at,
      (req, res) => {
        this.handle(req)
          .then((body) => {
            res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
            res.end(JSON.stringify(body));
          })
          .catch((error: unknown) => {
            const e = error instanceof AwsError ? error : new AwsError('InternalFailure', String(error), 500);
            res.writeHead(e.status, {
              'content-type': 'application/x-amz-json-1.0',
              'x-amzn-errortype': e.type,
            });
            res.end(JSON.stringify({ __type: e.type, message: e.message }));
          });
      },
      'Step Functions endpoint',
    );
    this.server = server;
    return url;
  }

  async stop(): Promise<void> {
    for (const execution of this.executions.values()) if (execution.status === 'RUNNING') execution.abort();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Json;
    const target = String(req.headers['x-amz-target'] ?? '').replace('AWSStepFunctions.', '');
    switch (target) {
      case 'StartExecution':
        return this.startExecution(
          String(body.name ?? randomBytes(8).toString('hex')),
          String(body.input ?? '{}'),
        );
      case 'SendTaskSuccess':
        return this.settle(String(body.taskToken), (t) =>
          t.resolve(JSON.parse(String(body.output ?? 'null'))),
        );
      case 'SendTaskFailure':
        return this.settle(String(body.taskToken), (t) => {
          const error = new Error(String(body.cause ?? ''));
          error.name = String(body.error ?? 'TaskFailed');
          t.reject(error);
        });
      case 'DescribeExecution':
        return this.describe(String(body.executionArn));
      default:
        throw new AwsError('UnknownOperationException', `Operation ${target} is not emulated locally`);
    }
  }

  startExecution(name: string, input: string) {
    const executionArn = `arn:aws:states:${REGION}:${ACCOUNT}:execution:verification-lifecycle:${name}`;
    const existing = this.executions.get(executionArn);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === input) {
        return { executionArn, startDate: existing.startDate.getTime() / 1000 };
      }
      throw new AwsError('ExecutionAlreadyExists', `Execution already exists: '${executionArn}'`);
    }
    const run = this.machine.run(JSON.parse(input), {
      overrides: {
        taskResourceLocalHandlers: this.overrides as never,
        retryIntervalOverrides: this.options.retryIntervalOverrides,
      },
      context: {
        Execution: { Id: executionArn, Name: name, Input: JSON.parse(input) },
        Task: { Token: 'per-state' },
      },
      noThrowOnAbort: true,
    });
    const execution: Execution = {
      executionArn,
      name,
      input,
      status: 'RUNNING',
      startDate: new Date(),
      abort: run.abort,
    };
    this.executions.set(executionArn, execution);
    run.result.then(
      (output: unknown) => {
        execution.status = output === null && execution.status === 'RUNNING' ? 'ABORTED' : 'SUCCEEDED';
        execution.output = JSON.stringify(output);
        execution.stopDate = new Date();
        this.forgetTasks(executionArn);
      },
      (error: Error) => {
        const cause = (error.cause as Error | undefined) ?? error;
        execution.status = 'FAILED';
        execution.error = cause.name;
        execution.cause = cause.message;
        execution.stopDate = new Date();
        this.forgetTasks(executionArn);
      },
    );
    return { executionArn, startDate: execution.startDate.getTime() / 1000 };
  }

  private describe(executionArn: string) {
    const e = this.executions.get(executionArn);
    if (!e) throw new AwsError('ExecutionDoesNotExist', `Execution does not exist: '${executionArn}'`);
    return {
      executionArn,
      stateMachineArn: LOCAL_STATE_MACHINE_ARN,
      name: e.name,
      status: e.status,
      startDate: e.startDate.getTime() / 1000,
      stopDate: e.stopDate ? e.stopDate.getTime() / 1000 : undefined,
      input: e.input,
      output: e.output,
      error: e.error,
      cause: e.cause,
    };
  }

  private async waitForTaskToken(fn: FunctionName, parameters: Json): Promise<unknown> {
    const payload = { ...(parameters.Payload as Json) };
    const token = randomBytes(48).toString('base64url');
    payload.taskToken = token;
    const executionArn = String(this.currentExecution(payload));
    const timeoutSeconds = Number(parameters[TIMEOUT_KEY] ?? 99_999_999);
    const deadline = Date.now() + timeoutSeconds * 1000;
    const result = new Promise<unknown>((resolve, reject) => {
      this.tasks.set(token, { executionArn, deadline, resolve, reject, settled: false });
    });
    try {
      await invoke(fn, payload);
    } catch (error) {
      this.tasks.delete(token);
      throw error;
    }
    return result;
  }

  /** Which execution a waiting task belongs to: the one whose verification it names. */
  private currentExecution(payload: Json): string | undefined {
    for (const e of this.executions.values()) {
      if (e.status === 'RUNNING' && (JSON.parse(e.input) as Json).verificationId === payload.verificationId) {
        return e.executionArn;
      }
    }
    return undefined;
  }

  private settle(token: string, apply: (task: PendingTask) => void) {
    const task = this.tasks.get(token);
    if (!task || task.settled) throw new AwsError('TaskDoesNotExist', 'Task does not exist anymore');
    if (Date.now() >= task.deadline) throw new AwsError('TaskTimedOut', 'Task Timed Out');
    task.settled = true;
    this.tasks.delete(token);
    apply(task);
    return {};
  }

  private forgetTasks(executionArn: string) {
    for (const [token, task] of this.tasks) if (task.executionArn === executionArn) this.tasks.delete(token);
  }
}
