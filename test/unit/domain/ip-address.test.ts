/**
 * Address text as ipaddr.js reads it, held to the forms a gateway reports: what the library would
 * read more loosely (inet_aton forms, a mapped "::1.2.3.4") is refused or read as RFC 4291 says.
 */
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { ipPrefix, mappedIPv4, readIPv4, readIPv6 } from '../../../shared/domain/ip-address.js';

describe('readIPv4', () => {
  it.each([
    ['0.0.0.0', [0, 0, 0, 0]],
    ['192.0.2.1', [192, 0, 2, 1]],
    ['255.255.255.255', [255, 255, 255, 255]],
  ])('reads %s', (text, octets) => {
    // Act / Assess
    expect(readIPv4(text)).toEqual(octets);
  });

  it.each([
    // inet_aton forms ipaddr.js reads on its own (as 127.0.0.1, 8.8.8.8 ...)
    '127.1',
    '127.0.1',
    '0x7f.1',
    '0x7f.0.0.1',
    '0177.0.0.1',
    '2130706433',
    '8.8.2056',
    // Leading zeros: octal to some parsers, decimal to others
    '010.8.8.8',
    '1.2.3.04',
    '00.0.0.0',
    '256.1.1.1',
    '1.2.3',
    '1.2.3.4.5',
    '1.2.3.4.',
    ' 1.2.3.4',
    '1.2.3.4%eth0',
    '١.1.1.1',
    '::1',
    '',
  ])('refuses %j', (text) => {
    // Act / Assess
    expect(readIPv4(text)).toBeUndefined();
  });

  it('refuses what the library alone would accept', () => {
    // Assess (the reason for the stricter check): ipaddr.js reads these as addresses
    expect(ipaddr.isValid('0x7f.1')).toBe(true);
    expect(ipaddr.IPv4.parse('8.8.2056').toString()).toBe('8.8.8.8');
    expect(readIPv4('0x7f.1')).toBeUndefined();
    expect(readIPv4('8.8.2056')).toBeUndefined();
  });

  it('says nothing, without throwing, for values that are not strings', () => {
    // Act / Assess
    for (const value of [null, undefined, 42, {}])
      expect(readIPv4(value as unknown as string)).toBeUndefined();
  });
});

describe('readIPv6', () => {
  it.each([
    ['::', [0, 0, 0, 0, 0, 0, 0, 0]],
    ['::1', [0, 0, 0, 0, 0, 0, 0, 1]],
    ['1::', [1, 0, 0, 0, 0, 0, 0, 0]],
    ['2001:DB8::8:800:200C:417A', [0x2001, 0xdb8, 0, 0, 8, 0x800, 0x200c, 0x417a]],
    ['1:2:3:4:5:6:7::', [1, 2, 3, 4, 5, 6, 7, 0]],
    ['::2:3:4:5:6:7:8', [0, 2, 3, 4, 5, 6, 7, 8]],
    ['::ffff:192.0.2.128', [0, 0, 0, 0, 0, 0xffff, 0xc000, 0x0280]],
    ['1:2:3:4:5:6:1.2.3.4', [1, 2, 3, 4, 5, 6, 0x0102, 0x0304]],
    // IPv4-compatible (deprecated), not mapped: ipaddr.js alone would turn it into ::ffff:1.2.3.4
    ['::1.2.3.4', [0, 0, 0, 0, 0, 0, 0x0102, 0x0304]],
  ])('reads %s', (text, groups) => {
    // Act / Assess
    expect(readIPv6(text)).toEqual({ groups });
  });

  it.each([
    ['fe80::1%eth0', 'eth0'],
    ['fe80::1%en-0.5', 'en-0.5'],
    ['fe80::1%', ''],
    ['::ffff:1.2.3.4%25', '25'],
  ])('keeps the zone id of %j apart, unchecked', (text, zone) => {
    // Act / Assess
    expect(readIPv6(text)?.zone).toBe(zone);
  });

  it.each([
    '',
    ':',
    ':::',
    ':1::',
    '1::2::3',
    '2001:db8:::1',
    '12345::1',
    '00001::',
    'g::1',
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8:9',
    '1::3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7:1.2.3.4',
    // An IPv4 part anywhere but at the end
    '1.2.3.4::',
    '1.2.3.4::1',
    // IPv4 tails as loose as ipaddr.js would read them
    '::ffff:0x7f.0.0.1',
    '::ffff:010.8.8.8',
    '::ffff:127.1',
    '::ffff:256.1.1.1',
    '%eth0',
    '1.2.3.4%a:b:c:d:e:f',
    ' ::1',
    '1.2.3.4',
  ])('refuses %j', (text) => {
    // Act / Assess
    expect(readIPv6(text)).toBeUndefined();
  });
});

describe('mappedIPv4', () => {
  it('finds the IPv4 address in ::ffff:0:0/96 only', () => {
    // Act / Assess
    expect(mappedIPv4([0, 0, 0, 0, 0, 0xffff, 0x0808, 0x0808])).toEqual([8, 8, 8, 8]);
    expect(mappedIPv4([0, 0, 0, 0, 0, 0, 0x0808, 0x0808])).toBeUndefined();
    expect(mappedIPv4([0, 0, 0, 0, 0xffff, 0, 0x0808, 0x0808])).toBeUndefined();
    expect(mappedIPv4([0xffff, 0x0808, 0x0808])).toBeUndefined();
    expect(mappedIPv4([0, 0, 0, 0, 0, 0x1_0000, 0, 0])).toBeUndefined();
  });
});

describe('ipPrefix edge cases', () => {
  it.each([
    ['::ffff:808:808', '8.8.8.0/24'],
    ['::FFFF:8.8.8.8', '8.8.8.0/24'],
    ['::1.2.3.4', '::/48'],
    ['fe80::1%', 'fe80::/48'],
    ['fe80::1%en-0.5', 'fe80::/48'],
    ['2001:db8:0:1::1', '2001:db8::/48'],
    ['1:2:3:4:5:6:7::', '1:2:3::/48'],
  ])('gives %j the prefix %j', (ip, prefix) => {
    // Act / Assess
    expect(ipPrefix(ip)).toBe(prefix);
  });

  it.each([
    '127.1',
    '0x7f.0.0.1',
    '2130706433',
    '::ffff:0x7f.0.0.1',
    // Read as decimal before ipaddr.js (1.2.3.0/24); now refused: octal to some parsers
    '010.1.2.3',
    '::ffff:01.2.3.4',
    // Accepted before as 102:304::/48; not IPv6 text (RFC 4291 puts the IPv4 part last)
    '1.2.3.4::',
    '1.2.3.4::1',
    '1.2.3.4%eth0',
  ])('gives nothing for %j', (ip) => {
    // Act / Assess
    expect(ipPrefix(ip)).toBeUndefined();
  });

  it('says nothing, without throwing, for values that are not strings', () => {
    // Act / Assess
    for (const value of [null, undefined, 42]) expect(ipPrefix(value as unknown as string)).toBeUndefined();
  });
});
