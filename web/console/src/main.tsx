/** Boots the console: how to sign in from the runtime config.json, then the app. */
import { createRoot } from 'react-dom/client';
import { App } from './app';
import type { AuthConfig } from './auth';
import './styles.css';

async function loadAuthConfig(): Promise<AuthConfig | undefined> {
  const res = await fetch('config.json', { cache: 'no-cache', credentials: 'omit' }).catch(() => undefined);
  const config = (res?.ok ? await res.json().catch(() => ({})) : {}) as { auth?: AuthConfig };
  const auth = config.auth;
  if (auth?.mode === 'local') return auth;
  if (auth?.mode === 'cognito' && auth.domain && auth.clientId && auth.redirectUri) return auth;
  return undefined;
}

const auth = await loadAuthConfig();
const root = document.getElementById('app') as HTMLElement;
root.replaceChildren(); // the "Loading…" placeholder is not React's to diff
createRoot(root).render(
  auth ? (
    <App auth={auth} />
  ) : (
    <main className="narrow" id="main">
      <h1>Console unavailable</h1>
      <p className="note error" role="alert">
        The console could not load its sign-in settings (config.json). Try again in a minute, or tell whoever
        runs Helpdesk Verify.
      </p>
    </main>
  ),
);
