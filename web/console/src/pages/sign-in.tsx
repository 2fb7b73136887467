/**
 * Sign-in. Locally: username and password to the local issuer. In AWS: a button to Cognito's
 * hosted UI (the password, MFA and recovery all happen there). Either way the agent then lands on
 * the page they asked for (a ticket's send link, a verification).
 */
import { type FormEvent, useState } from 'react';
import { type AuthConfig, SignInError, signInCognito, signInLocal } from '../auth';
import { BASE } from '../router';
import { ErrorNote, PageTitle } from '../ui';

export function SignInPage({ auth, expired }: { auth: AuthConfig; expired: boolean }) {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const returnTo = `${location.pathname.slice(BASE.length) || '/'}${location.search}`;

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(undefined);
    try {
      if (auth.mode === 'local')
        await signInLocal(String(form.get('username')), String(form.get('password')));
      else await signInCognito(auth, returnTo);
    } catch (failure) {
      setError(failure instanceof SignInError ? failure.message : 'Sign-in failed. Try again.');
      setBusy(false);
    }
  };

  return (
    <main className="sign-in" id="main">
      <div className="card">
        <p className="brand">Helpdesk Verify</p>
        <PageTitle>Sign in to the console</PageTitle>
        {expired ? (
          <p className="note warn" role="status">
            Your session ended. Sign in again to carry on.
          </p>
        ) : null}
        {error ? <ErrorNote>{error}</ErrorNote> : null}
        <form onSubmit={submit}>
          {auth.mode === 'local' ? (
            <>
              <label htmlFor="username">Username</label>
              <input id="username" name="username" autoComplete="username" required autoCapitalize="none" />
              <label htmlFor="password">Password</label>
              <input id="password" name="password" type="password" autoComplete="current-password" required />
            </>
          ) : (
            <p>You will sign in on your organisation's sign-in page, then come back here.</p>
          )}
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
        {auth.mode === 'local' ? (
          <p className="muted small">Local stack: the seeded users are listed in the README.</p>
        ) : null}
      </div>
    </main>
  );
}
