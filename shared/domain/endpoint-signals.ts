/**
 * Endpoint signals: what the requester's browser says about itself. Everything the browser reports
 * can be forged, so these signals only ever add risk (`verifiedBy: 'page'`). The one exception is a
 * device credential (shared/domain/device-credential.ts): a token the server signed and handed to
 * this browser when the person last passed, checked against its signature, the person, the
 * connection and its expiry, and by the caller against the server-side record (revocable). Only
 * that credential earns KNOWN_DEVICE, the small credit that also vouches (DESIGN.md §6). A
 * page-reported fingerprint seen before is only noted, for zero points: anyone who learnt
 * someone's hash could send it.
 */
import Bowser from 'bowser';
import type { ClientSignals } from './model/client-signals.js';
import type { Reason } from './model/verification.js';

export interface EndpointContext {
  /** From the request headers, not the page. */
  userAgent: string;
  ipCountry?: string;
  profileCountry: string;
  /**
   * The browser presented a device credential the server issued to this person on this connection,
   * and it checked out (signature, expiry, server-side record). Never set from a page-reported hash.
   */
  knownDevice: boolean;
  /** The page's fingerprint hash was seen before for this person (weak: the page can forge it). */
  fingerprintSeen?: boolean;
  /** A device credential was presented but refused (signed for someone else, tampered, revoked). */
  credentialRejected?: string;
  /** The link was opened on another device before this one. */
  secondDevice: boolean;
}

export interface EndpointPolicy {
  noSignals: number;
  timeZoneMismatch: number;
  languageMismatch: number;
  platformMismatch: number;
  secondDevice: number;
  knownDeviceCredit: number;
  /** A credential signed for someone else, or tampered with: somebody is trying to borrow a device. */
  credentialRejected: number;
}

const DEFAULT_ENDPOINT_POLICY: EndpointPolicy = {
  noSignals: 2,
  timeZoneMismatch: 1.5,
  languageMismatch: 1,
  platformMismatch: 2,
  // A link opened on another device after the first is the forwarded-link pattern: Medium on its own.
  secondDevice: 4,
  knownDeviceCredit: -1,
  credentialRejected: 2,
};

/** Countries of common IANA zones; an unlisted zone is simply not compared. */
const ZONE_COUNTRY: Record<string, string> = {
  'Europe/Lisbon': 'PT',
  'Atlantic/Madeira': 'PT',
  'Atlantic/Azores': 'PT',
  'Europe/London': 'GB',
  'Europe/Dublin': 'IE',
  'Europe/Berlin': 'DE',
  'Europe/Paris': 'FR',
  'Europe/Madrid': 'ES',
  'Europe/Rome': 'IT',
  'Europe/Amsterdam': 'NL',
  'Europe/Brussels': 'BE',
  'Europe/Zurich': 'CH',
  'Europe/Vienna': 'AT',
  'Europe/Stockholm': 'SE',
  'Europe/Oslo': 'NO',
  'Europe/Copenhagen': 'DK',
  'Europe/Helsinki': 'FI',
  'Europe/Warsaw': 'PL',
  'Europe/Prague': 'CZ',
  'Europe/Budapest': 'HU',
  'Europe/Bucharest': 'RO',
  'Europe/Athens': 'GR',
  'Europe/Istanbul': 'TR',
  'Europe/Kyiv': 'UA',
  'Europe/Kiev': 'UA',
  'Europe/Moscow': 'RU',
  'America/New_York': 'US',
  'America/Chicago': 'US',
  'America/Denver': 'US',
  'America/Phoenix': 'US',
  'America/Los_Angeles': 'US',
  'America/Anchorage': 'US',
  'Pacific/Honolulu': 'US',
  'America/Toronto': 'CA',
  'America/Vancouver': 'CA',
  'America/Edmonton': 'CA',
  'America/Winnipeg': 'CA',
  'America/Halifax': 'CA',
  'America/Mexico_City': 'MX',
  'America/Sao_Paulo': 'BR',
  'America/Argentina/Buenos_Aires': 'AR',
  'America/Bogota': 'CO',
  'America/Lima': 'PE',
  'America/Santiago': 'CL',
  'Africa/Lagos': 'NG',
  'Africa/Johannesburg': 'ZA',
  'Africa/Cairo': 'EG',
  'Africa/Nairobi': 'KE',
  'Africa/Accra': 'GH',
  'Africa/Casablanca': 'MA',
  'Asia/Dubai': 'AE',
  'Asia/Riyadh': 'SA',
  'Asia/Jerusalem': 'IL',
  'Asia/Kolkata': 'IN',
  'Asia/Calcutta': 'IN',
  'Asia/Karachi': 'PK',
  'Asia/Dhaka': 'BD',
  'Asia/Bangkok': 'TH',
  'Asia/Jakarta': 'ID',
  'Asia/Singapore': 'SG',
  'Asia/Kuala_Lumpur': 'MY',
  'Asia/Manila': 'PH',
  'Asia/Ho_Chi_Minh': 'VN',
  'Asia/Shanghai': 'CN',
  'Asia/Hong_Kong': 'HK',
  'Asia/Taipei': 'TW',
  'Asia/Seoul': 'KR',
  'Asia/Tokyo': 'JP',
  'Australia/Sydney': 'AU',
  'Australia/Melbourne': 'AU',
  'Australia/Perth': 'AU',
  'Australia/Brisbane': 'AU',
  'Pacific/Auckland': 'NZ',
};

const PLATFORMS: Record<string, string> = {
  windows: 'Windows',
  macos: 'macOS',
  'mac os': 'macOS',
  linux: 'Linux',
  'chrome os': 'Chrome OS',
  chromeos: 'Chrome OS',
  android: 'Android',
  ios: 'iOS',
};
const platformOf = (name: string | undefined) => (name ? PLATFORMS[name.toLowerCase()] : undefined);

export function endpointSignals(
  client: ClientSignals | undefined,
  context: EndpointContext,
  policy: EndpointPolicy = DEFAULT_ENDPOINT_POLICY,
): Reason[] {
  const reasons: Reason[] = [];
  const add = (
    code: string,
    points: number,
    evidence: string,
    message: string,
    verifiedBy: Reason['verifiedBy'] = 'page',
  ) => reasons.push({ code, category: 'endpoint', points, evidence, message, verifiedBy });

  // Bowser refuses an empty user agent; an empty one simply declares nothing.
  const ua = context.userAgent ? Bowser.parse(context.userAgent) : undefined;
  const headless = /HeadlessChrome|PhantomJS|puppeteer|playwright/i.test(context.userAgent);
  if (headless || client?.webdriver || client?.bot?.detected) {
    const evidence = headless
      ? 'headless browser in the user agent'
      : client?.webdriver
        ? 'navigator.webdriver'
        : `bot detection: ${client?.bot?.kind ?? 'automation'}`;
    add(
      'AUTOMATION_DETECTED',
      10,
      evidence,
      'The page was driven by automation (a scripted or headless browser), not a person',
    );
  }
  if (!client) {
    add(
      'NO_CLIENT_SIGNALS',
      policy.noSignals,
      'no signals from the page',
      "The page's silent checks never ran",
    );
  } else {
    const zoneCountry = client.timeZone ? ZONE_COUNTRY[client.timeZone] : undefined;
    const expected = [context.ipCountry, context.profileCountry].filter(Boolean);
    if (zoneCountry && !expected.includes(zoneCountry)) {
      add(
        'TIMEZONE_MISMATCH',
        policy.timeZoneMismatch,
        `time zone ${client.timeZone} (${zoneCountry}) vs ${expected.join('/')}`,
        `The device clock is set to ${client.timeZone}, not where the connection or the person is`,
      );
    }
    const regions = (client.languages ?? [])
      .map((l) => l.split('-')[1]?.toUpperCase())
      .filter((r): r is string => Boolean(r));
    if (
      regions.length > 0 &&
      regions.length === (client.languages ?? []).length &&
      !regions.some((r) => expected.includes(r))
    ) {
      add(
        'LANGUAGE_MISMATCH',
        policy.languageMismatch,
        `languages ${(client.languages ?? []).join(', ')}`,
        'The browser languages point to another country than the connection and the person',
      );
    }
    const hinted = platformOf(client.clientHints?.platform);
    const declared = platformOf(ua?.os.name);
    const mobileMismatch =
      client.clientHints?.mobile !== undefined &&
      ua?.platform.type !== undefined &&
      client.clientHints.mobile !== (ua.platform.type === 'mobile');
    if ((hinted && declared && hinted !== declared) || mobileMismatch) {
      add(
        'PLATFORM_MISMATCH',
        policy.platformMismatch,
        `user agent ${declared ?? ua?.os.name ?? 'unknown'} vs client hints ${hinted ?? client.clientHints?.platform ?? ''}`,
        'The browser claims to be one kind of device but behaves like another',
      );
    }
  }
  if (context.secondDevice) {
    add(
      'SECOND_DEVICE',
      policy.secondDevice,
      'another device opened the link first',
      'The link was opened on a second device after the first',
    );
  }
  if (context.knownDevice) {
    add(
      'KNOWN_DEVICE',
      policy.knownDeviceCredit,
      'device credential issued by the server on an earlier pass, checked',
      'A device this person passed on before (its credential from us checked out)',
      'server',
    );
  } else if (context.fingerprintSeen) {
    // Informative only: a hash computed in the open can be replayed by someone who learnt it.
    add(
      'DEVICE_FINGERPRINT_SEEN',
      0,
      'fingerprint hash reported by the page matches one seen before (not proof)',
      'The page reported a device fingerprint seen before for this person; the page can forge it, so it earns nothing',
    );
  }
  if (context.credentialRejected) {
    add(
      'DEVICE_CREDENTIAL_REJECTED',
      policy.credentialRejected,
      `device credential refused: ${context.credentialRejected}`,
      'The browser presented a device credential that is not valid for this person',
      'server',
    );
  }
  return reasons;
}
