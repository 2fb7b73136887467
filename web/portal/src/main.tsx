/** Boots the portal: the API's location and the branding from the runtime config.json, then the app. */
import { render } from 'preact';
import { loadConfig } from './api';
import { App } from './app';
import './styles.css';

// A link pasted into a tab that already shows the portal changes only the fragment: start over.
addEventListener('hashchange', () => {
  if (new URLSearchParams(location.hash.slice(1)).has('t')) location.reload();
});

const branding = await loadConfig();
// CSSOM, not an inline style attribute: allowed under `style-src 'self'`.
document.documentElement.style.setProperty('--brand', branding.brandColor);
const root = document.getElementById('app') as HTMLElement;
root.replaceChildren(); // the "Loading…" placeholder is not Preact's to diff
render(<App branding={branding} />, root);
