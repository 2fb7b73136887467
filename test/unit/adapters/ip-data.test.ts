import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildDateFromVersion,
  dataAge,
  isIpDataLoaded,
  lookup,
  preloadIpData,
} from '../../../shared/adapters/ip-data.js';
import { IpDatabase } from '../../../shared/adapters/ip-database.js';
import { parseIPv4, parseIPv6 } from '../../../shared/adapters/ip-words.js';

/** A small database from CSV text, in the packaged files' formats. */
const database = (csv: { asnV4?: string; asnV6?: string; countryV4?: string; countryV6?: string }) =>
  IpDatabase.fromCsv({
    asnV4: Buffer.from(csv.asnV4 ?? ''),
    asnV6: Buffer.from(csv.asnV6 ?? ''),
    countryV4: Buffer.from(csv.countryV4 ?? ''),
    countryV6: Buffer.from(csv.countryV6 ?? ''),
  });
const n4 = (ip: string) => parseIPv4(ip) as number;

describe('the packaged data', () => {
  let loadMs = 0;

  beforeAll(() => {
    // Assess (before the first lookup): importing the module loaded nothing
    expect(isIpDataLoaded()).toBe(false);
    loadMs = preloadIpData().loadMs;
  }, 30_000);

  it('loads once, in well under 3 s, into compact tables', () => {
    // Act
    const stats = preloadIpData();

    // Assess
    expect(isIpDataLoaded()).toBe(true);
    expect(stats.loadMs).toBe(loadMs);
    expect(loadMs).toBeLessThan(3000);
    expect(stats.breakpoints.asnV4).toBeGreaterThan(100_000);
    expect(stats.breakpoints.countryV6).toBeGreaterThan(50_000);
    expect(stats.organisations).toBeGreaterThan(50_000);
    expect(stats.skippedRows).toBe(0);
    expect(stats.tableBytes).toBeLessThan(32 * 1024 * 1024);
  });

  it.each([
    ['8.8.8.8', { country: 'US', asn: 15169, asOrg: 'Google LLC' }],
    ['2001:4860:4860::8888', { country: 'US', asn: 15169, asOrg: 'Google LLC' }],
    ['::ffff:8.8.8.8', { country: 'US', asn: 15169, asOrg: 'Google LLC' }],
    ['1.1.1.1', { asn: 13335, asOrg: 'Cloudflare, Inc.' }],
    ['2606:4700:4700::1111', { asn: 13335, asOrg: 'Cloudflare, Inc.' }],
    ['5.9.0.1', { country: 'DE', asn: 24940, asOrg: 'Hetzner Online GmbH' }],
    ['2a01:4f8::1', { country: 'DE', asn: 24940 }],
    // Geofeeds: an AWS address in Ireland is IE, not the US where the AS is registered
    ['52.16.0.1', { country: 'IE', asn: 16509 }],
    ['193.0.6.139', { country: 'NL', asn: 3333 }],
  ])('resolves %s', (ip, expected) => {
    // Act / Assess
    expect(lookup(ip)).toMatchObject(expected);
  });

  it('unquotes organisation names', () => {
    // Act / Assess: the file has "LLC ""SPUTNIK""" for AS201907
    expect(lookup('2.26.200.1')).toMatchObject({ asn: 201907, asOrg: 'LLC "SPUTNIK"' });
  });

  it.each([
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.10',
    '127.0.0.1',
    '100.64.0.1',
    '169.254.169.254',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '192.0.2.1',
    '::1',
    '::',
    'fe80::1',
    'fd00::1',
    'ff02::1',
    '2001:db8::1',
    '::ffff:10.0.0.1',
  ])('gives nothing for the special address %s', (ip) => {
    // Act / Assess
    expect(lookup(ip)).toEqual({});
  });

  it.each([
    '',
    ' ',
    'nonsense',
    '256.1.1.1',
    '1.2.3',
    '01.2.3.4.5',
    '1::2::3',
    'fe80::1%eth0',
    '8.8.8.8, 1.1.1.1',
    'x'.repeat(10_000),
    null,
    undefined,
    42,
  ])('gives nothing, without throwing, for the malformed %j', (ip) => {
    // Act / Assess
    expect(lookup(ip as string)).toEqual({});
  });

  it('dates the data from the package version, without loading it', () => {
    // Act
    const age = dataAge(new Date('2026-11-21T10:00:00Z'));

    // Assess
    expect(age.source).toBe('package-version');
    expect(age.builtAt).toMatch(/^20\d\d-\d\d-\d\d$/);
    expect(age.days).toBe(
      Math.floor((Date.parse('2026-11-21T10:00:00Z') - Date.parse(age.builtAt)) / 86_400_000),
    );
  });
});

describe('buildDateFromVersion', () => {
  it.each([
    ['2.3.2026061719', '2026-06-17'],
    ['2.3.20250402', '2025-04-02'],
  ])('reads %s as %s', (version, date) => {
    // Act / Assess
    expect(buildDateFromVersion(version)?.toISOString().slice(0, 10)).toBe(date);
  });

  it.each(['1.0.0', '2.3.2026133119', '2.3.2026023012', 'latest'])('finds no date in %s', (version) => {
    // Act / Assess
    expect(buildDateFromVersion(version)).toBeUndefined();
  });
});

describe('IpDatabase', () => {
  it('finds the range holding an address, its bounds included', () => {
    // Arrange
    const db = database({
      asnV4: `${n4('1.0.0.0')},${n4('1.0.0.255')},13335,"Cloudflare, Inc."\n${n4('1.0.4.0')},${n4('1.0.7.255')},38803,Gtelecom Pty Ltd\n`,
      countryV4: `${n4('1.0.0.0')},${n4('1.0.0.255')},AU\n`,
    });

    // Act / Assess
    expect(db.lookup('1.0.0.0')).toEqual({ country: 'AU', asn: 13335, asOrg: 'Cloudflare, Inc.' });
    expect(db.lookup('1.0.0.255')).toEqual({ country: 'AU', asn: 13335, asOrg: 'Cloudflare, Inc.' });
    expect(db.lookup('1.0.1.0')).toEqual({});
    expect(db.lookup('1.0.7.255')).toEqual({ asn: 38803, asOrg: 'Gtelecom Pty Ltd' });
    expect(db.lookup('1.0.8.0')).toEqual({});
    expect(db.lookup('0.255.255.255')).toEqual({});
  });

  it('lets a nested range win inside the range around it, as geofeeds over whois', () => {
    // Arrange: DE around a BE single address and a TR block, then DE again
    const db = database({
      countryV4: [
        `${n4('2.58.196.0')},${n4('2.58.197.255')},DE`,
        `${n4('2.58.197.15')},${n4('2.58.197.15')},BE`,
        `${n4('2.58.197.40')},${n4('2.58.197.47')},TR`,
        `${n4('2.58.197.44')},${n4('2.58.197.45')},GR`,
      ].join('\n'),
    });

    // Act / Assess
    const country = (ip: string) => db.lookup(ip).country;
    expect(country('2.58.197.14')).toBe('DE');
    expect(country('2.58.197.15')).toBe('BE');
    expect(country('2.58.197.16')).toBe('DE');
    expect(country('2.58.197.40')).toBe('TR');
    expect(country('2.58.197.44')).toBe('GR');
    expect(country('2.58.197.46')).toBe('TR');
    expect(country('2.58.197.48')).toBe('DE');
    expect(country('2.58.197.255')).toBe('DE');
    expect(country('2.58.198.0')).toBeUndefined();
  });

  it('gives a partial overlap to the later range and skips rows out of order', () => {
    // Arrange
    const db = database({
      asnV4: `${n4('9.0.0.0')},${n4('9.0.0.20')},1,A\n${n4('9.0.0.10')},${n4('9.0.0.30')},2,B\n${n4('9.0.0.5')},${n4('9.0.0.6')},3,C\n`,
    });

    // Act / Assess
    expect(db.lookup('9.0.0.9').asn).toBe(1);
    expect(db.lookup('9.0.0.10').asn).toBe(2);
    expect(db.lookup('9.0.0.25').asn).toBe(2);
    expect(db.lookup('9.0.0.31').asn).toBeUndefined();
    expect(db.lookup('9.0.0.5').asn).toBe(1);
    expect(db.stats().skippedRows).toBe(1);
  });

  it('covers ranges up to the last address', () => {
    // Arrange
    const db = database({
      countryV4: `${n4('230.0.0.0')},${n4('255.255.255.255')},ZZ\n`,
      countryV6: 'f000::,ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff,ZZ\n',
    });

    // Act / Assess: reserved space, so only the tables can tell
    expect(db.stats().breakpoints.countryV4).toBe(2);
    expect(db.stats().breakpoints.countryV6).toBe(2);
  });

  it('reads IPv6 ranges, nested and compressed, to the last bit', () => {
    // Arrange
    const db = database({
      asnV6: '2001:200::,2001:200:1b9:ffff:ffff:ffff:ffff:ffff,2500,WIDE Project\n',
      countryV6: [
        '2001:420:4000::,2001:420:7fff:ffff:ffff:ffff:ffff:ffff,JP',
        '2001:420:4000::,2001:420:4fff:ffff:ffff:ffff:ffff:ffff,NL',
        '2001:420:4000::,2001:420:40ff:ffff:ffff:ffff:ffff:ffff,GB',
        '2001:420:4100::,2001:420:447f:ffff:ffff:ffff:ffff:ffff,US',
        '2a00::1:0,2a00::1:5,FR',
      ].join('\n'),
    });

    // Act / Assess
    expect(db.lookup('2001:200:1b9:ffff:ffff:ffff:ffff:ffff')).toEqual({ asn: 2500, asOrg: 'WIDE Project' });
    expect(db.lookup('2001:200:1ba::')).toEqual({});
    expect(db.lookup('2001:420:4000::1').country).toBe('GB');
    expect(db.lookup('2001:420:40ff:ffff:ffff:ffff:ffff:ffff').country).toBe('GB');
    expect(db.lookup('2001:420:4100::').country).toBe('US');
    expect(db.lookup('2001:420:4480::').country).toBe('NL');
    expect(db.lookup('2001:420:5000::').country).toBe('JP');
    expect(db.lookup('2001:420:8000::').country).toBeUndefined();
    expect(db.lookup('2a00::1:0').country).toBe('FR');
    expect(db.lookup('2A00:0:0:0:0:0:1:5').country).toBe('FR');
    expect(db.lookup('2a00::1:6').country).toBeUndefined();
  });

  it('ignores malformed rows and carriage returns', () => {
    // Arrange
    const db = database({
      asnV4: `garbage\n1,2\n${n4('3.0.0.0')},${n4('3.0.0.255')},x,Bad\n${n4('4.0.0.0')},${n4('4.0.0.255')},64500,Good\r\n`,
      countryV4: `${n4('4.0.0.0')},${n4('4.0.0.255')},U1\n${n4('5.0.0.0')},${n4('5.0.0.255')},fr\r\n`,
    });

    // Act / Assess
    expect(db.lookup('3.0.0.1')).toEqual({});
    expect(db.lookup('4.0.0.1')).toEqual({ asn: 64500, asOrg: 'Good' });
    expect(db.lookup('5.0.0.1')).toEqual({ country: 'FR' });
  });
});

describe('address parsing', () => {
  it('reads IPv4 as an unsigned 32-bit number', () => {
    // Act / Assess
    expect(parseIPv4('255.255.255.255')).toBe(0xffff_ffff);
    expect(parseIPv4('1.0.0.0')).toBe(16_777_216);
    expect(parseIPv4('1.2.3')).toBeUndefined();
  });

  it('reads IPv6 as four 32-bit words', () => {
    // Act / Assess
    expect(parseIPv6('2001:4860:4860::8888')).toEqual([0x2001_4860, 0x4860_0000, 0, 0x8888]);
    expect(parseIPv6('::')).toEqual([0, 0, 0, 0]);
    expect(parseIPv6('::1')).toEqual([0, 0, 0, 1]);
    expect(parseIPv6('1::')).toEqual([0x0001_0000, 0, 0, 0]);
    expect(parseIPv6('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff')).toEqual([
      0xffff_ffff, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff,
    ]);
    expect(parseIPv6('::ffff:192.0.2.128')).toEqual([0, 0, 0xffff, 0xc000_0280]);
    expect(parseIPv6('64:ff9b::192.0.2.33')).toEqual([0x0064_ff9b, 0, 0, 0xc000_0221]);
    expect(parseIPv6('1:2:3:4:5:6:7:8')).toEqual([0x0001_0002, 0x0003_0004, 0x0005_0006, 0x0007_0008]);
    expect(parseIPv6('fe80::1%eth0')).toBeUndefined();
    expect(parseIPv6('1.2.3.4')).toBeUndefined();
  });
});

describe('lookup input that only a looser parser reads as an address', () => {
  it.each([
    // 8.8.8.8 to inet_aton and to ipaddr.js on its own
    '8.8.2056',
    '8.526344',
    '134744072',
    '0x8.8.8.8',
    '010.8.8.8',
    '::ffff:0x8.8.8.8',
    '::ffff:8.8.2056',
    '::ffff:010.8.8.8',
    // IPv4-compatible, not IPv4-mapped: not looked up as 8.8.8.8
    '::8.8.8.8',
    // A zone id: refused, even on a global address
    '2001:4860:4860::8888%eth0',
  ])('gives nothing for %j', (ip) => {
    // Act / Assess
    expect(lookup(ip)).toEqual({});
  });

  it('reads every way of writing an IPv4-mapped address alike', () => {
    // Act / Assess
    const google = { country: 'US', asn: 15169, asOrg: 'Google LLC' };
    for (const ip of [
      '::ffff:8.8.8.8',
      '::FFFF:8.8.8.8',
      '::ffff:808:808',
      '0:0:0:0:0:ffff:8.8.8.8',
      '\t8.8.8.8 ',
    ])
      expect(lookup(ip)).toEqual(google);
  });
});

describe('address parsing edge cases', () => {
  it('refuses IPv4 forms other than four decimal parts', () => {
    // Act / Assess
    for (const ip of ['127.1', '0x7f.0.0.1', '0177.0.0.1', '2130706433', '01.2.3.4', ' 1.2.3.4'])
      expect(parseIPv4(ip)).toBeUndefined();
  });

  it('reads an IPv4-compatible address as its 128 bits, and refuses zones and loose tails', () => {
    // Act / Assess
    expect(parseIPv6('::1.2.3.4')).toEqual([0, 0, 0, 0x0102_0304]);
    for (const ip of [
      'fe80::1%',
      'fe80::1%eth0',
      '::ffff:0x7f.0.0.1',
      '::ffff:01.2.3.4',
      '1.2.3.4::',
      ' ::1',
    ])
      expect(parseIPv6(ip)).toBeUndefined();
  });
});
