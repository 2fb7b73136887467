/**
 * The self-initiated start page: the requester asks for a link with their work email. The answer
 * is the same whether or not the account exists, and the link goes to the contact on record.
 */
import { useState } from 'preact/hooks';
import { ApiError, type Branding, startVerification } from './api';
import { CallHelpDesk, Heading } from './ui';

export function StartPage(props: { branding: Branding }) {
  const { branding } = props;
  const [email, setEmail] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const value = email.trim();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value))
      return setError('Enter your work email address, like name@company.com.');
    setError('');
    setBusy(true);
    try {
      await startVerification(value);
      setSent(true);
    } catch (e) {
      setBusy(false);
      if (e instanceof ApiError && e.code === 'VALIDATION_FAILED')
        setError('Enter your work email address, like name@company.com.');
      else if (e instanceof ApiError && e.code === 'SELF_SERVICE_DISABLED')
        setError('Requests by email are turned off here: please ask the help desk for a link.');
      else if (e instanceof ApiError && e.code === 'NETWORK_RATE_LIMITED')
        setError(
          'Your network has sent many requests in the last few minutes (this happens on shared office or mobile networks). Please wait 15 minutes and try again.',
        );
      else setError(e instanceof ApiError ? e.message : 'Something went wrong. Please try again.');
    }
  };

  if (!branding.selfService) {
    return (
      <section>
        <Heading company={branding.companyName}>Verify your identity</Heading>
        <p class="lead">
          To confirm it's you, you need a verification link from the help desk. Please{' '}
          <CallHelpDesk branding={branding} /> and they will send one to your contact details on record.
        </p>
        <p>If you already have a link, open it from your email or text message.</p>
      </section>
    );
  }
  if (sent) {
    return (
      <section>
        <Heading company={branding.companyName}>Check your messages</Heading>
        <p class="lead">
          If <strong>{email.trim()}</strong> belongs to an account at {branding.companyName}, we've sent a
          verification link to the email or phone number on record for it.
        </p>
        <p>
          The link works for a short time only. Didn't get it? Check your spam folder, or ask the help desk.
        </p>
      </section>
    );
  }
  return (
    <section>
      <Heading company={branding.companyName}>Verify your identity</Heading>
      <p class="lead">
        Locked out, or need your password reset? Confirm it's you and, where allowed, reset it yourself.
      </p>
      <form onSubmit={submit} noValidate>
        <div class="field">
          <label for="email">Work email</label>
          <input
            id="email"
            type="email"
            autoComplete="email"
            inputMode="email"
            autoCapitalize="off"
            spellcheck={false}
            maxLength={254}
            value={email}
            aria-invalid={error ? 'true' : undefined}
            aria-describedby="email-help email-error"
            onInput={(e) => setEmail((e.target as HTMLInputElement).value)}
          />
          <p id="email-help" class="hint">
            We send the link to the contact details your company has on record, not to this address.
          </p>
        </div>
        <p id="email-error" class="error" role="alert">
          {error}
        </p>
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Sending…' : 'Send me a link'}
        </button>
      </form>
    </section>
  );
}
