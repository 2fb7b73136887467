import { describe, expect, it } from 'vitest';
import { COUNTRY_CENTROIDS } from '../../../shared/domain/countries.js';
import { ipPrefix } from '../../../shared/domain/ip-address.js';
import { classifyNetwork, KNOWN_NETWORKS } from '../../../shared/domain/known-networks.js';
import { DEFAULT_NETWORK_POLICY, type NetworkPolicy } from '../../../shared/domain/network-policy.js';
import { type NetworkInput, networkSignals } from '../../../shared/domain/network-signals.js';
import { distanceKm, impossibleTravel } from '../../../shared/domain/travel.js';

const now = new Date('2026-11-21T10:00:00Z');
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000).toISOString();

/** A home broadband connection in the person's usual country, with fresh IP data. */
const input = (overrides: Partial<NetworkInput> = {}): NetworkInput => ({
  ip: { country: 'GB', asn: 2856, asOrg: 'British Telecommunications PLC' },
  sourceIp: '81.2.69.142',
  previous: [],
  usualCountries: ['GB'],
  corporateAsns: [],
  now,
  dataAgeDays: 3,
  ...overrides,
});

const codes = (reasons: { code: string }[]) => reasons.map((r) => r.code);
const only = (reasons: ReturnType<typeof networkSignals>, code: string) => {
  const found = reasons.filter((r) => r.code === code);
  expect(found).toHaveLength(1);
  return found[0] as (typeof found)[number];
};

describe('networkSignals', () => {
  it('says nothing about a home connection in a usual country with fresh data', () => {
    // Act / Assess
    expect(networkSignals(input())).toEqual([]);
  });

  it('flags a curated hosting provider with its name and AS number', () => {
    // Act
    const reasons = networkSignals(
      input({ ip: { country: 'GB', asn: 14061, asOrg: 'DigitalOcean, LLC' }, sourceIp: '167.99.1.2' }),
    );

    // Assess
    expect(reasons).toEqual([
      {
        code: 'HOSTING_NETWORK',
        category: 'network',
        points: DEFAULT_NETWORK_POLICY.hosting,
        evidence: 'hosting AS (known): AS14061 DigitalOcean, LLC, 167.99.1.0/24',
        message: 'Connection from a hosting provider (DigitalOcean, AS14061): not a home or mobile network',
      },
    ]);
  });

  it('flags a network whose name suggests hosting, for fewer points', () => {
    // Act
    const reason = only(
      networkSignals(input({ ip: { country: 'GB', asn: 64999, asOrg: 'Example Hosting Ltd' } })),
      'HOSTING_NETWORK',
    );

    // Assess
    expect(reason.points).toBe(DEFAULT_NETWORK_POLICY.hostingKeyword);
    expect(reason.points).toBeLessThan(DEFAULT_NETWORK_POLICY.hosting);
    expect(reason.evidence).toContain('(by name)');
    expect(reason.message).toContain('name suggests a hosting provider (Example Hosting Ltd, AS64999)');
  });

  it.each([
    ['a curated VPN AS', 39351, '31173 Services AB', 'Mullvad VPN'],
    ['NordVPN infrastructure', 207137, 'PacketHub S.A.', 'NordVPN (PacketHub)'],
    ['"VPN" in the organisation name', 64998, 'Example VPN Ltd', 'Example VPN Ltd'],
  ])('flags %s as a VPN', (_, asn, asOrg, name) => {
    // Act
    const reason = only(networkSignals(input({ ip: { country: 'GB', asn, asOrg } })), 'VPN_NETWORK');

    // Assess
    expect(reason.points).toBe(DEFAULT_NETWORK_POLICY.vpn);
    expect(reason.message).toBe(
      `Connection from a VPN or proxy provider (${name}, AS${asn}): the real location is hidden`,
    );
  });

  it('does not take AS31173 for Mullvad, nor an ISP that merely has VPN in its name', () => {
    // Act / Assess
    expect(classifyNetwork(31173, '"MEDIANA-TREID" PP')).toBeUndefined();
    expect(classifyNetwork(263097, 'VPN INFRAESTRUTURA DE REDES LTDA.')).toBeUndefined();
  });

  it('gives a privacy relay few points and says why', () => {
    // Act
    const reason = only(
      networkSignals(input({ ip: { country: 'GB', asn: 36183, asOrg: 'Akamai Technologies, Inc.' } })),
      'PRIVACY_RELAY',
    );

    // Assess
    expect(reason.points).toBe(DEFAULT_NETWORK_POLICY.privacyRelay);
    expect(reason.message).toContain('iCloud Private Relay');
  });

  it('flags a Tor exit from the supplied list, as the hard-rule code', () => {
    // Act
    const reasons = networkSignals(
      input({
        ip: { country: 'DE', asn: 60729, asOrg: 'Stiftung Erneuerbare Freiheit' },
        usualCountries: ['DE'],
        sourceIp: '185.220.101.1',
        torExitIps: new Set(['185.220.101.1']),
      }),
    );

    // Assess
    const tor = only(reasons, 'TOR_EXIT');
    expect(tor.points).toBe(10);
    expect(tor.evidence).toBe('Tor exit list, 185.220.101.0/24');
  });

  it('matches Tor exits case-insensitively and not without a list', () => {
    // Arrange
    const ip = { country: 'DE', asn: 60729 };

    // Act / Assess
    expect(
      codes(
        networkSignals(
          input({
            ip,
            usualCountries: ['DE'],
            sourceIp: '2001:DB8::1',
            torExitIps: new Set(['2001:db8::1']),
          }),
        ),
      ),
    ).toEqual(['TOR_EXIT']);
    expect(codes(networkSignals(input({ ip, usualCountries: ['DE'], sourceIp: '185.220.101.1' })))).toEqual(
      [],
    );
  });

  it('flags a country outside the usual ones, naming both', () => {
    // Act
    const reason = only(
      networkSignals(
        input({ ip: { country: 'ro', asn: 8708, asOrg: 'RCS & RDS' }, usualCountries: ['gb', 'IE'] }),
      ),
      'UNUSUAL_COUNTRY',
    );

    // Assess
    expect(reason.points).toBe(DEFAULT_NETWORK_POLICY.unusualCountry);
    expect(reason.evidence).toBe('RO not in GB, IE; AS8708 RCS & RDS, 81.2.69.0/24');
    expect(reason.message).toBe(
      'Connection from Romania, not one of the countries this person usually connects from (the United Kingdom, Ireland)',
    );
  });

  it('has no usual-country check without usual countries', () => {
    // Act / Assess
    expect(networkSignals(input({ usualCountries: [], ip: { country: 'JP', asn: 2516 } }))).toEqual([]);
  });

  it('flags impossible travel from a recent sighting far away', () => {
    // Act
    const reason = only(
      networkSignals(
        input({
          ip: { country: 'US', asn: 7922, asOrg: 'Comcast Cable Communications, LLC' },
          usualCountries: ['GB', 'US'],
          previous: [{ country: 'GB', at: hoursAgo(2) }],
        }),
      ),
      'IMPOSSIBLE_TRAVEL',
    );

    // Assess
    expect(reason.points).toBe(DEFAULT_NETWORK_POLICY.impossibleTravel);
    expect(reason.evidence).toBe('GB -> US: 6,830 km in 2.0 h (3,415 km/h)');
    expect(reason.message).toBe(
      'Seen in the United Kingdom 2 hours ago and now in the United States: 6,830 km in that time is faster than a plane',
    );
  });

  it('says how long ago in minutes under two hours', () => {
    // Act
    const reason = only(
      networkSignals(
        input({
          ip: { country: 'JP', asn: 2516 },
          usualCountries: [],
          previous: [{ country: 'GB', at: hoursAgo(1.5) }],
        }),
      ),
      'IMPOSSIBLE_TRAVEL',
    );

    // Assess
    expect(reason.message).toMatch(/^Seen in the United Kingdom 90 minutes ago and now in Japan: /);
  });

  it('does not flag travel that a plane could make, or a sighting in the same country', () => {
    // Act / Assess
    const ip = { country: 'US', asn: 7922 };
    expect(
      codes(
        networkSignals(
          input({
            ip,
            usualCountries: ['GB', 'US'],
            previous: [
              { country: 'GB', at: hoursAgo(9) },
              { country: 'US', at: hoursAgo(0.1) },
            ],
          }),
        ),
      ),
    ).toEqual([]);
  });

  it('skips place checks for corporate egress, which vouches with a credit', () => {
    // Act
    const reasons = networkSignals(
      input({
        ip: { country: 'US', asn: 8075, asOrg: 'Microsoft Corporation' },
        corporateAsns: [8075],
        previous: [{ country: 'GB', at: hoursAgo(1) }],
      }),
    );

    // Assess: no hosting, no unusual country, no impossible travel
    expect(reasons).toEqual([
      {
        code: 'CORPORATE_EGRESS',
        category: 'network',
        points: DEFAULT_NETWORK_POLICY.corporateEgress,
        evidence: 'corporate AS: AS8075 Microsoft Corporation, 81.2.69.0/24',
        message: "Connection from the company's own network (Microsoft Corporation, AS8075)",
      },
    ]);
    expect(reasons[0]?.points).toBeLessThan(0);
  });

  it('says when there is no IP data, for zero points, and runs no other data check', () => {
    // Act
    const reasons = networkSignals(
      input({ ip: {}, sourceIp: '10.1.2.3', previous: [{ country: 'JP', at: hoursAgo(1) }] }),
    );

    // Assess
    expect(reasons).toEqual([
      {
        code: 'IP_DATA_UNKNOWN',
        category: 'network',
        points: 0,
        evidence: 'no country or AS for 10.1.2.0/24',
        message:
          'No location or network data for this address (private, new or unlisted range): network checks could not run',
      },
    ]);
  });

  it('reports stale or unknown-age IP data for zero points', () => {
    // Act
    const stale = only(networkSignals(input({ dataAgeDays: 400 })), 'IP_DATA_STALE');
    const unknown = only(networkSignals(input({ dataAgeDays: Number.POSITIVE_INFINITY })), 'IP_DATA_STALE');

    // Assess
    expect(stale).toMatchObject({ points: 0, evidence: 'IP data 400 days old (limit 365)' });
    expect(stale.message).toBe('The IP location data is 400 days old: network checks may be less accurate');
    expect(unknown).toMatchObject({ points: 0, evidence: 'IP data age unknown' });
    expect(codes(networkSignals(input({ dataAgeDays: 365 })))).toEqual([]);
  });

  it('adds every applicable reason uncapped: capping is the scorer’s job', () => {
    // Act
    const reasons = networkSignals(
      input({
        ip: { country: 'NL', asn: 39351, asOrg: '31173 Services AB' },
        sourceIp: '185.65.134.1',
        usualCountries: ['AU'],
        previous: [{ country: 'AU', at: hoursAgo(1) }],
        torExitIps: new Set(['185.65.134.1']),
        dataAgeDays: 400,
      }),
    );

    // Assess
    expect(codes(reasons).sort()).toEqual(
      ['IMPOSSIBLE_TRAVEL', 'IP_DATA_STALE', 'TOR_EXIT', 'UNUSUAL_COUNTRY', 'VPN_NETWORK'].sort(),
    );
    expect(reasons.reduce((sum, r) => sum + r.points, 0)).toBe(10 + 4 + 2 + 4);
  });

  it('takes every number from the policy', () => {
    // Arrange
    const policy: NetworkPolicy = {
      ...DEFAULT_NETWORK_POLICY,
      hosting: 7,
      unusualCountry: 0.5,
      impossibleTravel: 9,
      impossibleTravelKmh: 100,
      maxDataAgeDays: 2,
    };

    // Act
    const reasons = networkSignals(
      input({
        ip: { country: 'FR', asn: 16276, asOrg: 'OVH SAS' },
        previous: [{ country: 'GB', at: hoursAgo(6) }],
      }),
      policy,
    );

    // Assess: ~1,000 km in 6 h is 170 km/h, over the 100 km/h of this policy
    expect(reasons.map((r) => [r.code, r.points])).toEqual([
      ['HOSTING_NETWORK', 7],
      ['UNUSUAL_COUNTRY', 0.5],
      ['IMPOSSIBLE_TRAVEL', 9],
      ['IP_DATA_STALE', 0],
    ]);
  });

  it('never puts the full address in evidence or messages', () => {
    // Arrange
    const sourceIp = '2a01:4f8:c17:1234::42';

    // Act
    const reasons = networkSignals(
      input({
        ip: { country: 'DE', asn: 24940, asOrg: 'Hetzner Online GmbH' },
        sourceIp,
        usualCountries: ['GB'],
        torExitIps: new Set([sourceIp]),
        dataAgeDays: 100,
      }),
    );

    // Assess
    expect(reasons.length).toBeGreaterThan(2);
    for (const r of reasons) {
      expect(r.category).toBe('network');
      expect(`${r.evidence} ${r.message}`).not.toContain(sourceIp);
      expect(`${r.evidence} ${r.message}`).not.toContain('1234');
    }
    expect(only(reasons, 'HOSTING_NETWORK').evidence).toContain('2a01:4f8:c17::/48');
  });
});

describe('ipPrefix', () => {
  it.each([
    ['203.0.113.77', '203.0.113.0/24'],
    [' 8.8.8.8 ', '8.8.8.0/24'],
    ['2001:4860:4860::8888', '2001:4860:4860::/48'],
    ['2001:db8::1', '2001:db8::/48'],
    ['2001:0db8:0000:0001:0000:0000:0000:0001', '2001:db8::/48'],
    ['::1', '::/48'],
    ['0:5::1', '0:5::/48'],
    ['fe80::1%eth0', 'fe80::/48'],
    ['::ffff:192.0.2.128', '192.0.2.0/24'],
    ['2001:DB8:ABCD:12::1', '2001:db8:abcd::/48'],
  ])('gives %j the prefix %j', (ip, prefix) => {
    // Act / Assess
    expect(ipPrefix(ip)).toBe(prefix);
  });

  it.each([
    '',
    'nonsense',
    '256.1.1.1',
    '1.2.3',
    '1.2.3.4.5',
    '1::2::3',
    '2001:db8:::1',
    '12345::1',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
  ])('gives nothing for %j', (ip) => {
    // Act / Assess
    expect(ipPrefix(ip)).toBeUndefined();
  });
});

describe('impossible travel maths', () => {
  it('measures great-circle distances', () => {
    // Act / Assess: London-New York is about 5,570 km; a quarter meridian 10,008 km
    expect(distanceKm({ lat: 51.5074, lon: -0.1278 }, { lat: 40.7128, lon: -74.006 })).toBeCloseTo(5570, -1);
    expect(distanceKm({ lat: 0, lon: 0 }, { lat: 90, lon: 0 })).toBeCloseTo(10_007.5, 0);
    expect(distanceKm({ lat: 10, lon: 179.5 }, { lat: 10, lon: -179.5 })).toBeLessThan(120);
  });

  it('computes speed from the centroids and the elapsed time', () => {
    // Arrange: centroid to centroid, GB (55.4, -3.4) to JP (36.2, 138.3)
    const km = distanceKm({ lat: 55.4, lon: -3.4 }, { lat: 36.2, lon: 138.3 });

    // Act
    const travel = impossibleTravel('JP', [{ country: 'GB', at: hoursAgo(4) }], now);

    // Assess
    expect(travel).toEqual({ from: 'GB', to: 'JP', km, hours: 4, kmh: km / 4 });
    expect(km).toBeGreaterThan(9000);
  });

  it('fires just above the speed limit, not just below', () => {
    // Arrange
    const km = distanceKm({ lat: 55.4, lon: -3.4 }, { lat: 36.2, lon: 138.3 });
    const hours = km / DEFAULT_NETWORK_POLICY.impossibleTravelKmh;

    // Act / Assess
    expect(impossibleTravel('JP', [{ country: 'GB', at: hoursAgo(hours * 1.001) }], now)).toBeUndefined();
    expect(impossibleTravel('JP', [{ country: 'GB', at: hoursAgo(hours * 0.999) }], now)).toBeDefined();
  });

  it('prefers a sighting’s own coordinates to its country centre', () => {
    // Arrange: seen in Vancouver an hour ago (the CA centre is far from there)
    const previous = [{ country: 'CA', at: hoursAgo(1), lat: 49.28, lon: -123.12 }];

    // Act
    const travel = impossibleTravel('US', previous, now);

    // Assess
    expect(travel?.km).toBeCloseTo(distanceKm({ lat: 49.28, lon: -123.12 }, { lat: 37.1, lon: -95.7 }), 6);
  });

  it('picks the fastest of several sightings and ignores bad ones', () => {
    // Act
    const travel = impossibleTravel(
      'AU',
      [
        { country: 'GB', at: hoursAgo(10) },
        { country: 'DE', at: hoursAgo(3) },
        { at: hoursAgo(1) },
        { country: 'FR', at: 'not a date' },
        { country: 'ZZ', at: hoursAgo(1) },
        { country: 'US', at: new Date(now.getTime() + 3_600_000).toISOString() },
      ],
      now,
    );

    // Assess
    expect(travel?.from).toBe('DE');
    expect(travel?.hours).toBe(3);
  });

  it('treats a sighting at the same instant as a minute ago, and ignores close neighbours', () => {
    // Act / Assess: Belgium and the Netherlands are ~180 km apart, under the 500 km floor
    expect(impossibleTravel('NL', [{ country: 'BE', at: now.toISOString() }], now)).toBeUndefined();
    expect(impossibleTravel('ES', [{ country: 'DE', at: now.toISOString() }], now)?.hours).toBeCloseTo(
      1 / 60,
      6,
    );
  });

  it('knows the centre of every country the IP data uses, with valid coordinates', () => {
    // Act / Assess
    const entries = Object.entries(COUNTRY_CENTROIDS);
    expect(entries.length).toBeGreaterThanOrEqual(250);
    for (const [code, [lat, lon, name]] of entries) {
      expect(code).toMatch(/^[A-Z]{2}$/);
      expect(Math.abs(lat)).toBeLessThanOrEqual(90);
      expect(Math.abs(lon)).toBeLessThanOrEqual(180);
      expect(name.length).toBeGreaterThan(2);
    }
  });
});

describe('KNOWN_NETWORKS', () => {
  it('lists the well-known clouds, hosts and VPNs', () => {
    // Act / Assess
    for (const asn of [
      16509, 14618, 15169, 396982, 8075, 14061, 16276, 24940, 63949, 20473, 31898, 45102, 12876,
    ]) {
      expect(KNOWN_NETWORKS.get(asn)?.kind).toBe('hosting');
    }
    for (const asn of [51167, 9009, 60781, 16265]) expect(KNOWN_NETWORKS.get(asn)?.kind).toBe('hosting');
    for (const asn of [39351, 136787, 62371, 203619]) expect(KNOWN_NETWORKS.get(asn)?.kind).toBe('vpn');
    expect(KNOWN_NETWORKS.has(31173)).toBe(false);
  });
});
