/**
 * IP address text to numbers, read by ipaddr.js: for the network signals (`ipPrefix`, the /24 or
 * /48 shown instead of an address) and the offline IP data lookup (shared/adapters/ip-data.ts).
 * Pure; never throws.
 *
 * Deliberately strict: an address is what a gateway reports, nothing looser. ipaddr.js on its own
 * also reads the inet_aton forms ("127.1", "0x7f.0.0.1", "0177.0.0.1", "2130706433"), some of
 * them in an IPv6 address's IPv4 tail too, and turns "::1.2.3.4" into the IPv4-mapped
 * "::ffff:1.2.3.4"; such text is ambiguous (the same string is a different address to different
 * parsers), so it is refused here, or read as RFC 4291 writes it.
 */
import ipaddr from 'ipaddr.js';

/**
 * The four octets of an IPv4 address written as four decimal parts without leading zeros
 * ("192.0.2.1"); undefined for anything else.
 */
export function readIPv4(text: string): number[] | undefined {
  if (typeof text !== 'string' || !ipaddr.IPv4.isValidFourPartDecimal(text)) return undefined;
  return ipaddr.IPv4.parse(text).octets;
}

export interface IPv6Text {
  /** The eight 16-bit groups, most significant first. */
  groups: number[];
  /** The text after the first "%", unchecked (possibly empty); absent when there was no "%". */
  zone?: string;
}

/**
 * An IPv6 address: hex groups of one to four digits, at most one "::", optionally an IPv4 tail
 * as strict as `readIPv4` ("::ffff:192.0.2.1"), optionally a zone id after "%"; undefined when
 * malformed.
 */
export function readIPv6(text: string): IPv6Text | undefined {
  if (typeof text !== 'string') return undefined;
  const cut = text.indexOf('%');
  let address = cut < 0 ? text : text.slice(0, cut);
  if (!address.includes(':')) return undefined;
  // An IPv4 tail becomes two hex groups, so ipaddr.js never reads its own looser IPv4 forms there
  // nor maps "::1.2.3.4" (whose last 32 bits are 1.2.3.4, nothing more).
  const lastColon = address.lastIndexOf(':');
  const tail = address.slice(lastColon + 1);
  if (tail.includes('.')) {
    const v4 = readIPv4(tail);
    if (!v4) return undefined;
    const [a = 0, b = 0, c = 0, d = 0] = v4;
    address = `${address.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  let groups: number[];
  try {
    groups = ipaddr.IPv6.parse(address).parts;
  } catch {
    return undefined;
  }
  return cut < 0 ? { groups } : { groups, zone: text.slice(cut + 1) };
}

/** The IPv4 address inside an IPv4-mapped IPv6 address (::ffff:0:0/96), else undefined. */
export function mappedIPv4(groups: readonly number[]): number[] | undefined {
  let address: ipaddr.IPv6;
  try {
    address = new ipaddr.IPv6([...groups]); // throws unless eight 16-bit groups
  } catch {
    return undefined;
  }
  return address.isIPv4MappedAddress() ? address.toIPv4Address().octets : undefined;
}

/**
 * The network an address belongs to, as stored and shown instead of the address: the /24 of an
 * IPv4 address ("203.0.113.0/24"), the /48 of an IPv6 one ("2001:db8:1::/48"; an IPv4-mapped
 * address gives its IPv4 /24; a zone id is dropped). Undefined when the input is not an address.
 */
export function ipPrefix(ip: string): string | undefined {
  if (typeof ip !== 'string') return undefined;
  const address = ip.trim();
  const v4 = readIPv4(address);
  if (v4) return `${v4[0]}.${v4[1]}.${v4[2]}.0/24`;
  const v6 = readIPv6(address);
  if (!v6) return undefined;
  const mapped = mappedIPv4(v6.groups);
  if (mapped) return `${mapped[0]}.${mapped[1]}.${mapped[2]}.0/24`;
  const head = v6.groups.slice(0, 3);
  while (head.length > 0 && head.at(-1) === 0) head.pop();
  return `${head.map((g) => g.toString(16)).join(':')}::/48`;
}
