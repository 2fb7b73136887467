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
 * handler's module scope to move it into the Lambda INIT phase instead). How the files become
 * tables, and which addresses never have data: shared/adapters/ip-database.ts.
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
import { IpDatabase, type IpDataSources, type IpDataStats, type IpInfo } from './ip-database.js';

export interface IpDataAge {
  /** The date the data was built (YYYY-MM-DD), or 'unknown'. */
  builtAt: string;
  /** Whole days since then; Infinity when unknown. */
  days: number;
  /** Where the date came from: the package version (which encodes it) or the file's mtime. */
  source: 'package-version' | 'file-mtime' | 'unknown';
}

/** The packages and files read, as module specifiers (what a bundler must ship). */
const IP_DATA_PACKAGES = ['@ip-location-db/asn', '@ip-location-db/geo-whois-asn-country'] as const;
const IP_DATA_FILES = {
  asnV4: '@ip-location-db/asn/asn-ipv4-num.csv',
  asnV6: '@ip-location-db/asn/asn-ipv6.csv',
  countryV4: '@ip-location-db/geo-whois-asn-country/geo-whois-asn-country-ipv4-num.csv',
  countryV6: '@ip-location-db/geo-whois-asn-country/geo-whois-asn-country-ipv6.csv',
} as const satisfies Record<keyof IpDataSources, string>;

/** Everything a deployed function needs beside its bundle: the data, the versions (data age), the licences. */
export const IP_DATA_SHIPPED_FILES = [
  ...Object.values(IP_DATA_FILES),
  ...IP_DATA_PACKAGES.map((pkg) => `${pkg}/package.json`),
  '@ip-location-db/asn/DBIP-LICENSE',
  '@ip-location-db/asn/ROUTEVIEWS-LICENSE',
  '@ip-location-db/asn/NRO_LICENSE',
  '@ip-location-db/geo-whois-asn-country/NRO_LICENSE',
];

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
