import { isPossiblePhoneNumber } from 'libphonenumber-js';
import { describe, expect, it } from 'vitest';
import {
  ADMIN_GROUPS,
  organisationAsOf,
  SEED_REFERENCE_DATE,
  seedOrganisation,
} from '../../../local/organisation.js';
import { seedDirectory } from '../../../local/seed.js';
import { areNicknames } from '../../../shared/domain/grading/nicknames.js';
import type { DirectoryUser } from '../../../shared/domain/model/person.js';

const people = seedOrganisation();
const byId = new Map(people.map((p) => [p.userId, p]));
const person = (userId: string) => byId.get(userId) as DirectoryUser;
const generated = people.slice(32);
const reference = Date.parse(`${SEED_REFERENCE_DATE}T00:00:00Z`);
const daysBeforeReference = (iso: string) => (reference - Date.parse(iso)) / 86_400_000;
const share = (count: number) => count / people.length;

/** The original 32 as tests and demos know them: userId, name, email, department, office, manager, start. */
const ORIGINAL = [
  ['u001', 'Zoë Martín', 'zoe.martin@example.com', 'Finance', 'Lisbon', 'u008', '2012-01-01'],
  ['u002', 'José Álvarez', 'jose.alvarez@example.com', 'Engineering', 'London', 'u033', '2013-02-01'],
  ['u003', "Siobhán O'Connor", 'siobhan.oconnor@example.com', 'Sales', 'Berlin', 'u033', '2014-03-01'],
  ['u004', 'Bill Henderson', 'bill.henderson@example.com', 'Human Resources', 'Austin', 'u033', '2015-04-01'],
  ['u005', 'Margaret Nguyen', 'margaret.nguyen@example.com', 'Legal', 'Toronto', 'u033', '2016-05-01'],
  ['u006', 'Łukasz Kowalski', 'lukasz.kowalski@example.com', 'Marketing', 'Lisbon', 'u033', '2017-06-01'],
  ['u007', 'Aïcha Benali', 'aicha.benali@example.com', 'Operations', 'London', 'u033', '2018-07-01'],
  ['u008', 'Søren Lindqvist', 'sren.lindqvist@example.com', 'Finance', 'Berlin', 'u033', '2019-08-01'],
  [
    'u009',
    'Priya Raghunathan',
    'priya.raghunathan@example.com',
    'Engineering',
    'Austin',
    'u002',
    '2020-09-01',
  ],
  ['u010', 'François Dubois', 'francois.dubois@example.com', 'Sales', 'Toronto', 'u003', '2021-10-01'],
  ['u011', 'Chidi Okafor', 'chidi.okafor@example.com', 'Human Resources', 'Lisbon', 'u004', '2022-11-01'],
  ['u012', 'Mei Tanaka', 'mei.tanaka@example.com', 'Legal', 'London', 'u005', '2023-12-01'],
  ['u013', 'Björn Eriksson', 'bjorn.eriksson@example.com', 'Marketing', 'Berlin', 'u006', '2012-01-01'],
  ['u014', 'Ana Sousa', 'ana.sousa@example.com', 'Operations', 'Austin', 'u007', '2013-02-01'],
  ['u015', 'Robert Fitzgerald', 'robert.fitzgerald@example.com', 'Finance', 'Toronto', 'u001', '2014-03-01'],
  ['u016', 'Elena Petrova', 'elena.petrova@example.com', 'Engineering', 'Lisbon', 'u002', '2015-04-01'],
  ['u017', 'Mateo Rossi', 'mateo.rossi@example.com', 'Sales', 'London', 'u003', '2016-05-01'],
  ['u018', 'Fatima Haddad', 'fatima.haddad@example.com', 'Human Resources', 'Berlin', 'u004', '2017-06-01'],
  ['u019', 'Kwame Mensah', 'kwame.mensah@example.com', 'Legal', 'Austin', 'u005', '2018-07-01'],
  ['u020', 'Ingrid Larsen', 'ingrid.larsen@example.com', 'Marketing', 'Toronto', 'u006', '2019-08-01'],
  ['u021', 'Dmitri Volkov', 'dmitri.volkov@example.com', 'Operations', 'Lisbon', 'u007', '2020-09-01'],
  ['u022', 'Hannah Schäfer', 'hannah.schafer@example.com', 'Finance', 'London', 'u001', '2021-10-01'],
  ['u023', 'Yusuf Demir', 'yusuf.demir@example.com', 'Engineering', 'Berlin', 'u002', '2022-11-01'],
  ['u024', 'Grace Whitfield', 'grace.whitfield@example.com', 'Sales', 'Austin', 'u003', '2023-12-01'],
  [
    'u025',
    'Tomás Ferreira',
    'tomas.ferreira@example.com',
    'Human Resources',
    'Toronto',
    'u004',
    '2012-01-01',
  ],
  ['u026', 'Nadia Rahman', 'nadia.rahman@example.com', 'Legal', 'Lisbon', 'u005', '2013-02-01'],
  ['u027', 'Oliver Brennan', 'oliver.brennan@example.com', 'Marketing', 'London', 'u006', '2014-03-01'],
  ['u028', 'Camille Laurent', 'camille.laurent@example.com', 'Operations', 'Berlin', 'u007', '2015-04-01'],
  ['u029', 'Raj Patel', 'raj.patel@example.com', 'Finance', 'Austin', 'u001', '2016-05-01'],
  ['u030', 'Leilani Kahale', 'leilani.kahale@example.com', 'Engineering', 'Toronto', 'u002', '2017-06-01'],
  ['u031', 'Sven Andersson', 'sven.andersson@example.com', 'Sales', 'Lisbon', 'u003', '2018-07-01'],
  ['u032', 'Chloé Moreau', 'chloe.moreau@example.com', 'Human Resources', 'London', 'u004', '2019-08-01'],
];
const COUNTRY_OF: Record<string, string> = {
  Lisbon: 'PT',
  London: 'GB',
  Berlin: 'DE',
  Austin: 'US',
  Toronto: 'CA',
};

describe('seedOrganisation', () => {
  it('returns the same organisation on every call, as fresh objects', () => {
    // Act
    const first = seedOrganisation();
    const firstZoe = first[0] as DirectoryUser;
    firstZoe.email = 'changed@example.com';
    firstZoe.groups?.push('Changed');

    // Assess
    expect(seedOrganisation()).toEqual(people);
    expect(seedOrganisation()[0]?.email).toBe('zoe.martin@example.com');
    expect(seedOrganisation()[0]?.groups).not.toContain('Changed');
  });

  it('is what seedDirectory returns', () => {
    expect(seedDirectory()).toEqual(people);
  });

  it('has about 300 people in ten departments and nine offices', () => {
    expect(people.length).toBeGreaterThanOrEqual(280);
    expect(people.length).toBeLessThanOrEqual(320);
    expect(new Set(people.map((p) => p.department))).toEqual(
      new Set([
        ...['Finance', 'Engineering', 'Sales', 'Human Resources', 'Legal', 'Marketing', 'Operations'],
        ...['IT', 'Security', 'Executive Office'],
      ]),
    );
    const offices = new Set(people.map((p) => `${p.office} ${p.country}`));
    for (const office of [
      'Madrid ES',
      'Warsaw PL',
      'Bangalore IN',
      'Singapore SG',
      'Lisbon PT',
      'Toronto CA',
    ])
      expect(offices).toContain(office);
    expect(offices.size).toBe(9);
  });

  it('keeps the original 32 as they were, with the CEO over the original heads', () => {
    ORIGINAL.forEach(([userId, displayName, email, department, office, managerId, startDate], i) => {
      const p = person(userId as string);
      expect({ displayName, email, department, office, managerId, startDate }).toEqual({
        displayName: p.displayName,
        email: p.email,
        department: p.department,
        office: p.office,
        managerId: p.managerId,
        startDate: p.startDate,
      });
      expect(p.userId).toBe(people[i]?.userId);
      expect(p.givenName).toBe(displayName?.split(' ')[0]);
      expect(p.country).toBe(COUNTRY_OF[office as string]);
      expect(p.mobilePhone).toBe(`+1415555${String(100 + i).padStart(4, '0')}`);
      expect(p.title).toBe(i < 7 ? 'Head of department' : 'Specialist');
      expect(p.privileged).toBe(userId === 'u032');
      expect(p.enabled).toBe(true);
    });
    expect(person('u033').title).toBe('Chief Executive Officer');
    expect(person('u033').managerId).toBeUndefined();
  });

  it('gives the demo requester a clean, rich record', () => {
    // Act
    const zoe = person('u001');

    // Assess
    expect(zoe.email).toBe('zoe.martin@example.com');
    expect(zoe.groups?.length).toBeGreaterThanOrEqual(3);
    expect(zoe.apps?.length).toBeGreaterThanOrEqual(3);
    expect(zoe.recentTickets?.length).toBeGreaterThanOrEqual(2);
    expect(zoe.usualCountries).toEqual(['PT']);
    expect(zoe.contactChangedAt).toBeUndefined();
    expect(zoe.lastPasswordResetAt).toBeUndefined();
    expect(zoe.recentFailedRecoveries).toBeUndefined();
  });

  it('has unique user ids, emails and mobiles, all well-formed', () => {
    expect(new Set(people.map((p) => p.userId)).size).toBe(people.length);
    expect(new Set(people.map((p) => p.email.toLowerCase())).size).toBe(people.length);
    expect(new Set(people.map((p) => p.mobilePhone)).size).toBe(people.length);
    for (const p of people) {
      expect(p.userId).toMatch(/^u\d{3}$/);
      expect(p.email).toMatch(/^[a-z]+\.[a-z]+\d*@example\.com$/);
      expect(p.mobilePhone).toMatch(/^\+[1-9]\d{7,14}$/);
      expect(isPossiblePhoneNumber(p.mobilePhone ?? '')).toBe(true);
      expect(p.startDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(p.startDate >= '2008-01-01' && p.startDate < SEED_REFERENCE_DATE).toBe(true);
    }
  });

  it('folds accents into emails and numbers namesakes', () => {
    const email = (displayName: string) =>
      people.filter((p) => p.displayName === displayName).map((p) => p.email);
    const accented = generated.filter((p) => /[^\x20-\x7e]/.test(p.displayName));
    expect(accented.length).toBeGreaterThan(30);
    expect(email('Lucía González')).toEqual(['lucia.gonzalez@example.com', 'lucia.gonzalez2@example.com']);
  });

  it('is one tree under the CEO: every manager exists, no cycles, no manager of more than ten', () => {
    // Act
    const roots = people.filter((p) => !p.managerId);
    const reports = new Map<string, number>();
    for (const p of people) if (p.managerId) reports.set(p.managerId, (reports.get(p.managerId) ?? 0) + 1);

    // Assess
    expect(roots.map((p) => p.userId)).toEqual(['u033']);
    for (const p of people) {
      const seen = new Set<string>();
      let current: DirectoryUser | undefined = p;
      while (current?.managerId) {
        expect(seen.has(current.userId)).toBe(false);
        seen.add(current.userId);
        current = byId.get(current.managerId);
        expect(current).toBeDefined();
      }
      expect(current?.userId).toBe('u033');
    }
    expect(Math.max(...reports.values())).toBeLessThanOrEqual(10);
    // Teams: everyone who manages, below the department heads (the CEO's reports, and Zoë, the original Finance head).
    const heads = new Set([
      'u033',
      'u001',
      ...people.filter((p) => p.managerId === 'u033').map((p) => p.userId),
    ]);
    const teamLeads = [...reports.keys()].filter((id) => !heads.has(id));
    expect(teamLeads.length).toBeGreaterThan(30);
    for (const lead of teamLeads) expect(reports.get(lead)).toBeGreaterThanOrEqual(4);
  });

  it('gives admin rights to about 3%, in IT and Security (and u032 for Workday), always with an admin group', () => {
    // Act
    const privileged = people.filter((p) => p.privileged);
    const isAdminGroup = (g: string) => ADMIN_GROUPS.includes(g);

    // Assess
    expect(share(privileged.length)).toBeGreaterThanOrEqual(0.02);
    expect(share(privileged.length)).toBeLessThanOrEqual(0.04);
    for (const p of people) expect(p.groups?.some(isAdminGroup)).toBe(p.privileged);
    for (const p of privileged.filter((q) => q.userId !== 'u032'))
      expect(['IT', 'Security']).toContain(p.department);
    expect(person('u032').groups).toContain('Workday-Admins');
    const domainAdmins = people.filter((p) => p.groups?.includes('Domain Admins'));
    expect(domainAdmins.length).toBeGreaterThan(0);
    for (const p of domainAdmins) expect([p.department, p.privileged]).toEqual(['IT', true]);
  });

  it('puts everyone in department, location and role groups', () => {
    for (const p of people) {
      expect(p.groups).toContain(`All ${p.office}`);
      expect(p.groups?.some((g) => g.endsWith('-All'))).toBe(true);
      expect(new Set(p.groups).size).toBe(p.groups?.length);
    }
    const groups = new Set(people.flatMap((p) => p.groups ?? []));
    for (const g of ['FIN-AP-Clerks', 'All Lisbon', 'VPN-Users', 'IT-Service-Desk', 'SEC-SOC'])
      expect(groups).toContain(g);
  });

  it('gives everyone two to six apps', () => {
    for (const p of people) {
      expect(p.apps?.length).toBeGreaterThanOrEqual(2);
      expect(p.apps?.length).toBeLessThanOrEqual(6);
      expect(new Set(p.apps).size).toBe(p.apps?.length);
    }
    const finance = people.filter((p) => p.department === 'Finance').flatMap((p) => p.apps ?? []);
    expect(finance).toContain('NetSuite');
    expect(finance).not.toContain('GitHub');
  });

  it('gives up to three recent tickets, newest first, opened within 120 days and after the start date', () => {
    // Act
    const tickets = people.flatMap((p) => p.recentTickets ?? []);

    // Assess
    expect(tickets.length).toBeGreaterThan(people.length / 2);
    expect(new Set(tickets.map((t) => t.number)).size).toBe(tickets.length);
    for (const p of people) {
      const mine = p.recentTickets ?? [];
      expect(mine.length).toBeLessThanOrEqual(3);
      expect(new Set(mine.map((t) => t.subject)).size).toBe(mine.length);
      expect(mine.map((t) => t.openedAt)).toEqual(
        mine
          .map((t) => t.openedAt)
          .sort()
          .reverse(),
      );
      for (const t of mine) {
        expect(t.number).toMatch(/^INC\d{7}$/);
        expect(t.subject).not.toMatch(/[{}]/);
        expect(t.openedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
        expect(daysBeforeReference(t.openedAt)).toBeGreaterThan(0);
        expect(daysBeforeReference(t.openedAt)).toBeLessThanOrEqual(120);
        expect(t.openedAt > p.startDate).toBe(true);
      }
    }
    // Numbers follow the order tickets were opened.
    const inOrder = [...tickets].sort((a, b) => a.openedAt.localeCompare(b.openedAt)).map((t) => t.number);
    expect(inOrder).toEqual([...inOrder].sort());
  });

  it('sets nicknames that the grader accepts for the given name', () => {
    const nicknamed = people.filter((p) => p.nickname);
    expect(nicknamed.length).toBeGreaterThan(10);
    for (const p of nicknamed) expect(areNicknames(p.givenName, p.nickname ?? '')).toBe(true);
    expect(person('u005').nickname).toBe('Peggy');
  });

  it('lists usual countries with the office country first, and a second one for travellers', () => {
    for (const p of people) {
      expect(p.usualCountries?.[0]).toBe(p.country);
      expect(new Set(p.usualCountries).size).toBe(p.usualCountries?.length);
    }
    const travellers = people.filter((p) => (p.usualCountries?.length ?? 0) > 1);
    expect(share(travellers.length)).toBeGreaterThan(0.05);
    expect(share(travellers.length)).toBeLessThan(0.25);
  });

  it('gives persona risk to a few generated people only, and disables a few who manage nobody', () => {
    // Act
    const changed = people.filter((p) => p.contactChangedAt);
    const reset = people.filter((p) => p.lastPasswordResetAt);
    const failed = people.filter((p) => p.recentFailedRecoveries !== undefined);
    const disabled = people.filter((p) => !p.enabled);

    // Assess
    expect(share(changed.length)).toBeCloseTo(0.03, 2);
    expect(share(reset.length)).toBeCloseTo(0.05, 2);
    expect(share(failed.length)).toBeCloseTo(0.02, 2);
    for (const p of changed) expect(daysBeforeReference(p.contactChangedAt ?? '')).toBeLessThanOrEqual(14);
    for (const p of reset) expect(daysBeforeReference(p.lastPasswordResetAt ?? '')).toBeLessThanOrEqual(7);
    for (const p of failed) expect([1, 2, 3, 4]).toContain(p.recentFailedRecoveries);
    for (const p of [...changed, ...reset, ...failed, ...disabled]) {
      expect(generated).toContain(p);
      expect(p.privileged).toBe(false);
    }
    expect(disabled.length).toBeGreaterThan(0);
    expect(share(disabled.length)).toBeLessThan(0.03);
    for (const p of disabled) expect(people.some((q) => q.managerId === p.userId)).toBe(false);
  });
});

describe('organisationAsOf', () => {
  it('moves every ageing date so it is as old at start-up as it was on the reference date', () => {
    const now = new Date(reference + 20 * 86_400_000);
    const base = seedOrganisation();
    const moved = organisationAsOf(now, base);
    const changed = base.findIndex((p) => p.contactChangedAt);
    const age = (iso: string | undefined, from: number) => from - Date.parse(iso ?? '');
    expect(age(moved[changed]?.contactChangedAt, now.getTime())).toBe(
      age(base[changed]?.contactChangedAt, reference),
    );
    const ticket = base.findIndex((p) => p.recentTickets?.length);
    expect(age(moved[ticket]?.recentTickets?.[0]?.openedAt, now.getTime())).toBe(
      age(base[ticket]?.recentTickets?.[0]?.openedAt, reference),
    );
    expect(moved.map((p) => p.email)).toEqual(base.map((p) => p.email));
  });
});
