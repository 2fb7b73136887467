/**
 * The requester's journey: open the link (the token is exchanged for a session and removed from
 * the address bar), landing, silent checks, the questions one at a time, the result, and for a
 * verified requester with a requested reset, the password form. From the landing, "I did not ask
 * for this" (with a confirm step) ends the verification. After any outcome, optional feedback.
 * Without a `#t=` token: the self-initiated start page.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import {
  type Answer,
  ApiError,
  answer,
  type Branding,
  complete,
  keepDeviceCredential,
  nextQuestion,
  type Outcome,
  openSession,
  type QuestionStep,
  reportNotMe,
  type Session,
  sendSignals,
  storedDeviceCredential,
} from './api';
import { PasswordForm } from './password';
import {
  Checks,
  Done,
  ErrorScreen,
  Landing,
  type LinkProblem,
  LinkProblemScreen,
  Loading,
  NotMeConfirm,
  NotMeDone,
  type OpenQuestion,
  QuestionScreen,
  Result,
} from './screens';
import { collectSignals } from './signals';
import { StartPage } from './start';
import { Frame } from './ui';

type View =
  | { kind: 'opening' }
  | { kind: 'start' }
  | { kind: 'landing' }
  | { kind: 'not_me' }
  | { kind: 'not_me_done' }
  | { kind: 'checks'; step: number }
  | { kind: 'question'; step: OpenQuestion }
  | { kind: 'finishing' }
  | { kind: 'result'; outcome: Outcome }
  | { kind: 'password' }
  | { kind: 'done' }
  | { kind: 'link'; problem: LinkProblem }
  | { kind: 'error'; message: string; retry?: () => void };

const LINK_ERRORS: Record<string, LinkProblem> = {
  LINK_EXPIRED: 'expired',
  SESSION_EXPIRED: 'expired',
  LINK_ALREADY_USED: 'used',
  VERIFICATION_ALREADY_COMPLETED: 'used',
  LINK_NOT_FOUND: 'invalid',
  LINK_TOKEN_MISSING: 'invalid',
  LINK_OPENED_TOO_OFTEN: 'too_many',
  TOO_MANY_INVALID_LINKS: 'invalid_many',
  NETWORK_RATE_LIMITED: 'network_busy',
  SESSION_RATE_LIMITED: 'paused',
  LINK_RATE_LIMITED: 'paused',
};

/** Reads the link token from `#t=...` once; the page never writes it anywhere. */
function takeLinkToken(): string | undefined {
  return new URLSearchParams(location.hash.slice(1)).get('t') || undefined;
}

/** Drops the fragment from the address bar and from this history entry. */
function forgetLinkToken() {
  history.replaceState(null, '', location.pathname + location.search);
}

export function App(props: { branding: Branding }) {
  const { branding } = props;
  const [linkToken] = useState(takeLinkToken);
  const [session, setSession] = useState<Session>();
  const [view, setView] = useState<View>(linkToken ? { kind: 'opening' } : { kind: 'start' });

  const fail = useCallback((error: unknown, retry?: () => void) => {
    const problem = error instanceof ApiError ? LINK_ERRORS[error.code] : undefined;
    if (problem) return setView({ kind: 'link', problem });
    const message =
      error instanceof ApiError && error.code === 'NETWORK'
        ? error.message
        : 'We could not finish that step. Please try again.';
    setView({ kind: 'error', message, retry });
  }, []);

  const open = useCallback(async () => {
    if (!linkToken) return;
    setView({ kind: 'opening' });
    try {
      setSession(await openSession(linkToken));
      forgetLinkToken();
      setView({ kind: 'landing' });
    } catch (error) {
      // A network failure keeps the token so a reload can try again; any answer consumes it.
      if (!(error instanceof ApiError && error.code === 'NETWORK')) forgetLinkToken();
      fail(error, open);
    }
  }, [linkToken, fail]);

  useEffect(() => {
    void open();
  }, [open]);

  const finish = useCallback(async () => {
    setView({ kind: 'finishing' });
    try {
      const outcome = await complete();
      keepDeviceCredential(outcome.deviceCredential);
      setView({ kind: 'result', outcome });
    } catch (error) {
      fail(error, finish);
    }
  }, [fail]);

  const show = useCallback(
    (step: QuestionStep) => (step.done ? finish() : setView({ kind: 'question', step })),
    [finish],
  );

  const runChecks = useCallback(async () => {
    try {
      setView({ kind: 'checks', step: 0 });
      const signals = await collectSignals();
      setView({ kind: 'checks', step: 1 });
      const credential = storedDeviceCredential();
      await sendSignals(credential ? { ...signals, deviceCredential: credential } : signals);
      setView({ kind: 'checks', step: 2 });
      const step = await nextQuestion();
      setView({ kind: 'checks', step: 3 });
      await show(step);
    } catch (error) {
      fail(error, runChecks);
    }
  }, [fail, show]);

  /** Resolves to an inline message for the question screen, or moves on to another screen. */
  const onAnswer = useCallback(
    async (questionId: string, given: Answer): Promise<string | undefined> => {
      try {
        await show(await answer(questionId, given));
        return undefined;
      } catch (error) {
        if (error instanceof ApiError && error.code === 'INVALID_ANSWER') return error.message;
        if (error instanceof ApiError && error.code === 'NETWORK') return error.message;
        if (error instanceof ApiError && error.code === 'QUESTION_OUT_OF_ORDER') {
          await nextQuestion().then(show, fail);
          return undefined;
        }
        fail(error);
        return undefined;
      }
    },
    [show, fail],
  );

  const notMe = useCallback(async () => {
    try {
      await reportNotMe();
      setView({ kind: 'not_me_done' });
    } catch (error) {
      fail(error);
    }
  }, [fail]);

  const timedOut = useCallback(() => setView({ kind: 'link', problem: 'timed_out' }), []);

  return <Frame branding={branding}>{render()}</Frame>;

  function render() {
    switch (view.kind) {
      case 'start':
        return <StartPage branding={branding} />;
      case 'opening':
        return <Loading branding={branding} label="Opening your verification" />;
      case 'finishing':
        return <Loading branding={branding} label="Checking your answers" />;
      case 'link':
        return <LinkProblemScreen branding={branding} problem={view.problem} session={session} />;
      case 'error':
        return <ErrorScreen branding={branding} message={view.message} onRetry={view.retry} />;
    }
    if (!session) return <ErrorScreen branding={branding} message="This verification is not open." />;
    switch (view.kind) {
      case 'landing':
        return (
          <Landing
            branding={branding}
            session={session}
            onStart={runChecks}
            onNotMe={() => setView({ kind: 'not_me' })}
          />
        );
      case 'not_me':
        return (
          <NotMeConfirm
            branding={branding}
            session={session}
            onConfirm={notMe}
            onBack={() => setView({ kind: 'landing' })}
          />
        );
      case 'not_me_done':
        return <NotMeDone branding={branding} session={session} />;
      case 'checks':
        return <Checks branding={branding} step={view.step} />;
      case 'question':
        return (
          <QuestionScreen
            key={view.step.question.id}
            branding={branding}
            step={view.step}
            onAnswer={(given) => onAnswer(view.step.question.id, given)}
            onTimeout={timedOut}
          />
        );
      case 'result':
        return (
          <Result
            branding={branding}
            session={session}
            outcome={view.outcome}
            onReset={() => setView({ kind: 'password' })}
          />
        );
      case 'password':
        return (
          <PasswordForm
            branding={branding}
            onDone={() => setView({ kind: 'done' })}
            onFail={(e) => fail(e)}
          />
        );
      case 'done':
        return <Done branding={branding} session={session} />;
    }
  }
}
