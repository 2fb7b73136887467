/**
 * Offline IP data (DESIGN.md §6, network signals): IP address -> country, AS number and AS
 * organisation, from two npm packages of ip-location-db, loaded once per process.
 *
 * - `@ip-location-db/asn` (RouteViews + RIR + DB-IP ASN Lite; CC BY 4.0: attribute RouteViews,
 *   DB-IP and the NRO): `asn-ipv4-num.csv` and `asn-ipv6.csv`,
 *   `start,end,asn,"organisation"`.
 * - `@ip-location-db/geo-whois-asn-country` (operators' geofeeds > RIR whois > ASN country;
 *   package licence CC0-1.0, source data CC BY 4.0 by the NRO): `...-ipv4-num.csv` and
 *   `...-ipv6.csv`, `start,end,CC`. Chosen over the smaller `asn-country` because that one gives
 *   the country an AS is registered in: every AWS, Azure or Google Cloud address in Ireland or
 *   Germany comes out as US there, which would fire false "unusual country" and "impossible
 *   travel" signals.
 *
 * Nothing is read at import: the first `lookup` pays the load (call `preloadIpData()` from a
 * handler's module scope to move it into the Lambda INIT phase instead). The ranges are turned
 * into a step function (sorted breakpoints, each with the value that holds until the next one)
 * in typed arrays and searched by bisection: IPv4 as uint32, IPv6 as two 64-bit halves held as
 * four uint32 words (BigInt on the load path made it three times slower). The country files nest
 * ranges (a geofeed block inside a whois block, and a few bad overlaps); the innermost,
 * latest-starting range wins, as the files' merge rule intends. Private, loopback, link-local,
 * CGNAT, documentation and multicast addresses always give `{}` (the country file wrongly tags
 * parts of 172.16/12 and 192.168/16 as AU).
 *
 * Data quality: the publisher warns that the npm releases carry known data bugs and that npm
 * updates have stopped (the project now publishes on GitHub releases); e.g. WIDE's 2001:200::/32
 * comes out AU instead of JP. `dataAge()` makes the age visible; replacing the source means
 * changing IP_DATA_FILES and shipping the new files.
 *
 * Lambda: the data files are read at run time, resolved from this module with
 * `createRequire(import.meta.url)`, so the bundle needs `node_modules/@ip-location-db/<pkg>/`
 * next to it holding the four CSV files and each package.json (the version dates the data).
 */
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isIPv4, isIPv6 } from 'node:net';

export interface IpInfo {
  /** ISO 3166-1 alpha-2, upper case. */
  country?: string;
  asn?: number;
  asOrg?: string;
}

export interface IpDataAge {
  /** The date the data was built (YYYY-MM-DD), or 'unknown'. */
  builtAt: string;
  /** Whole days since then; Infinity when unknown. */
  days: number;
  /** Where the date came from: the package version (which encodes it) or the file's mtime. */
  source: 'package-version' | 'file-mtime' | 'unknown';
}

export interface IpDataStats {
  loadMs: number;
  breakpoints: { asnV4: number; asnV6: number; countryV4: number; countryV6: number };
  organisations: number;
  /** Rows dropped as out of order or reversed (0 with the current files). */
  skippedRows: number;
  /** Bytes held by the typed arrays (organisation strings not counted). */
  tableBytes: number;
}

/** The packages and files read, as module specifiers (what a bundler must ship). */
const IP_DATA_PACKAGES = ['@ip-location-db/asn', '@ip-location-db/geo-whois-asn-country'] as const;
const IP_DATA_FILES = {
  asnV4: '@ip-location-db/asn/asn-ipv4-num.csv',
  asnV6: '@ip-location-db/asn/asn-ipv6.csv',
  countryV4: '@ip-location-db/geo-whois-asn-country/geo-whois-asn-country-ipv4-num.csv',
  countryV6: '@ip-location-db/geo-whois-asn-country/geo-whois-asn-country-ipv6.csv',
} as const;

/** Everything a deployed function needs beside its bundle: the data, the versions (data age), the licences. */
export const IP_DATA_SHIPPED_FILES = [
  ...Object.values(IP_DATA_FILES),
  ...IP_DATA_PACKAGES.map((pkg) => `${pkg}/package.json`),
  '@ip-location-db/asn/DBIP-LICENSE',
  '@ip-location-db/asn/ROUTEVIEWS-LICENSE',
  '@ip-location-db/asn/NRO_LICENSE',
  '@ip-location-db/geo-whois-asn-country/NRO_LICENSE',
];

/** The four files' bytes, or functions that read them. */
export type IpDataSources = Record<keyof typeof IP_DATA_FILES, Buffer | (() => Buffer)>;

const MAX_V4 = 0xffff_ffff;

// --- parsing addresses -------------------------------------------------------------------------

/** A 128-bit IPv6 address as four unsigned 32-bit words, most significant first. */
export type V6Words = readonly [number, number, number, number];

/** A dotted quad as an unsigned 32-bit number; undefined when malformed. */
export function parseIPv4(ip: string): number | undefined {
  if (typeof ip !== 'string' || !isIPv4(ip)) return undefined;
  let value = 0;
  for (const part of ip.split('.')) value = value * 256 + Number(part);
  return value;
}

/** An IPv6 address (embedded IPv4 tail allowed, zone id not) as four 32-bit words. */
export function parseIPv6(ip: string): V6Words | undefined {
  if (typeof ip !== 'string' || ip.includes('%') || !isIPv6(ip)) return undefined;
  const bytes = Buffer.from(ip, 'latin1');
  return v6Words(bytes, 0, bytes.length);
}

const groups = new Array<number>(8).fill(0);

/**
 * IPv6 text in `buf[from, to)` to words, straight from the bytes (the load parses ~640k of these;
 * strings and BigInts cost several times more). The format must be valid already: lookup input is
 * checked with `net.isIPv6` first, and the data files are trusted.
 */
function v6Words(buf: Uint8Array, from: number, to: number): V6Words {
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

function compareV6(a: V6Words, b: V6Words): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2] || a[3] - b[3];
}

function nextV6(k: V6Words): V6Words {
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

// --- the step-function tables ------------------------------------------------------------------

/**
 * Builds sorted breakpoints from ranges pushed in order of their start. A breakpoint says "from
 * here on, this value" (0: no data); overlapping ranges resolve to the latest-starting one.
 */
class StepBuilder<K> {
  readonly keys: K[] = [];
  readonly values: number[] = [];
  private readonly openEnds: K[] = [];
  private readonly openValues: number[] = [];
  private cursor: K;
  private done = false;
  /** Rows dropped: out of order or reversed. */
  skipped = 0;

  constructor(
    min: K,
    private readonly max: K,
    private readonly compare: (a: K, b: K) => number,
    private readonly next: (key: K) => K,
  ) {
    this.cursor = min;
  }

  add(start: K, end: K, value: number): void {
    // Input comes sorted by start; anything else (or a reversed range) is bad data.
    if (this.done || this.compare(end, start) < 0 || this.compare(start, this.cursor) < 0) {
      this.skipped++;
      return;
    }
    this.closeBefore(start);
    this.mark(start, value);
    this.cursor = start;
    this.openEnds.push(end);
    this.openValues.push(value);
  }

  finish(): this {
    this.closeBefore(undefined);
    return this;
  }

  /** Emits what the open ranges cover up to `limit` (exclusive), or everything when undefined. */
  private closeBefore(limit: K | undefined): void {
    while (this.openEnds.length > 0 && !this.done) {
      const top = this.openEnds.length - 1;
      const end = this.openEnds[top] as K;
      if (this.compare(end, this.cursor) < 0) {
        this.pop();
        continue;
      }
      if (limit !== undefined && this.compare(end, limit) >= 0) break;
      this.mark(this.cursor, this.openValues[top] as number);
      if (this.compare(end, this.max) === 0) this.done = true;
      else this.cursor = this.next(end);
      this.pop();
    }
    if (this.done) return;
    if (limit === undefined || this.compare(this.cursor, limit) < 0) {
      this.mark(this.cursor, this.openValues.at(-1) ?? 0);
    }
  }

  private pop(): void {
    this.openEnds.pop();
    this.openValues.pop();
  }

  /** From `at` on, `value`. Calls come in non-decreasing `at`. */
  private mark(at: K, value: number): void {
    const n = this.keys.length;
    if (n > 0 && this.compare(this.keys[n - 1] as K, at) === 0) {
      // The previous breakpoint covered nothing: replace it, merging with the one before.
      if (n > 1 && this.values[n - 2] === value) {
        this.keys.pop();
        this.values.pop();
      } else this.values[n - 1] = value;
      return;
    }
    if (n > 0 && this.values[n - 1] === value) return;
    this.keys.push(at);
    this.values.push(value);
  }
}

/** IPv4 breakpoints as uint32. */
interface V4Table {
  keys: Uint32Array;
  values: Uint32Array | Uint16Array;
}
/**
 * IPv6 breakpoints as two 64-bit halves, each held as two uint32 words (so four words a key,
 * interleaved): compared word by word, no BigInt on the load or lookup path.
 */
interface V6Table {
  words: Uint32Array;
  values: Uint32Array | Uint16Array;
}

const valueArray = (values: number[], kind: 'u32' | 'u16') =>
  kind === 'u32' ? Uint32Array.from(values) : Uint16Array.from(values);

function v4Table(builder: StepBuilder<number>, kind: 'u32' | 'u16'): V4Table {
  builder.finish();
  return { keys: Uint32Array.from(builder.keys), values: valueArray(builder.values, kind) };
}

function v6Table(builder: StepBuilder<V6Words>, kind: 'u32' | 'u16'): V6Table {
  builder.finish();
  const words = new Uint32Array(builder.keys.length * 4);
  builder.keys.forEach((k, i) => {
    words[i * 4] = k[0];
    words[i * 4 + 1] = k[1];
    words[i * 4 + 2] = k[2];
    words[i * 4 + 3] = k[3];
  });
  return { words, values: valueArray(builder.values, kind) };
}

function findV4(table: V4Table, ip: number): number {
  const { keys } = table;
  let lo = 0;
  let hi = keys.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if ((keys[mid] as number) <= ip) lo = mid;
    else hi = mid - 1;
  }
  return keys.length > 0 && (keys[lo] as number) <= ip ? (table.values[lo] as number) : 0;
}

function findV6(table: V6Table, ip: V6Words): number {
  const { words } = table;
  const atOrBelow = (i: number) => {
    const o = i * 4;
    return (
      ((words[o] as number) - ip[0] ||
        (words[o + 1] as number) - ip[1] ||
        (words[o + 2] as number) - ip[2] ||
        (words[o + 3] as number) - ip[3]) <= 0
    );
  };
  let lo = 0;
  let hi = table.values.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (atOrBelow(mid)) lo = mid;
    else hi = mid - 1;
  }
  return table.values.length > 0 && atOrBelow(lo) ? (table.values[lo] as number) : 0;
}

// --- reading the CSV files ---------------------------------------------------------------------

const COMMA = 0x2c;
const NEWLINE = 0x0a;
const QUOTE = 0x22;

/** Calls `row` for each line with at least three fields: line start, first two commas, line end. */
function eachRow(buf: Buffer, row: (lineStart: number, c1: number, c2: number, lineEnd: number) => void) {
  let i = 0;
  const n = buf.length;
  while (i < n) {
    let end = buf.indexOf(NEWLINE, i);
    if (end < 0) end = n;
    const c1 = buf.indexOf(COMMA, i);
    const c2 = c1 >= 0 && c1 < end ? buf.indexOf(COMMA, c1 + 1) : -1;
    if (c2 > c1 && c2 < end) row(i, c1, c2, end > i && buf[end - 1] === 0x0d ? end - 1 : end);
    i = end + 1;
  }
}

function decimal(buf: Buffer, from: number, to: number): number {
  let v = 0;
  for (let i = from; i < to; i++) {
    const d = (buf[i] as number) - 0x30;
    if (d < 0 || d > 9) return Number.NaN;
    v = v * 10 + d;
  }
  return to > from ? v : Number.NaN;
}

/** A CSV field, unquoted ("" inside quotes is one "). */
function field(buf: Buffer, from: number, to: number): string {
  if (buf[from] === QUOTE && to - from >= 2 && buf[to - 1] === QUOTE) {
    return buf.toString('utf8', from + 1, to - 1).replaceAll('""', '"');
  }
  return buf.toString('utf8', from, to);
}

const countryCode = (buf: Buffer, from: number, to: number): number => {
  if (to - from !== 2) return 0;
  const a = (buf[from] as number) & 0xdf; // upper case
  const b = (buf[from + 1] as number) & 0xdf;
  return a >= 0x41 && a <= 0x5a && b >= 0x41 && b <= 0x5a ? (a << 8) | b : 0;
};
const countryOf = (code: number) => String.fromCharCode(code >> 8, code & 0xff);

const v4Builder = () =>
  new StepBuilder<number>(
    0,
    MAX_V4,
    (a, b) => a - b,
    (k) => k + 1,
  );
const MAX_V6: V6Words = [0xffff_ffff, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff];
const v6Builder = () => new StepBuilder<V6Words>([0, 0, 0, 0], MAX_V6, compareV6, nextV6);

type KeyParser<K> = (buf: Buffer, from: number, to: number) => K;

/** `start,end,asn,organisation` rows; each AS's organisation is decoded once. */
function buildAsn<K>(
  buf: Buffer,
  builder: StepBuilder<K>,
  key: KeyParser<K>,
  organisations: Map<number, string>,
): StepBuilder<K> {
  eachRow(buf, (s, c1, c2, end) => {
    let c3 = buf.indexOf(COMMA, c2 + 1);
    if (c3 < 0 || c3 > end) c3 = end;
    const asn = decimal(buf, c2 + 1, c3);
    if (!Number.isFinite(asn) || asn <= 0 || asn > MAX_V4) return;
    if (c3 < end && !organisations.has(asn)) organisations.set(asn, field(buf, c3 + 1, end));
    builder.add(key(buf, s, c1), key(buf, c1 + 1, c2), asn);
  });
  return builder;
}

/** `start,end,CC` rows. */
function buildCountry<K>(buf: Buffer, builder: StepBuilder<K>, key: KeyParser<K>): StepBuilder<K> {
  eachRow(buf, (s, c1, c2, end) => {
    const code = countryCode(buf, c2 + 1, end);
    if (code) builder.add(key(buf, s, c1), key(buf, c1 + 1, c2), code);
  });
  return builder;
}

/** The in-memory database: built from the four CSV files, then read-only. */
export class IpDatabase {
  private constructor(
    private readonly asnV4: V4Table,
    private readonly asnV6: V6Table,
    private readonly countryV4: V4Table,
    private readonly countryV6: V6Table,
    private readonly organisations: Map<number, string>,
    /** Rows dropped as out of order or reversed, per table. */
    readonly skipped: number,
  ) {}

  /**
   * Builds the tables one file at a time; a source given as a function is read only when its turn
   * comes, so only one file's bytes are in memory at once.
   */
  static fromCsv(sources: IpDataSources): IpDatabase {
    const organisations = new Map<number, string>();
    const read = (source: Buffer | (() => Buffer)) => (typeof source === 'function' ? source() : source);
    const asnV4 = buildAsn(read(sources.asnV4), v4Builder(), decimal, organisations);
    const asnV6 = buildAsn(read(sources.asnV6), v6Builder(), v6Words, organisations);
    const countryV4 = buildCountry(read(sources.countryV4), v4Builder(), decimal);
    const countryV6 = buildCountry(read(sources.countryV6), v6Builder(), v6Words);
    return new IpDatabase(
      v4Table(asnV4, 'u32'),
      v6Table(asnV6, 'u32'),
      v4Table(countryV4, 'u16'),
      v6Table(countryV6, 'u16'),
      organisations,
      asnV4.skipped + asnV6.skipped + countryV4.skipped + countryV6.skipped,
    );
  }

  /** Country, AS number and organisation of an address; empty when unknown, special or malformed. */
  lookup(ip: string): IpInfo {
    const address = typeof ip === 'string' ? ip.trim() : '';
    const v4 = parseIPv4(address);
    if (v4 !== undefined) return this.lookupV4(v4);
    const v6 = parseIPv6(address);
    if (v6 === undefined) return {};
    if (inRange6(v6, V4_MAPPED)) return this.lookupV4(v6[3]);
    if (SPECIAL_V6.some((range) => inRange6(v6, range))) return {};
    return this.info(findV6(this.countryV6, v6), findV6(this.asnV6, v6));
  }

  stats(): Omit<IpDataStats, 'loadMs'> {
    const tables = [this.asnV4, this.asnV6, this.countryV4, this.countryV6];
    const tableBytes = tables.reduce(
      (sum, t) => sum + t.values.byteLength + ('keys' in t ? t.keys.byteLength : t.words.byteLength),
      0,
    );
    return {
      breakpoints: {
        asnV4: this.asnV4.values.length,
        asnV6: this.asnV6.values.length,
        countryV4: this.countryV4.values.length,
        countryV6: this.countryV6.values.length,
      },
      organisations: this.organisations.size,
      skippedRows: this.skipped,
      tableBytes,
    };
  }

  private lookupV4(ip: number): IpInfo {
    if (SPECIAL_V4.some(([from, to]) => ip >= from && ip <= to)) return {};
    return this.info(findV4(this.countryV4, ip), findV4(this.asnV4, ip));
  }

  private info(country: number, asn: number): IpInfo {
    const result: IpInfo = {};
    if (country) result.country = countryOf(country);
    if (asn) {
      result.asn = asn;
      const org = this.organisations.get(asn);
      if (org) result.asOrg = org;
    }
    return result;
  }
}

// --- the process-wide instance -----------------------------------------------------------------

const requireFromHere = createRequire(import.meta.url);
let database: IpDatabase | undefined;
let loadMs = 0;
let age: { builtAt: Date | undefined; source: IpDataAge['source'] } | undefined;

/** Whether the data is in memory yet (importing this module never loads it). */
export function isIpDataLoaded(): boolean {
  return database !== undefined;
}

/** Loads the packaged data now (once per process) and says what it cost. */
export function preloadIpData(): IpDataStats {
  if (!database) {
    const started = performance.now();
    const read = (specifier: string) => () => {
      try {
        return readFileSync(requireFromHere.resolve(specifier));
      } catch (error) {
        // A deployment problem, not bad input: the bundle was shipped without the data.
        throw new Error(`IP data file ${specifier} is not readable next to the code`, { cause: error });
      }
    };
    database = IpDatabase.fromCsv({
      asnV4: read(IP_DATA_FILES.asnV4),
      asnV6: read(IP_DATA_FILES.asnV6),
      countryV4: read(IP_DATA_FILES.countryV4),
      countryV6: read(IP_DATA_FILES.countryV6),
    });
    loadMs = Math.round(performance.now() - started);
  }
  return { loadMs, ...database.stats() };
}

/**
 * Country, AS number and AS organisation of an address; `{}` when unknown, special or malformed.
 * The first call loads the data (about 0.6 s on these machines); throws only when the data files
 * are missing from the deployment.
 */
export function lookup(ip: string): IpInfo {
  preloadIpData();
  return (database as IpDatabase).lookup(ip);
}

/**
 * How old the packaged data is. The packages' versions encode the build time
 * (2.3.2026061719 -> 2026-06-17); the older of the two counts. Falls back to the data files'
 * mtime (which npm sets to the install time, so it flatters the age). Does not load the data.
 */
export function dataAge(now: Date = new Date()): IpDataAge {
  age ??= readAge();
  if (!age.builtAt) return { builtAt: 'unknown', days: Number.POSITIVE_INFINITY, source: 'unknown' };
  return {
    builtAt: age.builtAt.toISOString().slice(0, 10),
    days: Math.max(0, Math.floor((now.getTime() - age.builtAt.getTime()) / 86_400_000)),
    source: age.source,
  };
}

/** The build date a package version encodes (major.minor.YYYYMMDDhh), if it does. */
export function buildDateFromVersion(version: string): Date | undefined {
  const match = /^\d+\.\d+\.(\d{4})(\d{2})(\d{2})\d{0,2}$/.exec(version);
  if (!match) return undefined;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCMonth() === m - 1 && date.getUTCDate() === d ? date : undefined;
}

function readAge(): { builtAt: Date | undefined; source: IpDataAge['source'] } {
  const oldest = (dates: (Date | undefined)[]) =>
    dates.every((d) => d) ? new Date(Math.min(...dates.map((d) => (d as Date).getTime()))) : undefined;
  const fromVersions = oldest(
    IP_DATA_PACKAGES.map((pkg) => {
      try {
        const json = JSON.parse(readFileSync(requireFromHere.resolve(`${pkg}/package.json`), 'utf8'));
        return typeof json.version === 'string' ? buildDateFromVersion(json.version) : undefined;
      } catch {
        return undefined;
      }
    }),
  );
  if (fromVersions) return { builtAt: fromVersions, source: 'package-version' };
  const fromFiles = oldest(
    Object.values(IP_DATA_FILES).map((specifier) => {
      try {
        const mtime = statSync(requireFromHere.resolve(specifier)).mtime;
        // npm packs tarballs with a fixed 1985 mtime; such a date says nothing.
        return mtime.getUTCFullYear() >= 2015 ? mtime : undefined;
      } catch {
        return undefined;
      }
    }),
  );
  return fromFiles ? { builtAt: fromFiles, source: 'file-mtime' } : { builtAt: undefined, source: 'unknown' };
}
