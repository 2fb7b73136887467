/**
 * The local directory's organisation: about 300 people in ten departments, generated from the
 * tables below by a seeded PRNG, so every call returns the same people. The first 32 are the
 * original seed people (tests and the demo name them); everyone after is generated.
 *
 * Dates that age (tickets, recent contact changes and resets) are relative to SEED_REFERENCE_DATE,
 * not to the clock.
 */
import type { DirectoryUser } from '../shared/domain/model/person.js';
import { mulberry32 } from './prng.js';

export const SEED_REFERENCE_DATE = '2026-11-01';
const SEED = 20261101;
const DAY_MS = 86_400_000;

// Offices --------------------------------------------------------------------------------------------

/**
 * Mobiles come from ranges reserved for fiction: North American 555-0100..0199 numbers under the
 * office's area code, and Ofcom's +44 7700 900xxx drama range for everyone else (Portugal, Germany,
 * Spain, Poland, India and Singapore publish no fictional mobile range).
 */
const OFFICES = [
  { office: 'Lisbon', country: 'PT' },
  { office: 'London', country: 'GB' },
  { office: 'Berlin', country: 'DE' },
  { office: 'Austin', country: 'US', areaCode: '512' },
  { office: 'Toronto', country: 'CA', areaCode: '416' },
  { office: 'Madrid', country: 'ES' },
  { office: 'Warsaw', country: 'PL' },
  { office: 'Bangalore', country: 'IN' },
  { office: 'Singapore', country: 'SG' },
] as const;
type OfficeName = (typeof OFFICES)[number]['office'];

// Names ----------------------------------------------------------------------------------------------

/** Given and family names by office country; a third of people get a name from anywhere (WORLD). */
const list = (names: string) => names.split(', ');
const NAMES = {
  PT: {
    given: list(
      'João, José, Tomás, Inês, Beatriz, Mariana, Gonçalo, Rúben, Matilde, Leonor, Duarte, Catarina',
    ),
    family: list('Silva, Santos, Ferreira, Pereira, Oliveira, Costa, Gonçalves, Araújo, Simões, Marques'),
  },
  GB: {
    given: list('William, Margaret, Elizabeth, Katherine, Robert, Alexander, Siobhán, Niamh, Rhys, Callum'),
    family: list("Taylor, Evans, Roberts, Walker, Hughes, Murphy, Campbell, Khan, O'Brien, Clarke, Fletcher"),
  },
  DE: {
    given: list('Jürgen, Jörg, Lena, Maximilian, Katharina, Jonas, Felix, Sabine, Björn, Uwe, Anna, Till'),
    family: list('Müller, Schmidt, Schneider, Fischer, Weber, Wagner, Schröder, Krüger, Hoffmann, Becker'),
  },
  US: {
    given: list(
      'Robert, Elizabeth, Michael, Jennifer, Christopher, Patricia, Richard, Deborah, Jamal, Carlos',
    ),
    family: list('Johnson, Williams, García, Miller, Davis, Washington, Thompson, Kim, Hernández, Robinson'),
  },
  CA: {
    given: list('Étienne, Geneviève, Mathieu, Élodie, Liam, Olivia, Alexander, Katherine, Ravi, Amélie'),
    family: list('Tremblay, Gagnon, Côté, Bouchard, Bélanger, MacDonald, Fraser, Singh, Wong, Leblanc'),
  },
  ES: {
    given: list('José, María, Lucía, Álvaro, Javier, Sofía, Raúl, Nuria, Íñigo, Begoña, Hugo, Carmen'),
    family: list('García, Fernández, González, López, Martínez, Sánchez, Jiménez, Muñoz, Ibáñez, Díaz'),
  },
  PL: {
    given: list('Łukasz, Paweł, Michał, Katarzyna, Małgorzata, Agnieszka, Piotr, Zofia, Jędrzej, Joanna'),
    // Surnames without a feminine form, so any given name fits.
    family: list('Nowak, Wójcik, Kowalczyk, Mazur, Krawczyk, Kaczmarek, Zając, Wróbel, Sikora, Pawlak'),
  },
  IN: {
    given: list(
      'Aarav, Ananya, Vikram, Priya, Rohan, Deepika, Arjun, Kavya, Siddharth, Meera, Karthik, Divya',
    ),
    family: list('Sharma, Iyer, Reddy, Nair, Rao, Gupta, Menon, Krishnan, Shetty, Hegde, Pillai, Bhat'),
  },
  SG: {
    given: list('Wei Ling, Jun Jie, Hui Min, Marcus, Rachel, Siti, Nurul, Daryl, Valerie, Jia Hui, Arun'),
    family: list('Tan, Lim, Ng, Ong, Goh, Chua, Teo, Rahman, Abdullah, Koh, Chan'),
  },
  WORLD: {
    given: list(
      'Zoë, Søren, Aïcha, Chidi, Ngozi, Kwame, Yasmin, Hiroshi, Yuki, Astrid, Ólafur, Oluwaseun, Leila, ' +
        'Thomas, James, Rebecca, Samuel, Benjamin, Nicholas, Matthew, Daniel, Susan',
    ),
    family: list(
      'Okafor, Adeyemi, Mensah, Haddad, Nakamura, Sørensen, Nielsen, Yılmaz, Dvořák, Horváth, Papadopoulos, ' +
        'Nguyễn, Đặng, Ó Súilleabháin, Johansson, Brennan, Kahale, Novák, Trần',
    ),
  },
} satisfies Record<(typeof OFFICES)[number]['country'] | 'WORLD', { given: string[]; family: string[] }>;

/** Names people go by; every pair is in shared/domain/grading/nicknames.ts NICKNAME_GROUPS. About 60% of them use it. */
const NICKNAMES: Record<string, string> = {
  William: 'Bill',
  Robert: 'Bob',
  Margaret: 'Peggy',
  Elizabeth: 'Liz',
  Alexander: 'Alex',
  Katherine: 'Kate',
  James: 'Jim',
  Michael: 'Mike',
  Thomas: 'Tom',
  Richard: 'Rick',
  Christopher: 'Chris',
  Jennifer: 'Jen',
  Patricia: 'Trish',
  Deborah: 'Debbie',
  Rebecca: 'Becky',
  Samuel: 'Sam',
  Benjamin: 'Ben',
  Nicholas: 'Nick',
  Matthew: 'Matt',
  Daniel: 'Dan',
  Susan: 'Sue',
};

// Departments ----------------------------------------------------------------------------------------

interface Team {
  name: string;
  /** The team's security group, also its distribution list. */
  group: string;
  /** Members' title; members of six years or more are Senior. The lead is "<name> Manager". */
  title: string;
  /** Members, not counting the lead. */
  size: number;
  offices?: OfficeName[];
  /** The lead and the first members up to this count are privileged, in `adminGroups`. */
  admins?: number;
  adminGroups?: string[];
}

interface Department {
  name: string;
  code: string;
  /** For departments the original 32 do not lead. */
  headTitle?: string;
  offices: OfficeName[];
  apps: string[];
  /** Help-desk subjects only this department raises. */
  subjects: string[];
  teams: Team[];
}

const DEPARTMENTS: Department[] = [
  {
    name: 'Finance',
    code: 'FIN',
    offices: ['Lisbon', 'London', 'Austin', 'Warsaw'],
    apps: ['NetSuite', 'SAP Concur', 'Tableau', 'Coupa', 'BlackLine', 'Adobe Acrobat', 'Workday'],
    subjects: [
      'Need access to the Q3 budget folder',
      'NetSuite invoice approval stuck',
      'Excel crashes opening the month-end workbook',
    ],
    teams: [
      { name: 'Accounts Payable', group: 'FIN-AP-Clerks', title: 'Accounts Payable Clerk', size: 7 },
      { name: 'Accounts Receivable', group: 'FIN-AR-Team', title: 'Accounts Receivable Specialist', size: 6 },
      { name: 'FP&A', group: 'FIN-FPA-Analysts', title: 'Financial Analyst', size: 6 },
      { name: 'Payroll', group: 'FIN-Payroll', title: 'Payroll Specialist', size: 5 },
    ],
  },
  {
    name: 'Engineering',
    code: 'ENG',
    offices: ['Lisbon', 'Berlin', 'Warsaw', 'Bangalore', 'Toronto'],
    apps: ['GitHub', 'Jira', 'Confluence', 'Datadog', 'PagerDuty', 'Figma', 'AWS Console'],
    subjects: [
      'GitHub SSO loop after laptop rebuild',
      'Need a staging database account',
      'Docker Desktop licence request',
    ],
    teams: [
      { name: 'Platform', group: 'ENG-Platform', title: 'Software Engineer', size: 9 },
      { name: 'Payments', group: 'ENG-Payments', title: 'Software Engineer', size: 8 },
      { name: 'Mobile', group: 'ENG-Mobile', title: 'Mobile Engineer', size: 7 },
      { name: 'Data', group: 'ENG-Data', title: 'Data Engineer', size: 7 },
      { name: 'Site Reliability', group: 'ENG-SRE', title: 'Site Reliability Engineer', size: 6 },
      { name: 'Quality', group: 'ENG-QA', title: 'QA Engineer', size: 5 },
    ],
  },
  {
    name: 'Sales',
    code: 'SLS',
    offices: ['London', 'Austin', 'Toronto', 'Madrid', 'Singapore', 'Berlin'],
    apps: ['Salesforce', 'Gong', 'LinkedIn Sales Navigator', 'DocuSign', 'Outreach', 'Zoom'],
    subjects: ['Salesforce dashboard shows the wrong region', 'Phone lost on a customer trip'],
    teams: [
      {
        name: 'EMEA Sales',
        group: 'SLS-EMEA-AEs',
        title: 'Account Executive',
        size: 8,
        offices: ['London', 'Madrid', 'Berlin'],
      },
      {
        name: 'North America Sales',
        group: 'SLS-NA-AEs',
        title: 'Account Executive',
        size: 8,
        offices: ['Austin', 'Toronto'],
      },
      {
        name: 'APAC Sales',
        group: 'SLS-APAC-AEs',
        title: 'Account Executive',
        size: 6,
        offices: ['Singapore', 'Bangalore'],
      },
      { name: 'Sales Development', group: 'SLS-SDR', title: 'Sales Development Representative', size: 9 },
      { name: 'Solutions Engineering', group: 'SLS-Solutions-Eng', title: 'Solutions Engineer', size: 5 },
      { name: 'Account Management', group: 'SLS-Account-Mgmt', title: 'Account Manager', size: 5 },
    ],
  },
  {
    name: 'Human Resources',
    code: 'HR',
    offices: ['London', 'Lisbon', 'Austin', 'Bangalore'],
    apps: ['Workday', 'Greenhouse', 'Lattice', 'DocuSign', 'Culture Amp'],
    subjects: ['Greenhouse interview kits not loading', 'Need access to the offer letters folder'],
    teams: [
      { name: 'Talent Acquisition', group: 'HR-Recruiting', title: 'Recruiter', size: 6 },
      { name: 'People Partners', group: 'HR-People-Partners', title: 'HR Business Partner', size: 4 },
      { name: 'People Operations', group: 'HR-People-Ops', title: 'HR Coordinator', size: 4 },
    ],
  },
  {
    name: 'Legal',
    code: 'LEG',
    offices: ['London', 'Austin', 'Berlin'],
    apps: ['Ironclad', 'DocuSign', 'Adobe Acrobat', 'iManage', 'Westlaw'],
    subjects: ['iManage workspace missing after migration', 'Need a DocuSign sender licence'],
    teams: [
      { name: 'Commercial Legal', group: 'LEG-Commercial', title: 'Commercial Counsel', size: 5 },
      { name: 'Privacy', group: 'LEG-Privacy', title: 'Privacy Counsel', size: 4 },
    ],
  },
  {
    name: 'Marketing',
    code: 'MKT',
    offices: ['London', 'Madrid', 'Austin', 'Lisbon'],
    apps: ['HubSpot', 'Figma', 'Canva', 'Adobe Creative Cloud', 'Google Analytics', 'Contentful'],
    subjects: ['Adobe Creative Cloud says my licence expired', 'Need the brand assets drive shared'],
    teams: [
      { name: 'Brand and Content', group: 'MKT-Content', title: 'Content Marketer', size: 6 },
      {
        name: 'Product Marketing',
        group: 'MKT-Product-Marketing',
        title: 'Product Marketing Specialist',
        size: 5,
      },
      { name: 'Design', group: 'MKT-Design', title: 'Designer', size: 5 },
      { name: 'Growth', group: 'MKT-Growth', title: 'Growth Marketer', size: 4 },
    ],
  },
  {
    name: 'Operations',
    code: 'OPS',
    offices: ['Lisbon', 'Warsaw', 'Bangalore', 'Austin', 'Singapore', 'Madrid'],
    apps: ['Zendesk', 'ServiceNow', 'Coupa', 'SAP Concur', 'Tableau', 'Asana'],
    subjects: ['Zendesk macros disappeared', 'Badge reader at the loading bay rejects my card'],
    teams: [
      { name: 'Customer Support', group: 'OPS-Support-Agents', title: 'Customer Support Agent', size: 10 },
      { name: 'Facilities', group: 'OPS-Facilities', title: 'Facilities Coordinator', size: 4 },
      { name: 'Procurement', group: 'OPS-Procurement', title: 'Procurement Specialist', size: 5 },
      { name: 'Business Operations', group: 'OPS-BizOps', title: 'Operations Analyst', size: 5 },
    ],
  },
  {
    name: 'IT',
    code: 'IT',
    headTitle: 'Head of IT',
    offices: ['Lisbon', 'London', 'Austin', 'Warsaw', 'Bangalore', 'Singapore'],
    apps: ['ServiceNow', 'Jamf Pro', 'Microsoft Intune', 'Okta Admin Console', 'Jira', 'Confluence'],
    subjects: ['Jamf enrolment fails on the new MacBook', 'Need access to the server room'],
    teams: [
      { name: 'Service Desk', group: 'IT-Service-Desk', title: 'Service Desk Analyst', size: 10 },
      { name: 'End-User Computing', group: 'IT-EUC', title: 'Desktop Support Technician', size: 7 },
      {
        name: 'Infrastructure',
        group: 'IT-Infrastructure',
        title: 'Systems Administrator',
        size: 6,
        admins: 3,
        adminGroups: ['Domain Admins', 'Server-Admins'],
      },
      {
        name: 'Identity and Access',
        group: 'IT-IAM',
        title: 'Identity Engineer',
        size: 4,
        admins: 2,
        adminGroups: ['Domain Admins', 'Okta-Super-Admins'],
      },
      { name: 'Network', group: 'IT-Network', title: 'Network Engineer', size: 5 },
      {
        name: 'Business Applications',
        group: 'IT-Business-Apps',
        title: 'Business Systems Analyst',
        size: 5,
      },
    ],
  },
  {
    name: 'Security',
    code: 'SEC',
    headTitle: 'Chief Information Security Officer',
    offices: ['London', 'Berlin', 'Austin', 'Bangalore'],
    apps: ['CrowdStrike Falcon', 'Splunk', 'Okta Admin Console', 'Jira', 'Vanta', '1Password'],
    subjects: ['Splunk search head unreachable over VPN', 'YubiKey no longer recognised'],
    teams: [
      {
        name: 'Security Operations',
        group: 'SEC-SOC',
        title: 'Security Analyst',
        size: 6,
        admins: 1,
        adminGroups: ['SIEM-Admins'],
      },
      {
        name: 'Security Engineering',
        group: 'SEC-Engineering',
        title: 'Security Engineer',
        size: 5,
        admins: 2,
        adminGroups: ['SEC-Privileged-Access', 'AWS-Security-Admins'],
      },
      { name: 'Governance, Risk and Compliance', group: 'SEC-GRC', title: 'GRC Analyst', size: 4 },
    ],
  },
];

const EXECUTIVE: Department = {
  name: 'Executive Office',
  code: 'EXEC',
  offices: ['London'],
  apps: ['Workday', 'Salesforce', 'Tableau', 'DocuSign', 'Diligent Boards'],
  subjects: ['Board pack will not open on the iPad'],
  teams: [],
};

/** Apps anyone may have besides their department's. */
const COMMON_APPS = ['Slack', 'Zoom', 'Adobe Acrobat', 'SAP Concur', 'Miro', 'Lucidchart'];

/** Help-desk subjects anyone raises; `{app}` is one of the person's apps, `{office}` their office. */
const SUBJECTS = [
  'VPN drops every hour',
  'Laptop battery swelling',
  'Outlook keeps asking for my password',
  'MFA prompts not arriving on my new phone',
  'Wi-Fi keeps disconnecting in the {office} office',
  "Can't print to the {office} 3rd floor printer",
  'Request for a second monitor',
  'Shared mailbox missing from Outlook',
  'Teams camera not detected',
  'Docking station does not charge the laptop',
  'Calendar invites arriving twice',
  'Reported a phishing email',
  'Laptop very slow since the last update',
  'Lost badge, need a replacement',
  'Headset microphone not working',
  '{app} access request',
  '{app} keeps logging me out',
  "Can't export reports from {app}",
  '{app} licence for a new project',
];

/**
 * Among the generated people (the original 32 keep clean records): how many changed their contact
 * details in the last 14 days (~3%), had a password reset in the last 7 (~5%), failed recoveries
 * (~2%), left (disabled); and the share who travel (a second usual country).
 */
const RISK = { contactChanged: 9, recentReset: 15, failedRecoveries: 6, disabled: 4, travellers: 0.15 };

// The original 32 -------------------------------------------------------------------------------------

/** The original seed people, unchanged: tests and demos depend on them. */
const CORE_NAMES = [
  ['Zoë', 'Martín'],
  ['José', 'Álvarez'],
  ['Siobhán', "O'Connor"],
  ['Bill', 'Henderson'],
  ['Margaret', 'Nguyen'],
  ['Łukasz', 'Kowalski'],
  ['Aïcha', 'Benali'],
  ['Søren', 'Lindqvist'],
  ['Priya', 'Raghunathan'],
  ['François', 'Dubois'],
  ['Chidi', 'Okafor'],
  ['Mei', 'Tanaka'],
  ['Björn', 'Eriksson'],
  ['Ana', 'Sousa'],
  ['Robert', 'Fitzgerald'],
  ['Elena', 'Petrova'],
  ['Mateo', 'Rossi'],
  ['Fatima', 'Haddad'],
  ['Kwame', 'Mensah'],
  ['Ingrid', 'Larsen'],
  ['Dmitri', 'Volkov'],
  ['Hannah', 'Schäfer'],
  ['Yusuf', 'Demir'],
  ['Grace', 'Whitfield'],
  ['Tomás', 'Ferreira'],
  ['Nadia', 'Rahman'],
  ['Oliver', 'Brennan'],
  ['Camille', 'Laurent'],
  ['Raj', 'Patel'],
  ['Leilani', 'Kahale'],
  ['Sven', 'Andersson'],
  ['Chloé', 'Moreau'],
];
const CORE_DEPARTMENTS = list('Finance, Engineering, Sales, Human Resources, Legal, Marketing, Operations');
const CORE_NICKNAMES: Record<string, string> = { u005: 'Peggy', u015: 'Bob' };
/** u032 administers Workday: the one privileged person outside IT and Security. */
const CORE_ADMIN_GROUPS: Record<string, string[]> = { u032: ['Workday-Admins'] };

/** Groups that grant administrative rights: exactly the privileged people are in one. */
export const ADMIN_GROUPS = [
  ...new Set([
    ...DEPARTMENTS.flatMap((d) => d.teams.flatMap((t) => t.adminGroups ?? [])),
    ...Object.values(CORE_ADMIN_GROUPS).flat(),
  ]),
];

/** The original fold: drops what NFD does not decompose (ø), so u008 is sren.lindqvist. */
const coreAscii = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ł/g, 'l')
    .replace(/Ł/g, 'L')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();

/** Letters NFD leaves whole, spelled out before the original fold. */
const asciiFold = (s: string) =>
  coreAscii(
    s.replace(/[øØ]/g, 'o').replace(/[đĐ]/g, 'd').replace(/ı/g, 'i').replace(/æ/g, 'ae').replace(/ß/g, 'ss'),
  );

const userId = (n: number) => `u${String(n).padStart(3, '0')}`;

/** The original list: its first seven lead a department each, everyone else reports to their head. */
function corePeople(): DirectoryUser[] {
  const users = CORE_NAMES.map(([given = '', family = ''], i): DirectoryUser => {
    const place = OFFICES[i % 5] ?? OFFICES[0]; // the original five offices
    return {
      userId: userId(i + 1),
      displayName: `${given} ${family}`,
      givenName: given,
      email: `${coreAscii(given)}.${coreAscii(family)}@example.com`,
      mobilePhone: `+1415555${String(100 + i).padStart(4, '0')}`,
      department: CORE_DEPARTMENTS[i % CORE_DEPARTMENTS.length] ?? 'Finance',
      title: i < 7 ? 'Head of department' : 'Specialist',
      office: place.office,
      country: place.country,
      managerId: i < 7 ? undefined : userId((i % CORE_DEPARTMENTS.length) + 1),
      startDate: `${2012 + (i % 12)}-${String((i % 12) + 1).padStart(2, '0')}-01`,
      privileged: i === CORE_NAMES.length - 1,
      enabled: true,
    };
  });
  // The demo requester (Zoë) reports to someone in her own department.
  const demo = users[0];
  if (demo) demo.managerId = 'u008';
  return users;
}

// Generator -------------------------------------------------------------------------------------------

/** The generator's random choices, from a seeded mulberry32: plenty for test data. */
function prng(seed: number) {
  const next = mulberry32(seed);
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const shuffle = <T>(items: readonly T[]): T[] => {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = int(0, i);
      [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
    }
    return copy;
  };
  return { next, int, pick, shuffle, chance: (p: number) => next() < p };
}
type Prng = ReturnType<typeof prng>;

const REFERENCE_MS = Date.parse(`${SEED_REFERENCE_DATE}T00:00:00Z`);
const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** A moment during office hours `days` days before the reference date. */
const daysBefore = (rng: Prng, days: number) =>
  `${new Date(REFERENCE_MS - days * DAY_MS + rng.int(7 * 3600, 18 * 3600) * 1000).toISOString().slice(0, 19)}Z`;

type Level = 'ceo' | 'head' | 'lead' | 'member';
/** The range each level's start dates are drawn from. */
const START_DATES: Record<Level, [string, string]> = {
  ceo: ['2008-01-07', '2008-06-30'],
  head: ['2009-01-05', '2016-12-31'],
  lead: ['2010-01-04', '2022-12-31'],
  member: ['2008-01-07', '2026-10-15'],
};

/** A person while the organisation is built: the directory record plus where they sit. */
interface Seat {
  user: DirectoryUser;
  department: Department;
  level: Level;
  team?: Team;
  generated: boolean;
  manages: boolean;
}

function buildOrganisation(rng: Prng): Seat[] {
  const seats: Seat[] = [];
  const emails = new Set<string>();
  const phones = new Set<string>();
  const byName = new Map([...DEPARTMENTS, EXECUTIVE].map((d) => [d.name, d]));

  for (const user of corePeople()) {
    emails.add(user.email);
    const department = byName.get(user.department) ?? EXECUTIVE;
    seats.push({
      user,
      department,
      level: user.title === 'Head of department' ? 'head' : 'member',
      generated: false,
      manages: false,
    });
  }

  /** Usually a name nobody has, but namesakes happen in a company this size (never of the original 32). */
  const coreNames = new Set(seats.map((s) => s.user.displayName));
  const displayNames = new Set(coreNames);
  const drawName = (country: keyof typeof NAMES): [string, string] => {
    for (let attempt = 1; ; attempt++) {
      const pool = rng.chance(1 / 3) ? NAMES.WORLD : NAMES[country];
      const name: [string, string] = [rng.pick(pool.given), rng.pick(pool.family)];
      const full = name.join(' ');
      if (coreNames.has(full) || (attempt < 2 && displayNames.has(full))) continue;
      displayNames.add(full);
      return name;
    }
  };
  const uniqueEmail = (given: string, family: string) => {
    const local = `${asciiFold(given)}.${asciiFold(family)}`;
    let email = `${local}@example.com`;
    for (let n = 2; emails.has(email); n++) email = `${local}${n}@example.com`;
    emails.add(email);
    return email;
  };
  const uniquePhone = (office: (typeof OFFICES)[number]) => {
    for (;;) {
      const phone =
        'areaCode' in office
          ? `+1${office.areaCode}5550${rng.int(100, 199)}`
          : `+447700900${String(rng.int(0, 999)).padStart(3, '0')}`;
      if (!phones.has(phone)) {
        phones.add(phone);
        return phone;
      }
    }
  };
  /** Start dates lean recent (the company grew); leaders joined earlier. */
  const startDate = (level: Level) => {
    const [from, to] = START_DATES[level].map((d) => Date.parse(d)) as [number, number];
    const share = level === 'member' ? Math.sqrt(rng.next()) : rng.next();
    return isoDate(from + Math.floor(share * (to - from)));
  };

  const add = (
    department: Department,
    level: Level,
    officeName: OfficeName,
    managerId?: string,
    team?: Team,
  ) => {
    const office = OFFICES.find((o) => o.office === officeName) ?? OFFICES[1];
    const [given, family] = drawName(office.country);
    const started = startDate(level);
    const senior = Number(SEED_REFERENCE_DATE.slice(0, 4)) - Number(started.slice(0, 4)) >= 6;
    const title =
      level === 'ceo'
        ? 'Chief Executive Officer'
        : level === 'head'
          ? (department.headTitle ?? 'Head of department')
          : level === 'lead'
            ? `${team?.name} Manager`
            : `${senior ? 'Senior ' : ''}${team?.title ?? 'Executive Assistant'}`;
    const nickname = NICKNAMES[given];
    const user: DirectoryUser = {
      userId: userId(seats.length + 1),
      displayName: `${given} ${family}`,
      givenName: given,
      email: uniqueEmail(given, family),
      mobilePhone: uniquePhone(office),
      department: department.name,
      title,
      office: office.office,
      country: office.country,
      ...(managerId ? { managerId } : {}),
      startDate: started,
      privileged: false,
      enabled: true,
      ...(nickname && rng.chance(0.6) ? { nickname } : {}),
    };
    const seat: Seat = { user, department, level, team, generated: true, manages: false };
    seats.push(seat);
    return seat;
  };

  // The CEO leads u002-u007, the original heads, and u008 Søren: he manages Zoë, so under her
  // (the original list) he was in a cycle.
  const ceo = add(EXECUTIVE, 'ceo', 'London');
  add(EXECUTIVE, 'member', 'London', ceo.user.userId);
  for (const seat of seats.slice(1, 8)) seat.user.managerId = ceo.user.userId;

  for (const department of DEPARTMENTS) {
    const head =
      seats.find((s) => s.department === department && s.level === 'head') ??
      add(department, 'head', department.offices[0] ?? 'London', ceo.user.userId);
    for (const team of department.teams) {
      const teamOffice = rng.pick(team.offices ?? department.offices);
      const lead = add(department, 'lead', teamOffice, head.user.userId, team);
      const members = [lead];
      for (let k = 0; k < team.size; k++) {
        const office = rng.chance(0.8) ? teamOffice : rng.pick(team.offices ?? department.offices);
        members.push(add(department, 'member', office, lead.user.userId, team));
      }
      for (const admin of members.slice(0, team.admins ?? 0)) admin.user.privileged = true;
    }
  }

  const managers = new Set(seats.map((s) => s.user.managerId));
  for (const seat of seats) seat.manages = managers.has(seat.user.userId);
  return seats;
}

function groupsOf(seat: Seat, rng: Prng): string[] {
  const { user, department, team } = seat;
  const technical = ['IT', 'SEC', 'ENG'].includes(department.code);
  return [
    `${department.code}-All`,
    ...(team ? [team.group] : []),
    ...(seat.manages ? [`${department.code}-Managers`] : []),
    `All ${user.office}`,
    ...(rng.chance(technical ? 0.9 : 0.6) ? ['VPN-Users'] : []),
    ...(rng.chance(0.15) ? ['Remote-Workers'] : []),
    ...(user.privileged ? (team?.adminGroups ?? CORE_ADMIN_GROUPS[user.userId] ?? []) : []),
  ];
}

function appsOf(seat: Seat, rng: Prng, min: number): string[] {
  const own = rng.shuffle(seat.department.apps).slice(0, rng.int(Math.max(min, 2), 5));
  const extra = rng.chance(0.5) ? [rng.pick(COMMON_APPS)] : [];
  return [...new Set([...own, ...extra])];
}

/** 0-3 tickets (at least `min`) opened within 120 days of the reference date, after the start date. */
function ticketsOf(seat: Seat, rng: Prng, min: number) {
  const daysEmployed = Math.floor((REFERENCE_MS - Date.parse(seat.user.startDate)) / DAY_MS);
  const window = Math.min(120, daysEmployed);
  if (window < 1) return [];
  const count = Math.max(min, rng.pick([0, 0, 0, 1, 1, 1, 1, 2, 2, 3]));
  // Distinct subjects: a person's tickets are told apart by them.
  return rng
    .shuffle([...SUBJECTS, ...seat.department.subjects])
    .slice(0, count)
    .map((template) => ({
      number: '',
      subject: template
        .replace('{app}', rng.pick(seat.user.apps ?? seat.department.apps))
        .replace('{office}', seat.user.office),
      openedAt: daysBefore(rng, rng.int(1, window)),
    }));
}

/**
 * About 300 people: the original 32 (u001 Zoë Martín, the clean demo requester; u032 the privileged
 * one), a CEO, and nine departments of teams of 4-10 under their heads. Same result on every call.
 */
export function seedOrganisation(): DirectoryUser[] {
  const rng = prng(SEED);
  const seats = buildOrganisation(rng);

  for (const [index, seat] of seats.entries()) {
    const { user } = seat;
    const demo = index === 0;
    user.groups = groupsOf(seat, rng);
    user.apps = appsOf(seat, rng, demo ? 3 : 2);
    user.recentTickets = ticketsOf(seat, rng, demo ? 2 : 0);
    const traveller = seat.generated && rng.chance(RISK.travellers);
    const elsewhere = OFFICES.filter((o) => o.country !== user.country).map((o) => o.country);
    user.usualCountries = traveller ? [user.country, rng.pick(elsewhere)] : [user.country];
    const nickname = CORE_NICKNAMES[user.userId];
    if (nickname) user.nickname = nickname;
  }

  // Ticket numbers follow the order tickets were opened; each person's list is newest first.
  const tickets = seats
    .flatMap((s) => s.user.recentTickets ?? [])
    .sort((a, b) => a.openedAt.localeCompare(b.openedAt));
  let number = 12_000;
  for (const ticket of tickets) {
    number += rng.int(1, 9);
    ticket.number = `INC${String(number).padStart(7, '0')}`;
  }
  for (const seat of seats) seat.user.recentTickets?.sort((a, b) => b.openedAt.localeCompare(a.openedAt));

  // A few leavers, and the persona risk a help desk meets: all among generated, unprivileged people.
  const ordinary = seats.filter((s) => s.generated && !s.user.privileged && s.level !== 'ceo');
  for (const seat of rng.shuffle(ordinary.filter((s) => !s.manages)).slice(0, RISK.disabled))
    seat.user.enabled = false;
  for (const seat of rng.shuffle(ordinary).slice(0, RISK.contactChanged))
    seat.user.contactChangedAt = daysBefore(rng, rng.int(1, 13));
  for (const seat of rng.shuffle(ordinary).slice(0, RISK.recentReset))
    seat.user.lastPasswordResetAt = daysBefore(rng, rng.int(1, 6));
  for (const seat of rng.shuffle(ordinary).slice(0, RISK.failedRecoveries))
    seat.user.recentFailedRecoveries = rng.int(1, 4);

  return seats.map((s) => s.user);
}

/**
 * The organisation as of `now`: every date that ages (tickets, contact changes, resets) moved
 * forward by the time since SEED_REFERENCE_DATE, so "changed 3 days ago" stays 3 days ago and the
 * persona checks see what the seed meant whenever the stack starts.
 */
export function organisationAsOf(now: Date, people = seedOrganisation()): DirectoryUser[] {
  const shift = now.getTime() - REFERENCE_MS;
  const move = (iso: string | undefined) => (iso ? new Date(Date.parse(iso) + shift).toISOString() : iso);
  return people.map((p) => ({
    ...p,
    ...(p.contactChangedAt ? { contactChangedAt: move(p.contactChangedAt) } : {}),
    ...(p.lastPasswordResetAt ? { lastPasswordResetAt: move(p.lastPasswordResetAt) } : {}),
    ...(p.recentTickets
      ? { recentTickets: p.recentTickets.map((t) => ({ ...t, openedAt: move(t.openedAt) ?? t.openedAt })) }
      : {}),
  }));
}
