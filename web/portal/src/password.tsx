/**
 * The password-reset form: the policy up front, strength feedback from the server while typing
 * (zxcvbn is ~1 MB, so it runs server side; requests are debounced), a confirmation field.
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, type Branding, checkPassword, type PasswordFeedback, resetPassword } from './api';
import { Heading } from './ui';

const MIN = 15;
const MAX = 64;
const DEBOUNCE_MS = 400;

export function PasswordForm(props: {
  branding: Branding;
  onDone: () => void;
  onFail: (e: unknown) => void;
}) {
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [show, setShow] = useState(false);
  const [feedback, setFeedback] = useState<PasswordFeedback>();
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const length = [...password].length;
  // Preact's typings tie other input props to a literal type; both values take the same props.
  const inputType = (show ? 'text' : 'password') as 'password';

  useEffect(() => {
    setFeedback(undefined);
    if (length < MIN || length > MAX) return;
    let current = true;
    const timer = setTimeout(() => {
      checkPassword(password)
        .then((f) => current && setFeedback(f))
        // Live feedback is a help, not a gate: when it is paused (rate limit) or unreachable, say
        // so; the password is still checked when it is saved.
        .catch(
          (e) =>
            current &&
            setFeedback({
              ok: false,
              reason: 'unavailable',
              message:
                e instanceof ApiError && e.code === 'PASSWORD_CHECKS_RATE_LIMITED'
                  ? 'Live feedback is paused for a few minutes. You can still choose your password: we check it when you save.'
                  : 'We could not check this password just now. You can still choose it: we check it when you save.',
              suggestions: [],
            }),
        );
    }, DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [password, length]);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (length < MIN || length > MAX) return setError(`Use ${MIN} to ${MAX} characters.`);
    if (password !== confirm) return setError('The two passwords are not the same.');
    setError('');
    setBusy(true);
    try {
      await resetPassword(password);
      props.onDone();
    } catch (e) {
      setBusy(false);
      if (e instanceof ApiError && e.code === 'PASSWORD_POLICY') {
        const details = e.details as { suggestions?: string[] } | undefined;
        setError([e.message, ...(details?.suggestions ?? [])].join(' '));
      } else if (e instanceof ApiError && e.code === 'NETWORK') setError(e.message);
      // A retry after a dropped answer: the first attempt went through.
      else if (e instanceof ApiError && e.code === 'ACTION_ALREADY_DONE') props.onDone();
      else props.onFail(e);
    }
  };

  const strength =
    length === 0
      ? ''
      : length < MIN
        ? `${MIN - length} more character${MIN - length === 1 ? '' : 's'} needed.`
        : length > MAX
          ? `That is ${length - MAX} character${length - MAX === 1 ? '' : 's'} too long.`
          : feedback === undefined
            ? 'Checking…'
            : feedback.ok
              ? 'Strong password.'
              : [feedback.message, ...feedback.suggestions].join(' ');
  const strong = feedback?.ok === true && length >= MIN && length <= MAX;

  return (
    <section>
      <Heading company={props.branding.companyName}>Choose a new password</Heading>
      <ul class="hints" id="password-rules">
        <li>
          {MIN} to {MAX} characters. Spaces are fine: a few unrelated words make a good password.
        </li>
        <li>Not your name or other details about you.</li>
        <li>Not a password you use anywhere else or have used before.</li>
      </ul>
      <form onSubmit={submit} noValidate>
        <div class="field">
          <label for="new-password">New password</label>
          <input
            id="new-password"
            type={inputType}
            autoComplete="new-password"
            maxLength={256}
            value={password}
            aria-describedby="password-rules password-strength"
            onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
          />
          <p id="password-strength" class={strong ? 'strength ok' : 'strength'} aria-live="polite">
            {strength}
          </p>
        </div>
        <div class="field">
          <label for="confirm-password">Type it again</label>
          <input
            id="confirm-password"
            type={inputType}
            autoComplete="new-password"
            maxLength={256}
            value={confirm}
            onInput={(e) => setConfirm((e.target as HTMLInputElement).value)}
          />
        </div>
        <label class="check">
          <input type="checkbox" checked={show} onChange={() => setShow(!show)} /> Show passwords
        </label>
        <p class="error" role="alert">
          {error}
        </p>
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Saving…' : 'Change password'}
        </button>
      </form>
    </section>
  );
}
