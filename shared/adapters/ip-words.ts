/**
 * Addresses as the IP data tables hold them (shared/adapters/ip-database.ts): IPv4 as an unsigned
 * 32-bit number, IPv6 as four unsigned 32-bit words (BigInt on the load path made it three times
 * slower), and the ranges that never have data. Lookup input is read by ipaddr.js
 * (shared/domain/ip-address.ts); only the packaged data files, which are trusted, go through the
 * byte decoder `v6Words`.
 */
import { readIPv4, readIPv6 } from '../domain/ip-address.js';

/** A 128-bit IPv6 address as four unsigned 32-bit words, most significant first. */
export type V6Words = readonly [number, number, number, number];

const fromOctets = ([a = 0, b = 0, c = 0, d = 0]: readonly number[]) =>
  a * 0x100_0000 + ((b << 16) | (c << 8) | d);

/** A dotted quad as an unsigned 32-bit number; undefined when malformed. */
export function parseIPv4(ip: string): number | undefined {
  const octets = readIPv4(ip);
  return octets && fromOctets(octets);
}

/** An IPv6 address (embedded IPv4 tail allowed, zone id not) as four 32-bit words. */
export function parseIPv6(ip: string): V6Words | undefined {
  const address = readIPv6(ip);
  if (!address || address.zone !== undefined) return undefined;
  const g = (j: number) => address.groups[j] ?? 0;
  const w = (j: number) => (g(j) * 0x10000 + g(j + 1)) >>> 0;
  return [w(0), w(2), w(4), w(6)];
}

const groups = new Array<number>(8).fill(0);

/**
 * IPv6 text in `buf[from, to)` to words, straight from the bytes, for the packaged data files
 * only (the load decodes ~640k of these; strings, ipaddr.js or BigInts cost several times more:
 * ipaddr.js alone would add about a second to the load). The format must be valid already: the
 * data files are trusted, and lookup input never comes here.
 */
export function v6Words(buf: Uint8Array, from: number, to: number): V6Words {
  groups.fill(0);
  let count = 0;
  let gap = -1;
  let value = 0;
  let digits = 0;
  let groupStart = from;
  for (let i = from; i < to; i++) {
    const c = buf[i] as number;
    if (c === 0x3a) {
      if (digits > 0) groups[count++] = value;
      else if (i > from && gap < 0) gap = count; // the second colon of '::'
      value = 0;
      digits = 0;
      groupStart = i + 1;
    } else if (c === 0x2e) {
      // Embedded IPv4 tail (::ffff:1.2.3.4): the last two groups.
      const v4 = parseIPv4(Buffer.from(buf.subarray(groupStart, to)).toString('latin1')) ?? 0;
      groups[count++] = v4 >>> 16;
      groups[count++] = v4 & 0xffff;
      digits = 0;
      break;
    } else {
      value = value * 16 + (c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x57);
      digits++;
    }
  }
  if (digits > 0) groups[count++] = value;
  if (gap >= 0) {
    const missing = 8 - count;
    for (let j = count - 1; j >= gap; j--) groups[j + missing] = groups[j] as number;
    for (let j = gap; j < gap + missing; j++) groups[j] = 0;
  }
  const w = (j: number) => ((groups[j] as number) * 0x10000 + (groups[j + 1] as number)) >>> 0;
  return [w(0), w(2), w(4), w(6)];
}

export function compareV6(a: V6Words, b: V6Words): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2] || a[3] - b[3];
}

export function nextV6(k: V6Words): V6Words {
  const out = [k[0], k[1], k[2], k[3]];
  for (let j = 3; j >= 0; j--) {
    if (out[j] !== 0xffff_ffff) {
      out[j] = (out[j] as number) + 1;
      return out as unknown as V6Words;
    }
    out[j] = 0;
  }
  return out as unknown as V6Words; // wrapped: only reached past the last address, never emitted
}

// --- addresses that never have data ------------------------------------------------------------

const cidr4 = (base: string, bits: number): [number, number] => {
  const start = parseIPv4(base) ?? 0;
  return [start, start + 2 ** (32 - bits) - 1];
};
/** Private, loopback, link-local, CGNAT, documentation, benchmarking, multicast, reserved. */
const SPECIAL_V4: [number, number][] = [
  cidr4('0.0.0.0', 8),
  cidr4('10.0.0.0', 8),
  cidr4('100.64.0.0', 10),
  cidr4('127.0.0.0', 8),
  cidr4('169.254.0.0', 16),
  cidr4('172.16.0.0', 12),
  cidr4('192.0.0.0', 24),
  cidr4('192.0.2.0', 24),
  cidr4('192.168.0.0', 16),
  cidr4('198.18.0.0', 15),
  cidr4('198.51.100.0', 24),
  cidr4('203.0.113.0', 24),
  cidr4('224.0.0.0', 3),
];
const cidr6 = (base: string, bits: number): [V6Words, V6Words] => {
  const start = parseIPv6(base) as V6Words;
  const end = start.map((word, j) => {
    const hostBits = Math.min(32, Math.max(0, 128 - bits - (3 - j) * 32));
    return hostBits === 0 ? word : (word | (hostBits === 32 ? 0xffff_ffff : 2 ** hostBits - 1)) >>> 0;
  });
  return [start, end as unknown as V6Words];
};
/** Unspecified, loopback, discard, documentation, unique-local, link-local, multicast. */
const SPECIAL_V6: [V6Words, V6Words][] = [
  cidr6('::', 127),
  cidr6('100::', 64),
  cidr6('2001:db8::', 32),
  cidr6('fc00::', 7),
  cidr6('fe80::', 10),
  cidr6('ff00::', 8),
];
const V4_MAPPED = cidr6('::ffff:0:0', 96);
const inRange6 = (ip: V6Words, [from, to]: [V6Words, V6Words]) =>
  compareV6(ip, from) >= 0 && compareV6(ip, to) <= 0;

/** The IPv4 address inside an IPv4-mapped IPv6 address (::ffff:0:0/96), else undefined. */
export const mappedV4 = (ip: V6Words): number | undefined => (inRange6(ip, V4_MAPPED) ? ip[3] : undefined);

/** A private, loopback, link-local, documentation, multicast or reserved IPv4 address. */
export const isSpecialV4 = (ip: number): boolean => SPECIAL_V4.some(([from, to]) => ip >= from && ip <= to);

/** The same for IPv6 (an IPv4-mapped address is not special here: look its IPv4 address up). */
export const isSpecialV6 = (ip: V6Words): boolean => SPECIAL_V6.some((range) => inRange6(ip, range));
