/**
 * Network signals (DESIGN.md §6): what the requester's connection says, from offline IP data
 * (country, AS number, AS organisation; see shared/adapters/ip-data.ts) and past sightings. Pure:
 * no I/O, the clock and the data's age come in. Every reason is `category: 'network'`; points are
 * not capped here (the scorer caps the category). TOR_EXIT is a hard rule and CORPORATE_EGRESS
 * vouches (shared/domain/assessment.ts).
 *
 * Privacy: evidence never carries the full address, only its /24 (IPv4) or /48 (IPv6) prefix
 * (shared/domain/ip-address.ts).
 *
 * The kind of network an AS is: shared/domain/known-networks.ts; impossible travel:
 * shared/domain/travel.ts; the points: shared/domain/network-policy.ts.
 */
import { countryName } from './countries.js';
import { ipPrefix } from './ip-address.js';
import { classifyNetwork } from './known-networks.js';
import type { Reason } from './model/verification.js';
import { DEFAULT_NETWORK_POLICY, type NetworkPolicy } from './network-policy.js';
import { impossibleTravel, type Sighting } from './travel.js';

export interface NetworkInput {
  /** What the IP data says about the source address (`lookup` of shared/adapters/ip-data.ts). */
  ip: { country?: string; asn?: number; asOrg?: string };
  /**
   * The source address (API Gateway's requestContext, never X-Forwarded-For): used for the Tor
   * check and, as a prefix only, in evidence.
   */
  sourceIp?: string;
  previous?: Sighting[];
  /** ISO 3166-1 alpha-2 codes; empty: no country check. */
  usualCountries: string[];
  corporateAsns: number[];
  now: Date;
  /** From `dataAge().days`; Infinity when unknown. */
  dataAgeDays: number;
  /**
   * Current Tor exit addresses, in the form the gateway reports them (lower case, IPv6
   * compressed). No offline Tor list is on npm: a deployment refreshes this from the Tor
   * Project's exit list (check.torproject.org/torbulkexitlist, or Onionoo) on a schedule (for
   * example an EventBridge rule every 30-60 minutes writing to S3 or DynamoDB) and hands the set
   * in; absent, there is no Tor check.
   */
  torExitIps?: ReadonlySet<string>;
}

export const NETWORK_CODES = {
  hosting: 'HOSTING_NETWORK',
  vpn: 'VPN_NETWORK',
  privacyRelay: 'PRIVACY_RELAY',
  tor: 'TOR_EXIT',
  unusualCountry: 'UNUSUAL_COUNTRY',
  impossibleTravel: 'IMPOSSIBLE_TRAVEL',
  corporateEgress: 'CORPORATE_EGRESS',
  unknown: 'IP_DATA_UNKNOWN',
  stale: 'IP_DATA_STALE',
} as const;

const thousands = (n: number) => Math.round(n).toLocaleString('en-US');
const duration = (hours: number) => {
  const minutes = Math.round(hours * 60);
  if (minutes < 120) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  if (hours < 48) return `${Math.round(hours)} hours`;
  return `${Math.round(hours / 24)} days`;
};

export function networkSignals(
  input: NetworkInput,
  policy: NetworkPolicy = DEFAULT_NETWORK_POLICY,
): Reason[] {
  const reasons: Reason[] = [];
  const add = (code: string, points: number, evidence: string, message: string) =>
    reasons.push({ code, category: 'network', points, evidence, message });

  const prefix = input.sourceIp ? ipPrefix(input.sourceIp) : undefined;
  const { asn, asOrg } = input.ip;
  const country = input.ip.country?.toUpperCase();
  const network = [asn ? `AS${asn}${asOrg ? ` ${asOrg}` : ''}` : undefined, prefix]
    .filter(Boolean)
    .join(', ');
  const asName = (name: string) => `${name}${asn ? `, AS${asn}` : ''}`;

  const address = input.sourceIp?.trim();
  if (
    address &&
    input.torExitIps &&
    (input.torExitIps.has(address) || input.torExitIps.has(address.toLowerCase()))
  ) {
    add(
      NETWORK_CODES.tor,
      policy.tor,
      `Tor exit list${prefix ? `, ${prefix}` : ''}`,
      'Connection from the Tor anonymity network: the real location and network are hidden',
    );
  }

  if (!country && !asn) {
    add(
      NETWORK_CODES.unknown,
      0,
      `no country or AS for ${prefix ?? 'the address'}`,
      'No location or network data for this address (private, new or unlisted range): network checks could not run',
    );
  } else {
    const corporate = asn !== undefined && input.corporateAsns.includes(asn);
    if (corporate) {
      add(
        NETWORK_CODES.corporateEgress,
        policy.corporateEgress,
        `corporate AS: ${network}`,
        `Connection from the company's own network (${asName(asOrg ?? 'corporate egress')})`,
      );
    } else {
      const kind = classifyNetwork(asn, asOrg);
      const how = kind?.curated ? 'known' : 'by name';
      if (kind?.kind === 'vpn') {
        add(
          NETWORK_CODES.vpn,
          policy.vpn,
          `VPN/proxy AS (${how}): ${network}`,
          `Connection from a VPN or proxy provider (${asName(kind.name)}): the real location is hidden`,
        );
      } else if (kind?.kind === 'hosting') {
        add(
          NETWORK_CODES.hosting,
          kind.curated ? policy.hosting : policy.hostingKeyword,
          `hosting AS (${how}): ${network}`,
          kind.curated
            ? `Connection from a hosting provider (${asName(kind.name)}): not a home or mobile network`
            : `Connection from a network whose name suggests a hosting provider (${asName(kind.name)}): probably not a home or mobile network`,
        );
      } else if (kind?.kind === 'relay') {
        add(
          NETWORK_CODES.privacyRelay,
          policy.privacyRelay,
          `relay/CDN AS: ${network}`,
          `Connection through a privacy relay (${asName(kind.name)}), as used by iCloud Private Relay or Cloudflare WARP: the location is approximate`,
        );
      }
    }

    // A company network may egress anywhere (a global VPN, a cloud proxy): no place checks then.
    if (country && !corporate) {
      const usual = input.usualCountries.map((c) => c.toUpperCase());
      if (usual.length > 0 && !usual.includes(country)) {
        add(
          NETWORK_CODES.unusualCountry,
          policy.unusualCountry,
          `${country} not in ${usual.join(', ')}${network ? `; ${network}` : ''}`,
          `Connection from ${countryName(country, true)}, not one of the countries this person usually connects from (${usual.map((c) => countryName(c, true)).join(', ')})`,
        );
      }
      const travel = impossibleTravel(country, input.previous ?? [], input.now, policy);
      if (travel) {
        add(
          NETWORK_CODES.impossibleTravel,
          policy.impossibleTravel,
          `${travel.from} -> ${travel.to}: ${thousands(travel.km)} km in ${travel.hours.toFixed(1)} h (${thousands(travel.kmh)} km/h)`,
          `Seen in ${countryName(travel.from, true)} ${duration(travel.hours)} ago and now in ${countryName(travel.to, true)}: ${thousands(travel.km)} km in that time is faster than a plane`,
        );
      }
    }
  }

  if (!Number.isFinite(input.dataAgeDays)) {
    add(
      NETWORK_CODES.stale,
      0,
      'IP data age unknown',
      'The age of the IP location data is unknown: network checks may be out of date',
    );
  } else if (input.dataAgeDays > policy.maxDataAgeDays) {
    add(
      NETWORK_CODES.stale,
      0,
      `IP data ${Math.floor(input.dataAgeDays)} days old (limit ${policy.maxDataAgeDays})`,
      `The IP location data is ${Math.floor(input.dataAgeDays)} days old: network checks may be less accurate`,
    );
  }
  return reasons;
}
