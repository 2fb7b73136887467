/**
 * Builds the console with Vite's JS API (no config file): React through @vitejs/plugin-react,
 * asset URLs relative to index.html's `<base href="/">` (the console lives at the root of its own
 * CloudFront host; the local gateway serves it under `/console/` and rewrites that one tag), no
 * inline scripts or styles (strict CSP), and no source maps shipped.
 *
 * `ensureConsoleBuilt()` rebuilds only when the output is missing or older than a source file, so
 * `npm start`, the browser tests and `cdk synth` work on a fresh clone. The build goes to a
 * temporary folder that then replaces `dist`, so a concurrent reader never sees half a build.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { build } from 'vite';
import { buildIsStale, strictBuild, swapIn } from '../build-support.js';

export const CONSOLE_DIR = dirname(fileURLToPath(import.meta.url));
export const CONSOLE_DIST = join(CONSOLE_DIR, 'dist');

/**
 * The console's Content-Security-Policy: everything from its own origin (`/api/*` included), the
 * Cognito token endpoint when signing in through the hosted UI, nothing inline, no frames.
 * `base-uri 'self'`: index.html's `<base>` says where the app lives.
 */
export function consoleCsp(authOrigin?: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self'${authOrigin ? ` ${authOrigin}` : ''}`,
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The runtime `config.json`: how agents sign in. Each deployment supplies its own. */
export type ConsoleConfig =
  | { auth: { mode: 'local' } }
  | {
      auth: {
        mode: 'cognito';
        /** The hosted UI's base URL, e.g. `https://login.example.com` or the Cognito prefix domain. */
        domain: string;
        clientId: string;
        /** Registered on the app client: `<console origin>/auth/callback`. */
        redirectUri: string;
        /** Registered logout URL: `<console origin>/`. */
        logoutUri: string;
      };
    };

/** What the local stack serves: sign-in against the local issuer (POST /local-auth/token). */
export const LOCAL_CONSOLE_CONFIG: ConsoleConfig = { auth: { mode: 'local' } };

export async function buildConsole(): Promise<void> {
  const outDir = `${CONSOLE_DIST}.tmp-${process.pid}-${Date.now()}`;
  // Vite and the React plugin follow NODE_ENV when it is set (vitest sets `test`): always ship
  // React's production build and JSX runtime.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await viteBuild(outDir);
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  swapIn(outDir, CONSOLE_DIST, `${process.pid}-${Date.now()}`);
}

async function viteBuild(outDir: string) {
  await build({
    root: CONSOLE_DIR,
    base: './',
    configFile: false,
    logLevel: 'warn',
    publicDir: false,
    plugins: [react()],
    build: strictBuild(outDir),
  });
}

export async function ensureConsoleBuilt(): Promise<void> {
  if (buildIsStale(CONSOLE_DIR, CONSOLE_DIST)) await buildConsole();
}

// `npm run build:console`
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await buildConsole();
