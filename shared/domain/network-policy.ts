/**
 * The points and limits of the network signals (shared/domain/network-signals.ts) and their
 * defaults.
 */
export interface NetworkPolicy {
  /** A curated hosting/datacenter AS. */
  hosting: number;
  /** An AS whose organisation name only suggests hosting. */
  hostingKeyword: number;
  /** A known VPN provider (curated AS, or "VPN" in the organisation's name). */
  vpn: number;
  /** A privacy relay / CDN egress (iCloud Private Relay, Cloudflare WARP). */
  privacyRelay: number;
  /** A Tor exit node (the scorer makes TOR_EXIT a hard rule whatever the points). */
  tor: number;
  /** A country outside the person's usual countries. */
  unusualCountry: number;
  impossibleTravel: number;
  /** Speed above which travel between two sightings is impossible. */
  impossibleTravelKmh: number;
  /** Distances below this never count (country centroids are rough; neighbours are close). */
  impossibleTravelMinKm: number;
  /** The company's own egress: a credit (negative) that also vouches. */
  corporateEgress: number;
  /** IP data older than this gets an informational reason. */
  maxDataAgeDays: number;
}

export const DEFAULT_NETWORK_POLICY: NetworkPolicy = {
  hosting: 3,
  hostingKeyword: 2,
  vpn: 4,
  privacyRelay: 1,
  tor: 10,
  unusualCountry: 2,
  impossibleTravel: 4,
  impossibleTravelKmh: 1000,
  impossibleTravelMinKm: 500,
  corporateEgress: -2,
  // The npm releases of @ip-location-db stopped at 2026-06-17: the age is reported once it passes a year.
  maxDataAgeDays: 365,
};
