/** The portal's screens: presentational, driven by the flow in app.tsx. */
import { useEffect, useState } from 'preact/hooks';
import {
  type Answer,
  ApiError,
  type Branding,
  type Difficulty,
  isSelfService,
  type Outcome,
  type QuestionStep,
  type Session,
  sendFeedback,
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

export function Landing(props: Props & { session: Session; onStart: () => void; onNotMe: () => void }) {
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
      <p class="not-me">
        Didn't ask for this?{' '}
        <button type="button" class="link" onClick={props.onNotMe}>
          Tell us it wasn't you
        </button>
      </p>
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
          retention period your company has set. If we confirm it's you, this browser keeps one code from us
          so we can recognise it next time; the page stores nothing else on your device and sends nothing to
          anyone else.
        </p>
      </details>
    </section>
  );
}

/** The confirm step of "I did not ask for this": calm, and nothing happens until they confirm. */
export function NotMeConfirm(
  props: Props & { session: Session; onConfirm: () => Promise<void>; onBack: () => void },
) {
  const { branding, session } = props;
  const [busy, setBusy] = useState(false);
  const confirm = async () => {
    setBusy(true);
    await props.onConfirm();
    setBusy(false);
  };
  return (
    <section>
      <Heading company={branding.companyName}>Didn't ask for this?</Heading>
      <p class="lead">
        {isSelfService(session)
          ? `Someone asked ${branding.companyName} for a link to reset your password.`
          : `Someone contacted the ${branding.helpDeskName} in your name about ticket ${session.ticketNumber}.`}{' '}
        If that wasn't you, tell us here.
      </p>
      <h2>What happens when you tell us</h2>
      <ul>
        <li>This verification stops straight away, and no one can use this link to change your account.</li>
        <li>The help desk is told at once that you did not ask for it, so they can look into it.</li>
        <li>Nothing about your account or password changes.</li>
      </ul>
      <div class="actions">
        <button type="button" class="primary" disabled={busy} onClick={() => void confirm()}>
          It wasn't me, stop this
        </button>
        <button type="button" class="secondary" disabled={busy} onClick={props.onBack}>
          Go back
        </button>
      </div>
    </section>
  );
}

export function NotMeDone(props: Props & { session: Session }) {
  const { branding, session } = props;
  return (
    <section>
      <Heading company={branding.companyName}>Thank you, we've stopped it</Heading>
      <p class="lead">
        This verification has ended and the help desk has been told you did not ask for it. You don't need to
        do anything else.
      </p>
      <p>
        If someone calls or messages you claiming to be from IT, don't share codes or passwords. If you're
        worried, <CallHelpDesk branding={branding} />.
      </p>
      <Reference ticketNumber={ticketOf(session)} verificationId={session.verificationId} />
    </section>
  );
}

/** Optional, once: how it went (the comment goes to the help desk's console, nowhere else). */
function Feedback() {
  const [difficulty, setDifficulty] = useState<Difficulty>();
  const [comment, setComment] = useState('');
  const [state, setState] = useState<'open' | 'sending' | 'sent'>('open');
  const [error, setError] = useState('');
  if (state === 'sent') {
    return (
      <p class="feedback-thanks" role="status">
        Thank you for your feedback.
      </p>
    );
  }
  const submit = async (event: Event) => {
    event.preventDefault();
    if (!difficulty) return setError('Choose easy or hard first.');
    setError('');
    setState('sending');
    try {
      await sendFeedback(difficulty, comment.trim() || undefined);
      setState('sent');
    } catch (e) {
      if (e instanceof ApiError && e.code === 'FEEDBACK_ALREADY_LEFT') return setState('sent');
      setState('open');
      setError(e instanceof ApiError ? e.message : 'We could not send your feedback.');
    }
  };
  return (
    <form class="feedback" onSubmit={(e) => void submit(e)} noValidate>
      <h2>How was this? (optional)</h2>
      <fieldset aria-describedby={error ? 'feedback-error' : undefined}>
        <legend>Was confirming your identity easy or hard?</legend>
        {(['easy', 'hard'] as const).map((d) => (
          <label key={d} class="option">
            <input
              type="radio"
              name="difficulty"
              value={d}
              checked={difficulty === d}
              onChange={() => {
                setDifficulty(d);
                setError('');
              }}
            />
            <span>{d === 'easy' ? 'Easy' : 'Hard'}</span>
          </label>
        ))}
      </fieldset>
      <div class="field">
        <label for="feedback-comment">Anything to add? (optional)</label>
        <textarea
          id="feedback-comment"
          rows={3}
          maxLength={500}
          value={comment}
          aria-describedby="feedback-count"
          onInput={(e) => setComment((e.target as HTMLTextAreaElement).value)}
        />
        <p id="feedback-count" class="hint">
          {500 - comment.length} characters left. Please don't include passwords or personal details.
        </p>
      </div>
      <p id="feedback-error" class="error" role="alert">
        {error}
      </p>
      <button type="submit" class="secondary" disabled={state === 'sending'}>
        Send feedback
      </button>
    </form>
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
        {outcome.nextAction ? null : <Feedback />}
      </section>
    );
  }
  if (outcome.outcome === 'step_up') {
    return (
      <section>
        <Heading company={company}>One more check</Heading>
        <p class="lead">Thank you, your answers are in.</p>
        <p>
          Your account needs one more confirmation: we've asked your manager to approve this request. The help
          desk will see their answer on your ticket and carry on from there. You can close this page.
        </p>
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
      <Feedback />
    </section>
  );
}

export type LinkProblem =
  | 'expired'
  | 'timed_out'
  | 'used'
  | 'invalid'
  | 'too_many'
  | 'invalid_many'
  | 'network_busy'
  | 'paused';

/** `next`: the heading over the ways on (the link may still work later, or need replacing). */
const LINK_PROBLEMS: Record<LinkProblem, { title: string; text: string; next?: string }> = {
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
    title: 'This link was opened too many times',
    text: 'To keep your account safe, a link can be opened only a few times. This one is now locked.',
  },
  invalid_many: {
    title: "This link doesn't work",
    text: 'Many links that do not work were tried from this device, so we are not checking more for 15 minutes. A link from your own message still opens.',
  },
  network_busy: {
    title: "This link doesn't work",
    text: 'Many links that do not work were tried from your network, so we are not checking more for 15 minutes. A link from your own message still opens.',
  },
  paused: {
    title: 'Paused for a few minutes',
    text: 'This page sent more requests than a person would in a short time, so we paused it for your safety. Wait 15 minutes, then open the link from your message again.',
    next: "If you can't wait",
  },
};

export function LinkProblemScreen(props: Props & { problem: LinkProblem; session?: Session }) {
  const { title, text, next = 'How to get a new link' } = LINK_PROBLEMS[props.problem];
  return (
    <section>
      <Heading company={props.branding.companyName}>{title}</Heading>
      <p class="lead">{text}</p>
      <h2>{next}</h2>
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
      <Feedback />
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
