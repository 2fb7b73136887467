/**
 * The console shell: sign-in when there is no session, then the agent's roles (`GET /api/me`), the
 * navigation those roles allow, and the screen for the path. The server checks every call again;
 * hiding what a role cannot do only keeps the screens honest.
 */
import { lazy, type ReactNode, Suspense, useEffect, useState } from 'react';
import type { Me } from '../../../shared/console-api/users.js';
import { api } from './api';
import { type AuthConfig, completeCognitoSignIn, signOut, useSessionState } from './auth';
import { AuditPage } from './pages/audit';
import { CallerPage } from './pages/caller';
import { SendPage } from './pages/send';
import { SettingsPage } from './pages/settings';
import { SignInPage } from './pages/sign-in';
import { SummaryPage } from './pages/summary';
import { TranscriptPage } from './pages/transcript';
import { VerificationsPage } from './pages/verifications';
import { may, type Permission } from './roles';
import { Link, match, navigate, useLocation } from './router';
import { ErrorNote, Loading, PageTitle, useLoad } from './ui';
import { UrgentAlerts } from './urgent';

export function App({ auth }: { auth: AuthConfig }) {
  const session = useSessionState();
  const { path, query } = useLocation();

  if (path === '/auth/callback' && auth.mode === 'cognito') return <Callback auth={auth} query={query} />;
  if (session !== 'signed-in') return <SignInPage auth={auth} expired={session === 'expired'} />;
  return <SignedIn auth={auth} />;
}

function Callback({
  auth,
  query,
}: {
  auth: Extract<AuthConfig, { mode: 'cognito' }>;
  query: URLSearchParams;
}) {
  const [error, setError] = useState<string>();
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs once for the callback it landed on
  useEffect(() => {
    completeCognitoSignIn(auth, query).then(
      (returnTo) => navigate(returnTo, { replace: true }),
      (e: Error) => setError(e.message),
    );
  }, []);
  return (
    <main className="narrow" id="main">
      <PageTitle>Signing in</PageTitle>
      {error ? (
        <>
          <ErrorNote>{error}</ErrorNote>
          <Link to="/">Back to sign-in</Link>
        </>
      ) : (
        <Loading what="your account" />
      )}
    </main>
  );
}

function SignedIn({ auth }: { auth: AuthConfig }) {
  const me = useLoad(api.me, 'me');
  if (!me.data)
    return (
      <main className="narrow" id="main">
        {me.error ? <ErrorNote>{me.error}</ErrorNote> : <Loading what="your account" />}
      </main>
    );
  return <Shell me={me.data} auth={auth} />;
}

// The dashboard brings uPlot: loaded when first opened, not with every page.
const DashboardPage = lazy(() => import('./pages/dashboard').then((m) => ({ default: m.DashboardPage })));

const NAV: { to: string; label: string; needs?: Permission }[] = [
  { to: '/verifications', label: 'Verifications' },
  { to: '/caller', label: 'Verify a caller', needs: 'send' },
  { to: '/dashboard', label: 'Dashboard' },
  { to: '/audit', label: 'Audit log', needs: 'audit' },
  { to: '/settings', label: 'Settings', needs: 'settings' },
];

function Shell({ me, auth }: { me: Me; auth: AuthConfig }) {
  const { path, query } = useLocation();
  const section = `/${path.split('/')[1] ?? ''}`;
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <Link to="/verifications" className="brand">
          Helpdesk Verify
        </Link>
        <nav aria-label="Console">
          <ul>
            {NAV.filter((n) => !n.needs || may(me, n.needs)).map((n) => (
              <li key={n.to}>
                <Link to={n.to} aria-current={section === n.to ? 'page' : undefined}>
                  {n.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <span>
            {me.username} <span className="muted">({me.roles.join(', ')})</span>
          </span>
          <button type="button" className="link" onClick={() => signOut(auth)}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main">
        <UrgentAlerts />
        {route(me, path, query)}
      </main>
    </>
  );
}

function route(me: Me, path: string, query: URLSearchParams): ReactNode {
  if (path === '/' || path === '') return <Redirect to="/verifications" />;
  if (match('/verifications', path)) return <VerificationsPage me={me} query={query} />;
  const transcript = match('/verifications/:id/transcript', path);
  if (transcript) return <TranscriptPage verificationId={transcript.id as string} />;
  const summary = match('/verifications/:id', path);
  if (summary) return <SummaryPage verificationId={summary.id as string} />;
  if (match('/send', path))
    return may(me, 'send') ? <SendPage query={query} /> : <NotAllowed what="send verification links" />;
  if (match('/caller', path)) return may(me, 'send') ? <CallerPage /> : <NotAllowed what="verify callers" />;
  if (match('/dashboard', path))
    return (
      <Suspense fallback={<Loading what="the dashboard" />}>
        <DashboardPage query={query} />
      </Suspense>
    );
  if (match('/audit', path))
    return may(me, 'audit') ? <AuditPage query={query} /> : <NotAllowed what="read the audit log" />;
  if (match('/settings', path))
    return may(me, 'settings') ? <SettingsPage me={me} /> : <NotAllowed what="change settings" />;
  return (
    <>
      <PageTitle>Page not found</PageTitle>
      <p>
        There is no page at this address. <Link to="/verifications">Go to the verifications</Link>.
      </p>
    </>
  );
}

/** Replaces the address after rendering (navigating while rendering would update other components mid-render). */
function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

function NotAllowed({ what }: { what: string }) {
  return (
    <>
      <PageTitle>Not allowed</PageTitle>
      <p className="note warn" role="alert">
        Your role does not allow you to {what}. Ask an administrator if you need this.
      </p>
      <p>
        <Link to="/verifications">Go to the verifications</Link>
      </p>
    </>
  );
}
