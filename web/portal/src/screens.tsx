/** The portal's screens: presentational, driven by the flow in app.tsx. */
import { useEffect, useState } from 'preact/hooks';
import {
  type Answer,
  type Branding,
  isSelfService,
  type Outcome,
  type QuestionStep,
  type Session,
} from './api';
import { CallHelpDesk, Heading, Reference } from './ui';

type Props = { branding: Branding };
export type OpenQuestion = Extract<QuestionStep, { done: false }>;

/** The ticket to quote, if there is one. */
const ticketOf = (session: Session) => (isSelfService(session) ? undefined : session.ticketNumber);
const minutes = (seconds: number) => Math.max(1, Math.round(seconds / 60));
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function Loading(props: Props & { label: string }) {
  return (
    <section aria-busy="true">
      <Heading company={props.branding.companyName}>{props.label}</Heading>
      <p class="spinner" role="status">
        One moment…
      </p>
    </section>
  );
}

export function Landing(props: Props & { session: Session; onStart: () => void }) {
  const { session, branding } = props;
  const expires = new Date(session.linkExpiresAt).toLocaleTimeString([], {
    hour: 'numeric',
    minute: '2-digit',
  });
  const estimate = minutes(30 + session.questionCount * 25 + (session.requestedAction ? 60 : 0));
  return (
    <section>
      <Heading company={branding.companyName}>Confirm it's you</Heading>
      {isSelfService(session) ? (
        <p class="lead">
          You asked {branding.companyName} for a link to confirm your identity and reset your password
          yourself.
        </p>
      ) : (
        <p class="lead">
          The {branding.helpDeskName} at {branding.companyName} asked you to confirm your identity for ticket{' '}
          <strong>{session.ticketNumber}</strong>.
        </p>
      )}
      <h2>What happens</h2>
      <ol class="steps">
        <li>We run a few quick automatic checks of this device and connection.</li>
        <li>
          You answer {plural(session.questionCount, 'short question')} about yourself and your work, one at a
          time. You can skip a question you are unsure of.
        </li>
        {session.requestedAction === 'password_reset' ? (
          <li>If we can confirm it's you, you can choose a new password right here.</li>
        ) : (
          <li>We tell the help desk the result, so they can carry on with your request.</li>
        )}
      </ol>
      <p>
        It takes about <strong>{plural(estimate, 'minute')}</strong>. This link works until{' '}
        <strong>{expires}</strong>.
      </p>
      <button type="button" class="primary" onClick={props.onStart}>
        Start
      </button>
      <details class="privacy">
        <summary>Privacy: what we check and keep</summary>
        <p>
          To protect your account, we look at technical details of this visit: your network (we keep only its
          approximate location and provider, not your full IP address), your browser's time zone and language,
          signs of automated software, and a one-way fingerprint of this device (a hash, so the device details
          themselves are not sent).
        </p>
        <p>
          Your answers go to {branding.companyName}'s help desk with the result and are deleted after the
          retention period your company has set. This page stores nothing on your device and sends nothing to
          anyone else.
        </p>
      </details>
    </section>
  );
}

const CHECKS = ['Checking this browser', 'Checking your connection', 'Getting your questions ready'];

export function Checks(props: Props & { step: number }) {
  return (
    <section aria-busy="true">
      <Heading company={props.branding.companyName}>Running quick checks</Heading>
      <p>This takes a few seconds. There is nothing you need to do.</p>
      <progress max={CHECKS.length} value={props.step} aria-label="Checks completed" />
      <ul class="checks">
        {CHECKS.map((label, i) => (
          <li key={label} class={i < props.step ? 'done' : i === props.step ? 'active' : ''}>
            {label}
            <span class="visually-hidden">
              {i < props.step ? ': done' : i === props.step ? ': in progress' : ': waiting'}
            </span>
          </li>
        ))}
      </ul>
      <p class="visually-hidden" role="status">
        {CHECKS[props.step] ?? 'Checks done'}
      </p>
    </section>
  );
}

function useCountdown(seconds: number, onTimeout: () => void) {
  const [left, setLeft] = useState(seconds);
  useEffect(() => {
    const deadline = Date.now() + seconds * 1000;
    setLeft(seconds);
    const timer = setInterval(() => {
      const remaining = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      setLeft(remaining);
      if (remaining === 0) {
        clearInterval(timer);
        onTimeout();
      }
    }, 1000);
    return () => clearInterval(timer);
  }, [seconds, onTimeout]);
  return left;
}

const clock = (s: number) => `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;

export function QuestionScreen(
  props: Props & {
    step: OpenQuestion;
    onAnswer: (given: Answer) => Promise<string | undefined>;
    onTimeout: () => void;
  },
) {
  const { step, branding } = props;
  const { question } = step;
  const [choice, setChoice] = useState('');
  const [text, setText] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const left = useCountdown(step.remainingSeconds, props.onTimeout);

  const send = async (given: Answer) => {
    setBusy(true);
    setError((await props.onAnswer(given)) ?? '');
    setBusy(false);
  };
  const submit = (event: Event) => {
    event.preventDefault();
    if (question.kind === 'choice' && !choice) return setError('Choose an answer, or skip this question.');
    if (question.kind === 'text' && !text.trim()) return setError('Type an answer, or skip this question.');
    void send(question.kind === 'choice' ? { optionId: choice } : { text: text.trim() });
  };
  const errorId = error ? 'answer-error' : undefined;
  const hintId = question.hint ? 'answer-hint' : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;

  return (
    <section>
      <Heading company={branding.companyName}>{`Question ${step.position} of ${step.total}`}</Heading>
      <div class="meta">
        <progress max={step.total} value={step.position - 1} aria-label="Questions answered" />
        <p role="timer" aria-live="off">
          Time left: <span class={left < 60 ? 'urgent' : ''}>{clock(left)}</span>
        </p>
      </div>
      <form onSubmit={submit} noValidate>
        {question.kind === 'choice' ? (
          <fieldset aria-describedby={describedBy}>
            <legend class="prompt">{question.prompt}</legend>
            {question.hint ? (
              <p id={hintId} class="hint">
                {question.hint}
              </p>
            ) : null}
            {(question.options ?? []).map((o) => (
              <label key={o.id} class="option">
                <input
                  type="radio"
                  name="answer"
                  value={o.id}
                  checked={choice === o.id}
                  onChange={() => setChoice(o.id)}
                />
                <span>{o.label}</span>
              </label>
            ))}
          </fieldset>
        ) : (
          <div class="field">
            <label for="answer" class="prompt">
              {question.prompt}
            </label>
            {question.hint ? (
              <p id={hintId} class="hint">
                {question.hint}
              </p>
            ) : null}
            <input
              id="answer"
              type="text"
              autoComplete="off"
              autoCapitalize="off"
              spellcheck={false}
              maxLength={200}
              value={text}
              aria-invalid={error ? 'true' : undefined}
              aria-describedby={describedBy}
              onInput={(e) => setText((e.target as HTMLInputElement).value)}
            />
          </div>
        )}
        <p id="answer-error" class="error" role="alert">
          {error}
        </p>
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            {step.position === step.total ? 'Finish' : 'Next'}
          </button>
          <button
            type="button"
            class="secondary"
            disabled={busy}
            onClick={() => void send({ skipped: true })}
          >
            Skip this question
          </button>
        </div>
      </form>
    </section>
  );
}

export function Result(props: Props & { session: Session; outcome: Outcome; onReset: () => void }) {
  const { branding, session, outcome } = props;
  const company = branding.companyName;
  if (outcome.outcome === 'passed') {
    return (
      <section>
        <Heading company={company}>You're verified</Heading>
        <p class="lead success">Thank you. We've confirmed it's you.</p>
        {outcome.nextAction === 'password_reset' ? (
          <>
            <p>You can now choose a new password for your account.</p>
            <button type="button" class="primary" onClick={props.onReset}>
              Choose a new password
            </button>
          </>
        ) : (
          <p>
            The help desk can see the result on your ticket and will carry on with your request. You can close
            this page.
          </p>
        )}
        <Reference ticketNumber={ticketOf(session)} verificationId={outcome.verificationId} />
      </section>
    );
  }
  return (
    <section>
      <Heading company={company}>We couldn't confirm it's you</Heading>
      <p class="lead">
        {outcome.outcome === 'not_enough_questions'
          ? 'We need more answers than we got to confirm your identity online.'
          : "We weren't able to confirm your identity online this time."}{' '}
        This happens, and the help desk can still help you.
      </p>
      <h2>What to do next</h2>
      <p>
        Please <CallHelpDesk branding={branding} /> and give them this reference. They will confirm your
        identity another way.
      </p>
      <Reference ticketNumber={ticketOf(session)} verificationId={outcome.verificationId} />
    </section>
  );
}

export type LinkProblem = 'expired' | 'timed_out' | 'used' | 'invalid' | 'too_many';

const LINK_PROBLEMS: Record<LinkProblem, { title: string; text: string }> = {
  expired: {
    title: 'This link has expired',
    text: 'Verification links work for a short time only, to keep your account safe.',
  },
  timed_out: {
    title: "Time's up",
    text: 'The verification was not finished in time, so this link no longer works.',
  },
  used: {
    title: 'This link has already been used',
    text: 'Each verification link works once.',
  },
  invalid: {
    title: "This link doesn't work",
    text: 'It may be incomplete. Open it again from your message, or get a new one.',
  },
  too_many: {
    title: 'Too many attempts',
    text: 'This link was tried too many times, so it is locked for your safety.',
  },
};

export function LinkProblemScreen(props: Props & { problem: LinkProblem; session?: Session }) {
  const { title, text } = LINK_PROBLEMS[props.problem];
  return (
    <section>
      <Heading company={props.branding.companyName}>{title}</Heading>
      <p class="lead">{text}</p>
      <h2>How to get a new link</h2>
      <ul>
        <li>
          Ask the help desk to send you a new one: <CallHelpDesk branding={props.branding} />, or reply on
          your ticket.
        </li>
        {props.branding.selfService ? (
          <li>
            Or <a href="./">request a new link with your work email</a>.
          </li>
        ) : null}
      </ul>
      <Reference
        ticketNumber={props.session && ticketOf(props.session)}
        verificationId={props.session?.verificationId}
      />
    </section>
  );
}

export function Done(props: Props & { session: Session }) {
  return (
    <section>
      <Heading company={props.branding.companyName}>Your password has been changed</Heading>
      <p class="lead success">All done. Sign in with your new password.</p>
      <p>
        We've sent a notice to your contact details on record
        {isSelfService(props.session) ? '' : ' and noted the change on your ticket'}. If you didn't ask for
        this, <CallHelpDesk branding={props.branding} /> straight away.
      </p>
      <p>You can close this page.</p>
      <Reference ticketNumber={ticketOf(props.session)} verificationId={props.session.verificationId} />
    </section>
  );
}

export function ErrorScreen(props: Props & { message: string; onRetry?: () => void }) {
  return (
    <section>
      <Heading company={props.branding.companyName}>Something went wrong</Heading>
      <p class="lead">{props.message}</p>
      {props.onRetry ? (
        <button type="button" class="primary" onClick={props.onRetry}>
          Try again
        </button>
      ) : null}
      <p>
        If it keeps happening, <CallHelpDesk branding={props.branding} />.
      </p>
    </section>
  );
}
