/**
 * The in-memory IP database (DESIGN.md §6, network signals): the four CSV files of ip-location-db
 * (shared/adapters/ip-data.ts says which and where from) read into step-function tables
 * (shared/adapters/ip-step-tables.ts), then read-only. Private, loopback, link-local, CGNAT,
 * documentation and multicast addresses always give `{}` (the country file wrongly tags parts of
 * 172.16/12 and 192.168/16 as AU).
 */
import {
  findV4,
  findV6,
  type StepBuilder,
  type V4Table,
  type V6Table,
  v4Builder,
  v4Table,
  v6Builder,
  v6Table,
} from './ip-step-tables.js';
import { isSpecialV4, isSpecialV6, mappedV4, parseIPv4, parseIPv6, v6Words } from './ip-words.js';

export interface IpInfo {
  /** ISO 3166-1 alpha-2, upper case. */
  country?: string;
  asn?: number;
  asOrg?: string;
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

/** The four files' bytes, or functions that read them. */
export type IpDataSources = Record<'asnV4' | 'asnV6' | 'countryV4' | 'countryV6', Buffer | (() => Buffer)>;

const MAX_V4 = 0xffff_ffff;

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
    const mapped = mappedV4(v6);
    if (mapped !== undefined) return this.lookupV4(mapped);
    if (isSpecialV6(v6)) return {};
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
    if (isSpecialV4(ip)) return {};
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
