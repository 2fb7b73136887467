/**
 * Which kind of network an AS is (DESIGN.md §6, network signals). Hosting, VPN and relay networks
 * are recognised two ways:
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
