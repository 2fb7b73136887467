/** Boots the portal: the API's location and the branding from the runtime config.json, then the app. */
import { render } from 'preact';
import { loadConfig } from './api';
import { App } from './app';
import { ManagerPage, takeManagerToken } from './manager';
import './styles.css';

// A link pasted into a tab that already shows the portal changes only the fragment: start over.
addEventListener('hashchange', () => {
  const fragment = new URLSearchParams(location.hash.slice(1));
  if (fragment.has('t') || fragment.has('m')) location.reload();
});

const branding = await loadConfig();
// CSSOM, not an inline style attribute: allowed under `style-src 'self'`.
document.documentElement.style.setProperty('--brand', branding.brandColor);
const root = document.getElementById('app') as HTMLElement;
root.replaceChildren(); // the "Loading…" placeholder is not Preact's to diff
// `#m=<token>`: the manager's approval page (a link sent to the manager), else the requester's portal.
const managerToken = takeManagerToken();
render(
  managerToken ? <ManagerPage branding={branding} token={managerToken} /> : <App branding={branding} />,
  root,
);
