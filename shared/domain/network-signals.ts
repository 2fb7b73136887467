/**
 * Network signals (DESIGN.md §6): what the requester's connection says, from offline IP data
 * (country, AS number, AS organisation; see shared/adapters/ip-data.ts) and past sightings. Pure:
 * no I/O, the clock and the data's age come in. Every reason is `category: 'network'`; points are
 * not capped here (the scorer caps the category). TOR_EXIT is a hard rule and CORPORATE_EGRESS
 * vouches (shared/domain/assessment.ts).
 *
 * Privacy: evidence never carries the full address, only its /24 (IPv4) or /48 (IPv6) prefix.
 *
 * Hosting, VPN and relay networks are recognised two ways:
 * - a curated table of well-known AS numbers (checked against the organisation names in
 *   @ip-location-db/asn): precise, but it misses the long tail of small hosts;
 * - keywords in the AS organisation's name ("hosting", "vps", "data center", "servers", "cloud",
 *   "vpn"): catches the long tail (about 1,700 of 91,000 AS names match) at fewer points, with
 *   false positives accepted: a company or university that runs its own "Data Center" AS, an ISP
 *   called "… Cloud …". The hosting signal as a whole flags legitimate people on a company VDI
 *   or Windows 365 / Azure Virtual Desktop (Microsoft AS8075), a corporate proxy in a public
 *   cloud, or a self-hosted VPN: list such networks as corporate ASNs, which suppresses it.
 * - Privacy relays (Cloudflare, Akamai's and Fastly's iCloud Private Relay egress) are a class of
 *   their own with few points: many ordinary iPhone and WARP users come through them.
 */
import { ipPrefix } from './ip-address.js';
import type { Reason } from './model/verification.js';

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

/** A past sighting of this person (country from an earlier verification, optional coordinates). */
export interface Sighting {
  country?: string;
  /** ISO timestamp. */
  at: string;
  lat?: number;
  lon?: number;
}

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

export type NetworkKind = 'hosting' | 'vpn' | 'relay';

/**
 * Well-known networks by AS number, names as an agent knows them. Checked against the
 * organisation names in @ip-location-db/asn 2.3.2026061719. Note AS31173 is not Mullvad (it is a
 * Ukrainian ISP): Mullvad's networks belong to "31173 Services AB", AS39351 and AS214813.
 */
export const KNOWN_NETWORKS: ReadonlyMap<number, { name: string; kind: NetworkKind }> = new Map(
  (
    [
      // Public clouds
      [16509, 'AWS', 'hosting'],
      [14618, 'AWS', 'hosting'],
      [8987, 'AWS', 'hosting'],
      [15169, 'Google', 'hosting'],
      [396982, 'Google Cloud', 'hosting'],
      [19527, 'Google', 'hosting'],
      [8075, 'Microsoft Azure', 'hosting'],
      [31898, 'Oracle Cloud', 'hosting'],
      [36351, 'IBM Cloud', 'hosting'],
      [45102, 'Alibaba Cloud', 'hosting'],
      [37963, 'Alibaba Cloud', 'hosting'],
      [132203, 'Tencent Cloud', 'hosting'],
      [45090, 'Tencent Cloud', 'hosting'],
      [55990, 'Huawei Cloud', 'hosting'],
      [136907, 'Huawei Cloud', 'hosting'],
      // VPS, dedicated and colocation hosts
      [14061, 'DigitalOcean', 'hosting'],
      [393406, 'DigitalOcean', 'hosting'],
      [16276, 'OVHcloud', 'hosting'],
      [35540, 'OVHcloud', 'hosting'],
      [24940, 'Hetzner', 'hosting'],
      [213230, 'Hetzner', 'hosting'],
      [63949, 'Akamai Connected Cloud (Linode)', 'hosting'],
      [20473, 'Vultr (Choopa)', 'hosting'],
      [12876, 'Scaleway', 'hosting'],
      [51167, 'Contabo', 'hosting'],
      [40021, 'Contabo', 'hosting'],
      [141995, 'Contabo', 'hosting'],
      [9009, 'M247', 'hosting'],
      [16247, 'M247', 'hosting'],
      [60781, 'Leaseweb', 'hosting'],
      [16265, 'Leaseweb', 'hosting'],
      [28753, 'Leaseweb', 'hosting'],
      [30633, 'Leaseweb', 'hosting'],
      [7203, 'Leaseweb', 'hosting'],
      [19148, 'Leaseweb', 'hosting'],
      [59253, 'Leaseweb', 'hosting'],
      [32613, 'Leaseweb', 'hosting'],
      [60068, 'Datacamp (CDN77)', 'hosting'],
      [212238, 'Datacamp (CDN77)', 'hosting'],
      [62240, 'Clouvider', 'hosting'],
      [8100, 'QuadraNet', 'hosting'],
      [29802, 'Hivelocity', 'hosting'],
      [63023, 'GTHost', 'hosting'],
      [8560, 'IONOS', 'hosting'],
      [197540, 'netcup', 'hosting'],
      [47583, 'Hostinger', 'hosting'],
      [19318, 'InterServer', 'hosting'],
      [53667, 'FranTech (BuyVM)', 'hosting'],
      [396356, 'Latitude.sh', 'hosting'],
      [21859, 'Zenlayer', 'hosting'],
      [46606, 'Unified Layer', 'hosting'],
      [49981, 'WorldStream', 'hosting'],
      [202425, 'IP Volume', 'hosting'],
      [210644, 'Aeza', 'hosting'],
      [201814, 'MEVSPACE', 'hosting'],
      [50673, 'Serverius', 'hosting'],
      [206264, 'Amarutu', 'hosting'],
      [25820, 'IT7 Networks', 'hosting'],
      [40676, 'Psychz Networks', 'hosting'],
      [11878, 'tzulo', 'hosting'],
      [46562, 'Performive', 'hosting'],
      [207990, 'HostRoyale', 'hosting'],
      [9312, 'xTom', 'hosting'],
      [3214, 'xTom', 'hosting'],
      // VPN providers' own networks
      [39351, 'Mullvad VPN', 'vpn'],
      [214813, 'Mullvad VPN', 'vpn'],
      [216025, 'Mullvad VPN', 'vpn'],
      [136787, 'NordVPN (PacketHub)', 'vpn'],
      [141039, 'NordVPN (PacketHub)', 'vpn'],
      [147049, 'NordVPN (PacketHub)', 'vpn'],
      [207137, 'NordVPN (PacketHub)', 'vpn'],
      [133944, 'Tesonet', 'vpn'],
      [62371, 'Proton VPN', 'vpn'],
      [199218, 'Proton VPN', 'vpn'],
      [208172, 'Proton VPN', 'vpn'],
      [209103, 'Proton VPN', 'vpn'],
      [203619, 'IVPN', 'vpn'],
      [397540, 'Windscribe', 'vpn'],
      [208765, 'Bullet Proof VPN', 'vpn'],
      [396319, 'Oxylabs (proxy service)', 'vpn'],
      // Privacy relays and CDN egress (iCloud Private Relay, Cloudflare WARP)
      [13335, 'Cloudflare', 'relay'],
      [36183, 'Akamai (iCloud Private Relay)', 'relay'],
      [54113, 'Fastly', 'relay'],
    ] as const
  ).map(([asn, name, kind]) => [asn, { name, kind }]),
);

/**
 * Hosting words in an AS organisation's name. Deliberately narrow ("cloud" only as a word,
 * "compute" and "host" inside other words left out: too many ISPs and shops match).
 */
const HOSTING_WORDS =
  /hosting|\bhost\b|webhost|\bvps|vps\b|data ?cent(?:er|re)|datacent|dedicated server|colocation|\bcolo\b|\bservers?\b|\bcloud\b/i;
const VPN_WORDS = /vpn/i;
/** ISPs whose names merely contain "VPN". */
const NOT_VPN = new Set([263097, 27683, 46868]);

// --- places ------------------------------------------------------------------------------------

/**
 * Approximate geographic centre and English name of each ISO 3166-1 alpha-2 country (plus the
 * retired AN, still in IP data), after Google's DSPL canonical countries table, rounded to 0.1°.
 * A centre is a rough stand-in for "somewhere in that country": hundreds of km off for large ones.
 */
export const COUNTRY_CENTROIDS: Readonly<Record<string, readonly [lat: number, lon: number, name: string]>> =
  {
    AD: [42.5, 1.6, 'Andorra'],
    AE: [23.4, 53.8, 'United Arab Emirates'],
    AF: [33.9, 67.7, 'Afghanistan'],
    AG: [17.1, -61.8, 'Antigua and Barbuda'],
    AI: [18.2, -63.1, 'Anguilla'],
    AL: [41.2, 20.2, 'Albania'],
    AM: [40.1, 45.0, 'Armenia'],
    AN: [12.2, -69.1, 'Netherlands Antilles'],
    AO: [-11.2, 17.9, 'Angola'],
    AQ: [-75.3, -0.1, 'Antarctica'],
    AR: [-38.4, -63.6, 'Argentina'],
    AS: [-14.3, -170.1, 'American Samoa'],
    AT: [47.5, 14.6, 'Austria'],
    AU: [-25.3, 133.8, 'Australia'],
    AW: [12.5, -70.0, 'Aruba'],
    AX: [60.2, 19.9, 'Åland Islands'],
    AZ: [40.1, 47.6, 'Azerbaijan'],
    BA: [43.9, 17.7, 'Bosnia and Herzegovina'],
    BB: [13.2, -59.5, 'Barbados'],
    BD: [23.7, 90.4, 'Bangladesh'],
    BE: [50.5, 4.5, 'Belgium'],
    BF: [12.2, -1.6, 'Burkina Faso'],
    BG: [42.7, 25.5, 'Bulgaria'],
    BH: [25.9, 50.6, 'Bahrain'],
    BI: [-3.4, 29.9, 'Burundi'],
    BJ: [9.3, 2.3, 'Benin'],
    BL: [17.9, -62.8, 'Saint Barthélemy'],
    BM: [32.3, -64.8, 'Bermuda'],
    BN: [4.5, 114.7, 'Brunei'],
    BO: [-16.3, -63.6, 'Bolivia'],
    BQ: [12.2, -68.2, 'Caribbean Netherlands'],
    BR: [-14.2, -51.9, 'Brazil'],
    BS: [25.0, -77.4, 'Bahamas'],
    BT: [27.5, 90.4, 'Bhutan'],
    BV: [-54.4, 3.4, 'Bouvet Island'],
    BW: [-22.3, 24.7, 'Botswana'],
    BY: [53.7, 28.0, 'Belarus'],
    BZ: [17.2, -88.5, 'Belize'],
    CA: [56.1, -106.3, 'Canada'],
    CC: [-12.2, 96.9, 'Cocos (Keeling) Islands'],
    CD: [-4.0, 21.8, 'DR Congo'],
    CF: [6.6, 20.9, 'Central African Republic'],
    CG: [-0.2, 15.8, 'Republic of the Congo'],
    CH: [46.8, 8.2, 'Switzerland'],
    CI: [7.5, -5.5, "Côte d'Ivoire"],
    CK: [-21.2, -159.8, 'Cook Islands'],
    CL: [-35.7, -71.5, 'Chile'],
    CM: [7.4, 12.4, 'Cameroon'],
    CN: [35.9, 104.2, 'China'],
    CO: [4.6, -74.3, 'Colombia'],
    CR: [9.7, -83.8, 'Costa Rica'],
    CU: [21.5, -77.8, 'Cuba'],
    CV: [16.0, -24.0, 'Cape Verde'],
    CW: [12.2, -69.0, 'Curaçao'],
    CX: [-10.4, 105.7, 'Christmas Island'],
    CY: [35.1, 33.4, 'Cyprus'],
    CZ: [49.8, 15.5, 'Czechia'],
    DE: [51.2, 10.5, 'Germany'],
    DJ: [11.8, 42.6, 'Djibouti'],
    DK: [56.3, 9.5, 'Denmark'],
    DM: [15.4, -61.4, 'Dominica'],
    DO: [18.7, -70.2, 'Dominican Republic'],
    DZ: [28.0, 1.7, 'Algeria'],
    EC: [-1.8, -78.2, 'Ecuador'],
    EE: [58.6, 25.0, 'Estonia'],
    EG: [26.8, 30.8, 'Egypt'],
    EH: [24.2, -12.9, 'Western Sahara'],
    ER: [15.2, 39.8, 'Eritrea'],
    ES: [40.5, -3.7, 'Spain'],
    ET: [9.1, 40.5, 'Ethiopia'],
    FI: [61.9, 25.7, 'Finland'],
    FJ: [-16.6, 179.4, 'Fiji'],
    FK: [-51.8, -59.5, 'Falkland Islands'],
    FM: [7.4, 150.6, 'Micronesia'],
    FO: [61.9, -6.9, 'Faroe Islands'],
    FR: [46.2, 2.2, 'France'],
    GA: [-0.8, 11.6, 'Gabon'],
    GB: [55.4, -3.4, 'United Kingdom'],
    GD: [12.3, -61.6, 'Grenada'],
    GE: [42.3, 43.4, 'Georgia'],
    GF: [3.9, -53.1, 'French Guiana'],
    GG: [49.5, -2.6, 'Guernsey'],
    GH: [7.9, -1.0, 'Ghana'],
    GI: [36.1, -5.3, 'Gibraltar'],
    GL: [71.7, -42.6, 'Greenland'],
    GM: [13.4, -15.3, 'Gambia'],
    GN: [9.9, -9.7, 'Guinea'],
    GP: [17.0, -62.1, 'Guadeloupe'],
    GQ: [1.7, 10.3, 'Equatorial Guinea'],
    GR: [39.1, 21.8, 'Greece'],
    GS: [-54.4, -36.6, 'South Georgia and the South Sandwich Islands'],
    GT: [15.8, -90.2, 'Guatemala'],
    GU: [13.4, 144.8, 'Guam'],
    GW: [11.8, -15.2, 'Guinea-Bissau'],
    GY: [4.9, -58.9, 'Guyana'],
    HK: [22.4, 114.1, 'Hong Kong'],
    HM: [-53.1, 73.5, 'Heard Island and McDonald Islands'],
    HN: [15.2, -86.2, 'Honduras'],
    HR: [45.1, 15.2, 'Croatia'],
    HT: [19.0, -72.3, 'Haiti'],
    HU: [47.2, 19.5, 'Hungary'],
    ID: [-0.8, 113.9, 'Indonesia'],
    IE: [53.4, -8.2, 'Ireland'],
    IL: [31.0, 34.9, 'Israel'],
    IM: [54.2, -4.5, 'Isle of Man'],
    IN: [20.6, 79.0, 'India'],
    IO: [-6.3, 71.9, 'British Indian Ocean Territory'],
    IQ: [33.2, 43.7, 'Iraq'],
    IR: [32.4, 53.7, 'Iran'],
    IS: [65.0, -19.0, 'Iceland'],
    IT: [41.9, 12.6, 'Italy'],
    JE: [49.2, -2.1, 'Jersey'],
    JM: [18.1, -77.3, 'Jamaica'],
    JO: [30.6, 36.2, 'Jordan'],
    JP: [36.2, 138.3, 'Japan'],
    KE: [-0.0, 37.9, 'Kenya'],
    KG: [41.2, 74.8, 'Kyrgyzstan'],
    KH: [12.6, 105.0, 'Cambodia'],
    KI: [-3.4, -168.7, 'Kiribati'],
    KM: [-11.9, 43.9, 'Comoros'],
    KN: [17.4, -62.8, 'Saint Kitts and Nevis'],
    KP: [40.3, 127.5, 'North Korea'],
    KR: [35.9, 127.8, 'South Korea'],
    KW: [29.3, 47.5, 'Kuwait'],
    KY: [19.5, -80.6, 'Cayman Islands'],
    KZ: [48.0, 66.9, 'Kazakhstan'],
    LA: [19.9, 102.5, 'Laos'],
    LB: [33.9, 35.9, 'Lebanon'],
    LC: [13.9, -61.0, 'Saint Lucia'],
    LI: [47.2, 9.6, 'Liechtenstein'],
    LK: [7.9, 80.8, 'Sri Lanka'],
    LR: [6.4, -9.4, 'Liberia'],
    LS: [-29.6, 28.2, 'Lesotho'],
    LT: [55.2, 23.9, 'Lithuania'],
    LU: [49.8, 6.1, 'Luxembourg'],
    LV: [56.9, 24.6, 'Latvia'],
    LY: [26.3, 17.2, 'Libya'],
    MA: [31.8, -7.1, 'Morocco'],
    MC: [43.8, 7.4, 'Monaco'],
    MD: [47.4, 28.4, 'Moldova'],
    ME: [42.7, 19.4, 'Montenegro'],
    MF: [18.1, -63.0, 'Saint Martin'],
    MG: [-18.8, 46.9, 'Madagascar'],
    MH: [7.1, 171.2, 'Marshall Islands'],
    MK: [41.6, 21.7, 'North Macedonia'],
    ML: [17.6, -4.0, 'Mali'],
    MM: [21.9, 96.0, 'Myanmar'],
    MN: [46.9, 103.8, 'Mongolia'],
    MO: [22.2, 113.5, 'Macao'],
    MP: [17.3, 145.4, 'Northern Mariana Islands'],
    MQ: [14.6, -61.0, 'Martinique'],
    MR: [21.0, -10.9, 'Mauritania'],
    MS: [16.7, -62.2, 'Montserrat'],
    MT: [35.9, 14.4, 'Malta'],
    MU: [-20.3, 57.6, 'Mauritius'],
    MV: [3.2, 73.2, 'Maldives'],
    MW: [-13.3, 34.3, 'Malawi'],
    MX: [23.6, -102.6, 'Mexico'],
    MY: [4.2, 102.0, 'Malaysia'],
    MZ: [-18.7, 35.5, 'Mozambique'],
    NA: [-23.0, 18.5, 'Namibia'],
    NC: [-20.9, 165.6, 'New Caledonia'],
    NE: [17.6, 8.1, 'Niger'],
    NF: [-29.0, 168.0, 'Norfolk Island'],
    NG: [9.1, 8.7, 'Nigeria'],
    NI: [12.9, -85.2, 'Nicaragua'],
    NL: [52.1, 5.3, 'Netherlands'],
    NO: [60.5, 8.5, 'Norway'],
    NP: [28.4, 84.1, 'Nepal'],
    NR: [-0.5, 166.9, 'Nauru'],
    NU: [-19.1, -169.9, 'Niue'],
    NZ: [-40.9, 174.9, 'New Zealand'],
    OM: [21.5, 55.9, 'Oman'],
    PA: [8.5, -80.8, 'Panama'],
    PE: [-9.2, -75.0, 'Peru'],
    PF: [-17.7, -149.4, 'French Polynesia'],
    PG: [-6.3, 144.0, 'Papua New Guinea'],
    PH: [12.9, 121.8, 'Philippines'],
    PK: [30.4, 69.3, 'Pakistan'],
    PL: [51.9, 19.1, 'Poland'],
    PM: [46.9, -56.3, 'Saint Pierre and Miquelon'],
    PN: [-24.7, -127.4, 'Pitcairn Islands'],
    PR: [18.2, -66.6, 'Puerto Rico'],
    PS: [32.0, 35.2, 'Palestine'],
    PT: [39.4, -8.2, 'Portugal'],
    PW: [7.5, 134.6, 'Palau'],
    PY: [-23.4, -58.4, 'Paraguay'],
    QA: [25.4, 51.2, 'Qatar'],
    RE: [-21.1, 55.5, 'Réunion'],
    RO: [45.9, 25.0, 'Romania'],
    RS: [44.0, 21.0, 'Serbia'],
    RU: [61.5, 105.3, 'Russia'],
    RW: [-1.9, 29.9, 'Rwanda'],
    SA: [23.9, 45.1, 'Saudi Arabia'],
    SB: [-9.6, 160.2, 'Solomon Islands'],
    SC: [-4.7, 55.5, 'Seychelles'],
    SD: [12.9, 30.2, 'Sudan'],
    SE: [60.1, 18.6, 'Sweden'],
    SG: [1.4, 103.8, 'Singapore'],
    SH: [-24.1, -10.0, 'Saint Helena'],
    SI: [46.2, 15.0, 'Slovenia'],
    SJ: [77.6, 23.7, 'Svalbard and Jan Mayen'],
    SK: [48.7, 19.7, 'Slovakia'],
    SL: [8.5, -11.8, 'Sierra Leone'],
    SM: [43.9, 12.5, 'San Marino'],
    SN: [14.5, -14.5, 'Senegal'],
    SO: [5.2, 46.2, 'Somalia'],
    SR: [3.9, -56.0, 'Suriname'],
    SS: [7.3, 30.0, 'South Sudan'],
    ST: [0.2, 6.6, 'São Tomé and Príncipe'],
    SV: [13.8, -88.9, 'El Salvador'],
    SX: [18.0, -63.1, 'Sint Maarten'],
    SY: [34.8, 39.0, 'Syria'],
    SZ: [-26.5, 31.5, 'Eswatini'],
    TC: [21.7, -71.8, 'Turks and Caicos Islands'],
    TD: [15.5, 18.7, 'Chad'],
    TF: [-49.3, 69.3, 'French Southern Territories'],
    TG: [8.6, 0.8, 'Togo'],
    TH: [15.9, 101.0, 'Thailand'],
    TJ: [38.9, 71.3, 'Tajikistan'],
    TK: [-9.0, -171.9, 'Tokelau'],
    TL: [-8.9, 125.7, 'Timor-Leste'],
    TM: [39.0, 59.6, 'Turkmenistan'],
    TN: [33.9, 9.5, 'Tunisia'],
    TO: [-21.2, -175.2, 'Tonga'],
    TR: [39.0, 35.2, 'Türkiye'],
    TT: [10.7, -61.2, 'Trinidad and Tobago'],
    TV: [-7.1, 177.6, 'Tuvalu'],
    TW: [23.7, 121.0, 'Taiwan'],
    TZ: [-6.4, 34.9, 'Tanzania'],
    UA: [48.4, 31.2, 'Ukraine'],
    UG: [1.4, 32.3, 'Uganda'],
    UM: [19.3, 166.7, 'U.S. Minor Outlying Islands'],
    US: [37.1, -95.7, 'United States'],
    UY: [-32.5, -55.8, 'Uruguay'],
    UZ: [41.4, 64.6, 'Uzbekistan'],
    VA: [41.9, 12.5, 'Vatican City'],
    VC: [13.0, -61.3, 'Saint Vincent and the Grenadines'],
    VE: [6.4, -66.6, 'Venezuela'],
    VG: [18.4, -64.6, 'British Virgin Islands'],
    VI: [18.3, -64.9, 'U.S. Virgin Islands'],
    VN: [14.1, 108.3, 'Vietnam'],
    VU: [-15.4, 167.0, 'Vanuatu'],
    WF: [-13.8, -177.2, 'Wallis and Futuna'],
    WS: [-13.8, -172.1, 'Samoa'],
    XK: [42.6, 20.9, 'Kosovo'],
    YE: [15.6, 48.5, 'Yemen'],
    YT: [-12.8, 45.2, 'Mayotte'],
    ZA: [-30.6, 22.9, 'South Africa'],
    ZM: [-13.1, 27.8, 'Zambia'],
    ZW: [-19.0, 29.2, 'Zimbabwe'],
  };

/** Names that read with "the" in a sentence. */
const WITH_ARTICLE = new Set([
  'AE',
  'BS',
  'CD',
  'CF',
  'CG',
  'CK',
  'DO',
  'FK',
  'FO',
  'GB',
  'GM',
  'KM',
  'KY',
  'MH',
  'MV',
  'NL',
  'PH',
  'SB',
  'SC',
  'TC',
  'UM',
  'US',
  'VA',
  'VG',
  'VI',
]);

/** "the United States", "Germany"; the code itself when unknown. */
function countryName(code: string, article = false): string {
  const name = COUNTRY_CENTROIDS[code]?.[2] ?? code;
  return article && WITH_ARTICLE.has(code) ? `the ${name}` : name;
}

const EARTH_RADIUS_KM = 6371;

/** Great-circle distance (haversine) in km. */
export function distanceKm(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

const centroid = (code: string) => {
  const c = COUNTRY_CENTROIDS[code];
  return c ? { lat: c[0], lon: c[1] } : undefined;
};

export interface Travel {
  from: string;
  to: string;
  km: number;
  hours: number;
  kmh: number;
}

/**
 * The fastest move from a previous sighting in another country to `country` now, if any is faster
 * than the policy allows. A sighting's own coordinates are used when it has them, else its
 * country's centre; the current place is always the centre of its country. Sightings with no
 * country, a bad date, or a date more than 5 minutes ahead are ignored; elapsed time is at least
 * a minute.
 */
export function impossibleTravel(
  country: string,
  previous: readonly Sighting[],
  now: Date,
  policy: Pick<NetworkPolicy, 'impossibleTravelKmh' | 'impossibleTravelMinKm'> = DEFAULT_NETWORK_POLICY,
): Travel | undefined {
  const here = centroid(country);
  if (!here) return undefined;
  let fastest: Travel | undefined;
  for (const sighting of previous) {
    const from = sighting.country?.toUpperCase();
    if (!from || from === country) continue;
    const at = Date.parse(sighting.at);
    const elapsedMs = now.getTime() - at;
    if (Number.isNaN(at) || elapsedMs < -5 * 60_000) continue;
    const there =
      Number.isFinite(sighting.lat) && Number.isFinite(sighting.lon)
        ? { lat: sighting.lat as number, lon: sighting.lon as number }
        : centroid(from);
    if (!there) continue;
    const km = distanceKm(there, here);
    if (km < policy.impossibleTravelMinKm) continue;
    const hours = Math.max(elapsedMs, 60_000) / 3_600_000;
    const kmh = km / hours;
    if (kmh > policy.impossibleTravelKmh && (!fastest || kmh > fastest.kmh))
      fastest = { from, to: country, km, hours, kmh };
  }
  return fastest;
}

// --- the signals -------------------------------------------------------------------------------

const thousands = (n: number) => Math.round(n).toLocaleString('en-US');
const duration = (hours: number) => {
  const minutes = Math.round(hours * 60);
  if (minutes < 120) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  if (hours < 48) return `${Math.round(hours)} hours`;
  return `${Math.round(hours / 24)} days`;
};

/** Which well-known kind of network an AS is, from the curated table or its name. */
export function classifyNetwork(
  asn: number | undefined,
  asOrg: string | undefined,
): { kind: NetworkKind; name: string; curated: boolean } | undefined {
  const known = asn === undefined ? undefined : KNOWN_NETWORKS.get(asn);
  if (known) return { ...known, curated: true };
  if (!asOrg) return undefined;
  if (VPN_WORDS.test(asOrg) && !(asn !== undefined && NOT_VPN.has(asn)))
    return { kind: 'vpn', name: asOrg, curated: false };
  if (HOSTING_WORDS.test(asOrg)) return { kind: 'hosting', name: asOrg, curated: false };
  return undefined;
}

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
