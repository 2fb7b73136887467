/**
 * The one place that picks the Chromium the browser tests and `npm run bench:portal` drive.
 *
 * - `CHROMIUM_PATH=<file>`: that executable (it must exist: an explicit choice does not fall back).
 * - `CHROMIUM_PATH=npm`: the headless Chromium shipped inside the `@sparticuz/chromium` devDependency.
 * - Neither: Debian's `/usr/bin/chromium` (apt) when it is there, else the npm one, so `npm test`
 *   works after `npm ci` on a machine without a system Chromium.
 *
 * The npm one is decompressed once per machine and package version into the temp directory
 * (~210 MB): the binary, its fonts and the NSS libraries it links against (which a bare machine
 * lacks), into a directory of its own, renamed into place when complete so that a concurrent or
 * interrupted first run never leaves a half-written browser behind.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type LaunchOptions } from 'playwright-core';

const SYSTEM_CHROMIUM = '/usr/bin/chromium';

/** Our flags, on whichever Chromium runs (DESIGN.md section 10). */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * `@sparticuz/chromium`'s recommended flags are for a Lambda function. Kept out: its `--headless`
 * form (ours stands), `--single-process` (a Lambda sandbox workaround; Playwright's contexts want
 * separate renderers) and everything that weakens the web platform's own protections, since the
 * portal tests assert them (CORS, CSP, isolation): `--disable-web-security`,
 * `--allow-running-insecure-content`, `--disable-site-isolation-trials`, SharedArrayBuffer without
 * cross-origin isolation, and the IsolateOrigins / site-per-process features switched off.
 */
const DROPPED_NPM_ARGS = new Set([
  '--headless',
  '--single-process',
  '--disable-web-security',
  '--allow-running-insecure-content',
  '--disable-site-isolation-trials',
  '--enable-features',
]);
const DROPPED_NPM_FEATURES = new Set(['IsolateOrigins', 'site-per-process']);

interface PickedChromium {
  executablePath: string;
  args: string[];
  /** Extra environment for the browser process (the npm one's libraries and fonts). */
  env: Record<string, string>;
  /** `system` (a file on this machine) or `npm` (from `@sparticuz/chromium`). */
  source: 'system' | 'npm';
}

let npmChromium: Promise<PickedChromium> | undefined;
const headlessShells = new WeakSet<Browser>();

/**
 * The npm Chromium is chrome-headless-shell, which BotD (rightly) tells from a person's Chrome: no
 * PDF viewer in navigator.plugins, and Notification.permission 'denied' while the permission query
 * says 'prompt'. Added to a context meant to look like a person's browser, this gives it what
 * desktop Chrome has there (the five PDF viewer entries every Chrome lists; permission 'default');
 * Debian's Chromium needs none of it.
 */
const AS_DESKTOP_CHROME = `(() => {
  const plugins = Object.create(PluginArray.prototype);
  const names = ['PDF Viewer', 'Chrome PDF Viewer', 'Chromium PDF Viewer', 'Microsoft Edge PDF Viewer', 'WebKit built-in PDF'];
  names.forEach((name, i) => {
    const plugin = Object.create(Plugin.prototype);
    for (const [key, value] of Object.entries({ name, filename: 'internal-pdf-viewer', description: 'Portable Document Format', length: 0 }))
      Object.defineProperty(plugin, key, { value });
    Object.defineProperty(plugins, i, { value: plugin, enumerable: true });
  });
  Object.defineProperty(plugins, 'length', { value: names.length });
  Object.defineProperty(plugins, 'item', { value: (i) => plugins[i] ?? null });
  Object.defineProperty(plugins, 'namedItem', { value: (n) => names.includes(n) ? plugins[names.indexOf(n)] : null });
  Object.defineProperty(Navigator.prototype, 'plugins', { get: () => plugins, configurable: true });
  if (window.Notification) Object.defineProperty(Notification, 'permission', { get: () => 'default', configurable: true });
})();`;

/** For a context that should pass as a person's Chrome: makes up what headless-shell lacks, if it is one. */
export async function asDesktopChrome(browser: Browser, context: BrowserContext): Promise<void> {
  if (headlessShells.has(browser)) await context.addInitScript(AS_DESKTOP_CHROME);
}

/** Which Chromium to run, and how (see the module comment). */
function pickChromium(): Promise<PickedChromium> {
  const wanted = process.env.CHROMIUM_PATH;
  if (wanted && wanted !== 'npm') {
    if (!existsSync(wanted))
      throw new Error(`CHROMIUM_PATH=${wanted} does not exist (CHROMIUM_PATH=npm: the npm one)`);
    return Promise.resolve({ executablePath: wanted, args: CHROMIUM_ARGS, env: {}, source: 'system' });
  }
  if (!wanted && existsSync(SYSTEM_CHROMIUM)) {
    return Promise.resolve({
      executablePath: SYSTEM_CHROMIUM,
      args: CHROMIUM_ARGS,
      env: {},
      source: 'system',
    });
  }
  npmChromium ??= preparedNpmChromium().catch((error: unknown) => {
    npmChromium = undefined; // the next launch tries again
    throw error;
  });
  return npmChromium;
}

/** Launches the picked Chromium; `args` are added to ours, the rest goes to Playwright as given. */
export async function launchChromium({
  args = [],
  ...options
}: Omit<LaunchOptions, 'executablePath' | 'env'> = {}): Promise<Browser> {
  const picked = await pickChromium();
  const browser = await chromium.launch({
    ...options,
    executablePath: picked.executablePath,
    args: [...picked.args, ...args],
    env: { ...process.env, ...picked.env },
  });
  if (picked.source === 'npm') headlessShells.add(browser);
  return browser;
}

async function preparedNpmChromium(): Promise<PickedChromium> {
  const { default: sparticuz, inflate } = await import('@sparticuz/chromium');
  const entry = createRequire(import.meta.url).resolve('@sparticuz/chromium');
  const packageDir = join(dirname(entry), '..');
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
    version: string;
  };
  // WebGL in software (SwiftShader), as Debian's Chromium has under --disable-gpu.
  sparticuz.setGraphicsMode = true;
  const dir = join(tmpdir(), `hv-sparticuz-chromium-${version}`);
  if (!existsSync(join(dir, 'chromium'))) await extract(dir, packageDir, sparticuz.executablePath, inflate);
  const recommended = sparticuz.args.flatMap((arg) => {
    const name = arg.split('=', 1)[0] ?? arg;
    if (DROPPED_NPM_ARGS.has(name)) return [];
    if (name !== '--disable-features') return [arg];
    const kept = arg
      .slice(name.length + 1)
      .split(',')
      .filter((f) => !DROPPED_NPM_FEATURES.has(f));
    return kept.length ? [`${name}=${kept.join(',')}`] : [];
  });
  const env: Record<string, string> = {
    LD_LIBRARY_PATH: [join(dir, 'al2023', 'lib'), process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
  };
  // headless-shell turns a C or POSIX locale into the language 'en-US@posix', which Intl rejects
  // (Debian's Chromium says 'en-US'): such a locale becomes en_US.UTF-8 for the browser.
  const locale = process.env.LC_ALL || process.env.LC_MESSAGES || process.env.LANG || 'C';
  if (/^(C|POSIX)([.@]|$)/.test(locale)) {
    for (const name of ['LANG', 'LC_ALL', 'LC_MESSAGES'])
      if (name === 'LANG' || process.env[name]) env[name] = 'en_US.UTF-8';
  }
  // The machine's fonts when it has a fontconfig setup, else the package's own.
  if (!process.env.FONTCONFIG_PATH && !existsSync('/etc/fonts/fonts.conf'))
    env.FONTCONFIG_PATH = join(dir, 'fonts');
  return {
    executablePath: join(dir, 'chromium'),
    args: [...new Set([...recommended, ...CHROMIUM_ARGS])],
    env,
    source: 'npm',
  };
}

/**
 * `@sparticuz/chromium` decompresses into `os.tmpdir()` itself (as /tmp/chromium, /tmp/fonts,
 * ...): pointed at a fresh directory of ours for the duration, then renamed into place. The
 * AL2023 libraries (NSS) it only unpacks on Amazon Linux; here always, as a bare Debian lacks them.
 */
async function extract(
  dir: string,
  packageDir: string,
  executablePath: () => Promise<string>,
  inflate: (file: string) => Promise<string>,
): Promise<void> {
  const staging = await mkdtemp(`${dir}.partial-`);
  const tmp = process.env.TMPDIR;
  process.env.TMPDIR = staging;
  try {
    await executablePath();
    await inflate(join(packageDir, 'bin', 'al2023.tar.br'));
    // Its fonts.conf names /tmp/fonts: name where they are now instead.
    await writeFile(
      join(staging, 'fonts', 'fonts.conf'),
      `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n` +
        `  <dir>${join(dir, 'fonts')}</dir>\n  <cachedir>${join(dir, 'fonts-cache')}</cachedir>\n</fontconfig>\n`,
    );
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  } finally {
    if (tmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = tmp;
  }
  try {
    await rename(staging, dir);
  } catch (error) {
    // Another process got there first: use theirs.
    await rm(staging, { recursive: true, force: true });
    if (!existsSync(join(dir, 'chromium'))) throw error;
  }
}
