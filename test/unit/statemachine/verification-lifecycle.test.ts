import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { LIFECYCLE_TASKS, STATE_MACHINE_FILE } from '../../../shared/manifest.js';
import { REPO_ROOT } from '../fixtures.js';

/** asl-validator 4 is CommonJS (`export =`) without type declarations. */
type AslValidator = (
  definition: unknown,
  options?: { checkPaths?: boolean; checkArn?: boolean },
) => { isValid: boolean; errors: unknown[]; errorsText: (separator?: string) => string };
const aslValidator = createRequire(import.meta.url)('asl-validator') as AslValidator;

interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
}
interface Catcher {
  ErrorEquals: string[];
  Next: string;
  ResultPath?: string | null;
}
interface State {
  Type: string;
  Resource?: string;
  Next?: string;
  End?: boolean;
  Default?: string;
  Choices?: { Variable: string; StringEquals?: string; BooleanEquals?: boolean; Next: string }[];
  Parameters?: Record<string, unknown>;
  ResultPath?: string | null;
  TimeoutSeconds?: number;
  TimeoutSecondsPath?: string;
  Retry?: Retrier[];
  Catch?: Catcher[];
}
interface StateMachine {
  StartAt: string;
  States: Record<string, State>;
}

const TEXT = readFileSync(new URL(STATE_MACHINE_FILE, REPO_ROOT), 'utf8');
const PLACEHOLDER = /\$\{([A-Za-z0-9]+)\}/g;

/** How the ASL refers to a `definitionSubstitutions` key. */
const ref = (key: keyof typeof LIFECYCLE_TASKS) => `\${${key}}`;
const definition = (): StateMachine => JSON.parse(TEXT) as StateMachine;
const state = (name: string): State => {
  const found = definition().States[name];
  if (!found) throw new Error(`state ${name} missing`);
  return found;
};
const placeholders = () => [...new Set([...TEXT.matchAll(PLACEHOLDER)].map((m) => m[1] as string))].sort();
const substituted = () =>
  JSON.parse(
    TEXT.replace(
      PLACEHOLDER,
      (_m, key: string) => `arn:aws:lambda:eu-west-1:123456789012:function:helpdesk-verify-${key}`,
    ),
  ) as StateMachine;

/** Every value at any depth of a state's Parameters. */
function parameterValues(value: unknown): unknown[] {
  if (value === null || typeof value !== 'object') return [value];
  return Object.values(value).flatMap(parameterValues);
}

describe('verification-lifecycle.asl.json', () => {
  it('is valid ASL once the placeholders are substituted with Lambda ARNs', () => {
    // Prepare
    const asl = substituted();

    // Act
    const { isValid, errorsText } = aslValidator(asl);

    // Assess
    expect(errorsText('\n')).toBe('');
    expect(isValid).toBe(true);
  });

  it('is caught by the validator when a transition target is missing (the check can fail)', () => {
    // Prepare
    const asl = substituted();
    (asl.States.WriteBack as State).Next = 'NoSuchState';

    // Act
    const { isValid } = aslValidator(asl);

    // Assess
    expect(isValid).toBe(false);
  });

  it('has a TimeoutSeconds or TimeoutSecondsPath on every Task state', () => {
    // Prepare
    const tasks = Object.entries(definition().States).filter(([, s]) => s.Type === 'Task');

    // Act
    const without = tasks.filter(
      ([, s]) => s.TimeoutSeconds === undefined && s.TimeoutSecondsPath === undefined,
    );

    // Assess
    expect(tasks.length).toBeGreaterThan(0);
    expect(without.map(([name]) => name)).toEqual([]);
  });

  it('passes $$.Task.Token from every .waitForTaskToken state', () => {
    // Prepare
    const waiting = Object.entries(definition().States).filter(([, s]) =>
      s.Resource?.endsWith('.waitForTaskToken'),
    );

    // Act
    const withoutToken = waiting.filter(([, s]) => !parameterValues(s.Parameters).includes('$$.Task.Token'));

    // Assess
    expect(waiting.map(([name]) => name).sort()).toEqual([
      'AwaitAction',
      'AwaitCompletion',
      'AwaitOpen',
      'AwaitStepUp',
    ]);
    expect(withoutToken.map(([name]) => name)).toEqual([]);
  });

  it.each(['WriteBack', 'RecordAction', 'AutoClose'])(
    '%s retries TicketSystemRetryableError with backoff and catches everything to RecordWriteBackFailure',
    (name) => {
      // Prepare
      const s = state(name);

      // Act
      const retry = s.Retry?.find((r) => r.ErrorEquals.includes('TicketSystemRetryableError'));
      const catchAll = s.Catch?.find((c) => c.ErrorEquals.includes('States.ALL'));

      // Assess
      expect(s.Resource).toBe(ref('TicketWriteFunctionArn'));
      expect(retry).toBeDefined();
      expect(retry?.BackoffRate).toBeGreaterThan(1);
      expect(retry?.MaxAttempts).toBeGreaterThanOrEqual(2);
      expect(catchAll?.Next).toBe('RecordWriteBackFailure');
      expect(catchAll?.ResultPath).toBe('$.error');
    },
  );

  it('records a write-back failure and then fails the execution', () => {
    // Prepare
    const record = state('RecordWriteBackFailure');

    // Act
    const next = state(record.Next ?? '');

    // Assess
    expect(record.Resource).toBe(ref('RecordEventFunctionArn'));
    expect(record.Parameters).toMatchObject({ event: 'write_back_failed', 'error.$': '$.error' });
    expect(next.Type).toBe('Fail');
  });

  it('AwaitCompletion catches States.Timeout into MarkTimedOut, which reaches WriteBack via OutcomeChoice', () => {
    // Prepare
    const await_ = state('AwaitCompletion');
    const markTimedOut = state('MarkTimedOut');
    const outcomeChoice = state('OutcomeChoice');

    // Act
    const timeoutCatch = await_.Catch?.find((c) => c.ErrorEquals.includes('States.Timeout'));
    const timedOutRoute =
      outcomeChoice.Choices?.find((c) => c.Variable === '$.outcome.status' && c.StringEquals === 'timed_out')
        ?.Next ?? outcomeChoice.Default;

    // Assess
    // The link's lifetime covers opening and completing: AwaitOpen waits up to all of it,
    // AwaitCompletion for what is left when the link was opened.
    expect(state('AwaitOpen').TimeoutSecondsPath).toBe('$.linkLifetimeSeconds');
    expect(state('AwaitOpen').Catch?.find((c) => c.ErrorEquals.includes('States.Timeout'))?.Next).toBe(
      'MarkTimedOut',
    );
    expect(await_.TimeoutSecondsPath).toBe('$.opened.remainingSeconds');
    expect(timeoutCatch?.Next).toBe('MarkTimedOut');
    expect(timeoutCatch?.ResultPath).toBeNull();
    expect(markTimedOut.Parameters).toMatchObject({ event: 'timed_out' });
    expect(markTimedOut.ResultPath).toBe('$.outcome');
    expect(markTimedOut.Next).toBe('OutcomeChoice');
    expect(outcomeChoice.Type).toBe('Choice');
    expect(timedOutRoute).toBe('WriteBack');
  });

  it('sends a step-up to StartStepUp, and every way out of it back to OutcomeChoice', () => {
    // Prepare
    const branches = (state('OutcomeChoice').Choices ?? []).map((c) => [c.StringEquals, c.Next]);

    // Assess
    expect(branches).toContainEqual(['step_up', 'StartStepUp']);
    expect(state('StartStepUp').Next).toBe('StepUpChoice');
    expect(state('StartStepUp').Catch?.map((c) => c.Next)).toEqual(['StepUpTimedOut']);
    expect(state('StepUpChoice').Default).toBe('OutcomeChoice');
    expect(state('NoteStepUp').Parameters).toMatchObject({ write: 'step_up' });
    expect(state('AwaitStepUp').TimeoutSecondsPath).toBe('$.outcome.stepUpSeconds');
    expect(state('AwaitStepUp').Catch?.map((c) => c.Next)).toEqual(['StepUpTimedOut']);
    expect(state('AwaitStepUp').Next).toBe('OutcomeChoice');
    expect(state('StepUpTimedOut').Next).toBe('OutcomeChoice');
  });

  it('only skips the write-back for a cancelled verification, which gets its trail note instead', () => {
    // Prepare
    const outcomeChoice = state('OutcomeChoice');
    const note = state('NoteCancelled');

    // Act
    const branches = (outcomeChoice.Choices ?? []).map((c) => [c.StringEquals, c.Next]);

    // Assess
    expect(branches.filter(([status]) => status !== 'step_up')).toEqual([['cancelled', 'NoteCancelled']]);
    expect(note.Parameters).toMatchObject({ write: 'cancelled' });
    expect(note.Next).toBe('Cancelled');
    expect(note.Catch?.map((c) => c.Next)).toEqual(['Cancelled']);
    expect(state('Cancelled').Type).toBe('Succeed');
    expect(state('AwaitCompletion').Next).toBe('OutcomeChoice');
  });

  it('never writes the "opened" note when a cancel or resend resumed AwaitOpen', () => {
    // Prepare
    const openedChoice = state('OpenedChoice') as State & {
      Choices: { And: { Variable: string; IsPresent?: boolean; StringEquals?: string }[]; Next: string }[];
    };

    // Act
    const [cancelled, ...others] = openedChoice.Choices;

    // Assess
    expect(state('AwaitOpen').Next).toBe('OpenedChoice');
    expect(others).toEqual([]);
    expect(cancelled?.And).toEqual([
      { Variable: '$.opened.status', IsPresent: true },
      { Variable: '$.opened.status', StringEquals: 'cancelled' },
    ]);
    expect(cancelled?.Next).toBe('NoteCancelled');
    expect(openedChoice.Default).toBe('NoteOpened');
  });

  it.each([
    ['WriteBack', 'ActionChoice'],
    ['RecordAction', 'AutoCloseChoice'],
    ['AutoClose', 'Done'],
  ])('waits out a long Retry-After on %s in a Wait state, then writes again', (task, after) => {
    // Prepare
    const write = state(task);
    const choice = state(`${task}RateLimited`) as State & {
      Choices: { Variable: string; IsPresent: boolean; Next: string }[];
    };
    const wait = state(`WaitBefore${task}`) as State & { SecondsPath?: string };

    // Act
    const loop = [write.Next, choice.Choices[0]?.Next, wait.Next];

    // Assess
    expect(write.ResultPath).toBe('$.writeResult');
    expect(choice.Choices).toEqual([
      { Variable: '$.writeResult.waitSeconds', IsPresent: true, Next: `WaitBefore${task}` },
    ]);
    expect(choice.Default).toBe(after);
    expect(wait.Type).toBe('Wait');
    expect(wait.SecondsPath).toBe('$.writeResult.waitSeconds');
    expect(loop).toEqual([`${task}RateLimited`, `WaitBefore${task}`, task]);
  });

  it('uses exactly the substitution keys of LIFECYCLE_TASKS', () => {
    // Act
    const used = placeholders();

    // Assess
    expect(used).toEqual(Object.keys(LIFECYCLE_TASKS).sort());
  });

  it('has every state reachable from StartAt', () => {
    // Prepare
    const { StartAt, States } = definition();
    const seen = new Set<string>();
    const queue = [StartAt];

    // Act
    while (queue.length > 0) {
      const name = queue.shift() as string;
      if (seen.has(name)) continue;
      seen.add(name);
      const s = States[name];
      if (!s) continue;
      for (const next of [
        s.Next,
        s.Default,
        ...(s.Choices ?? []).map((c) => c.Next),
        ...(s.Catch ?? []).map((c) => c.Next),
      ])
        if (next) queue.push(next);
    }

    // Assess
    expect([...seen].sort()).toEqual(Object.keys(States).sort());
  });
});
