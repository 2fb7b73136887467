/**
 * Builds the portal with Vite's JS API (no config file): Preact through oxc's automatic JSX
 * runtime, relative asset URLs (served at `/` by CloudFront and under `/portal-app/` locally), no
 * inline scripts or styles (strict CSP), and no source maps shipped.
 *
 * `ensurePortalBuilt()` rebuilds only when the output is missing or older than a source file, so
 * `npm start`, the browser tests and `cdk synth` work on a fresh clone. The build goes to a
 * temporary folder that then replaces `dist`, so a concurrent reader never sees half a build.
 */
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { buildIsStale, strictBuild, swapIn } from '../build-support.js';

export const PORTAL_DIR = dirname(fileURLToPath(import.meta.url));
export const PORTAL_DIST = join(PORTAL_DIR, 'dist');

/**
 * The portal's Content-Security-Policy, sent by CloudFront (infra/web-hosting.ts) and the local
 * static site alike: everything from its own origin, the API also from `apiOrigin` (config.json's
 * apiBaseUrl, when the API is on an origin of its own), images also as data: URLs (a logo may be
 * inlined), nothing inline, no frames, no plugins.
 */
export function portalCsp(apiOrigin?: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self'${apiOrigin ? ` ${apiOrigin}` : ''}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The policy of a portal whose API is on its own origin (the local stack). */
export const PORTAL_CSP = portalCsp();

/** Who the portal speaks for; each deployment supplies its own, not the build. */
export interface PortalBranding {
  companyName: string;
  helpDeskName: string;
  /** Shown and dialled as is, e.g. `+1 555 0100`. */
  helpDeskPhone: string;
  /** `#rrggbb`; white text sits on it, so pick a dark enough shade (4.5:1). */
  brandColor: string;
  /** Same-origin path or data: URL (the CSP allows nothing else), e.g. `logo.svg`. */
  logoUrl?: string;
}

/** The runtime `config.json` next to index.html. */
export interface PortalConfig extends PortalBranding {
  /** The start page takes requests (SELF_SERVICE_CONNECTION_ID is set); otherwise it sends people to the help desk. */
  selfService: boolean;
  /**
   * The HTTP API's origin, e.g. `https://abc123.execute-api.eu-west-1.amazonaws.com`: the portal
   * calls `${apiBaseUrl}/portal/...`, and portalCsp(apiBaseUrl) lets it. Absent or '' means the
   * page's own origin (the local stack).
   */
  apiBaseUrl?: string;
}

/** The demo organisation of local/seed.ts. */
export const DEMO_BRANDING: PortalBranding = {
  companyName: 'Example Corp',
  helpDeskName: 'IT Service Desk',
  helpDeskPhone: '+1 555 0100',
  brandColor: '#0b5cad',
  logoUrl: 'logo.svg',
};

/** What the local stack serves (it sets SELF_SERVICE_CONNECTION_ID). */
export const LOCAL_PORTAL_CONFIG: PortalConfig = { ...DEMO_BRANDING, selfService: true };

export async function buildPortal(): Promise<void> {
  const outDir = `${PORTAL_DIST}.tmp-${randomUUID()}`;
  await build({
    root: PORTAL_DIR,
    base: './',
    configFile: false,
    logLevel: 'warn',
    publicDir: join(PORTAL_DIR, 'public'),
    oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
    build: strictBuild(outDir),
  });
  swapIn(outDir, PORTAL_DIST, randomUUID());
}

export async function ensurePortalBuilt(): Promise<void> {
  if (buildIsStale(PORTAL_DIR, PORTAL_DIST)) await buildPortal();
}

// `npm run build:portal`
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await buildPortal();
