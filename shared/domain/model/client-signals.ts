/** What the portal page collects silently and posts once (POST /portal/signals). */
export interface ClientSignals {
  webdriver: boolean;
  /** @fingerprintjs/botd's verdict. */
  bot?: { detected: boolean; kind?: string };
  /** Intl.DateTimeFormat().resolvedOptions().timeZone */
  timeZone?: string;
  /** navigator.languages */
  languages?: string[];
  /** navigator.userAgentData (Chromium only). */
  clientHints?: { platform?: string; mobile?: boolean };
  /** SHA-256 of the device fingerprint, computed in the browser; stored only as an HMAC of it. */
  deviceHash?: string;
}
