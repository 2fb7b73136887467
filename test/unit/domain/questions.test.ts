import { describe, expect, it } from 'vitest';
import { seedDirectory } from '../../../local/seed.js';
import { normalise } from '../../../shared/domain/grading/normalise.js';
import type { DirectoryUser } from '../../../shared/domain/model/person.js';
import type {
  AnswerRecord,
  ChoiceQuestion,
  Question,
  TextQuestion,
} from '../../../shared/domain/model/question.js';
import { gradeResponse, publicQuestion } from '../../../shared/domain/questions/answers.js';
import { buildQuestions } from '../../../shared/domain/questions/build.js';
import { PRIVATE_OPTIONS, QUESTION_WEIGHTS } from '../../../shared/domain/questions/catalogue.js';
import { buildTranscript, gradesOf, weightsOf } from '../../../shared/domain/questions/tally.js';
import { sharedSubjects } from '../../../shared/domain/questions/tickets.js';
import { directoryUser } from '../fixtures.js';

const requester = directoryUser({
  userId: 'u001',
  department: 'Finance',
  office: 'Lisbon',
  startDate: '2019-03-01',
  managerId: 'u008',
  groups: ['FIN-AP-Clerks', 'All Lisbon', 'VPN-Users'],
  apps: ['Workday', 'NetSuite', 'SAP Concur'],
  recentTickets: [
    { number: 'INC0010001', subject: 'VPN drops every hour', openedAt: '2026-10-01T09:00:00Z' },
    { number: 'INC0010002', subject: 'Printer on floor 2 jams', openedAt: '2026-09-01T09:00:00Z' },
  ],
});
const manager = directoryUser({
  userId: 'u008',
  displayName: 'Margaret Nguyen',
  givenName: 'Margaret',
  department: 'Finance',
  office: 'London',
});
/** Subjects two colleagues each raised: the decoys the recent-ticket question may show. */
const SHARED = [
  'Outlook keeps asking for my password',
  'Calendar invites arriving twice',
  'Headset microphone not working',
  'Reported a phishing email',
  'Shared mailbox missing from Outlook',
  'Wi-Fi keeps disconnecting',
];
const sharedTickets = (prefix: string) =>
  SHARED.map((subject, i) => ({ number: `${prefix}${i}`, subject, openedAt: '2026-10-05T00:00:00Z' }));
const withoutShared = (people: DirectoryUser[]) =>
  people.map((u) => ({
    ...u,
    recentTickets: (u.recentTickets ?? []).filter((t) => !SHARED.includes(t.subject)),
  }));
const others: DirectoryUser[] = [
  manager,
  directoryUser({
    userId: 'u002',
    displayName: 'José Álvarez',
    department: 'Engineering',
    office: 'Berlin',
    groups: ['ENG-Platform', 'All Berlin', 'VPN-Users'],
    recentTickets: [
      { number: 'INC1', subject: 'Need a second monitor', openedAt: '2026-10-02T00:00:00Z' },
      ...sharedTickets('INC10'),
    ],
  }),
  directoryUser({
    userId: 'u003',
    displayName: "Siobhán O'Connor",
    department: 'Sales',
    office: 'Austin',
    groups: ['SALES-EMEA', 'All Austin'],
    recentTickets: [
      { number: 'INC2', subject: 'Salesforce login loops', openedAt: '2026-10-03T00:00:00Z' },
      ...sharedTickets('INC20'),
    ],
  }),
  directoryUser({
    userId: 'u004',
    displayName: 'Margaret Nguyen-Ba',
    department: 'Legal',
    office: 'Toronto',
    groups: ['LEGAL-Contracts'],
    recentTickets: [{ number: 'INC3', subject: 'Laptop battery swelling', openedAt: '2026-10-04T00:00:00Z' }],
  }),
];

const byId = <T extends Question['kind']>(questions: Question[], id: string, kind: T) => {
  const q = questions.find((x) => x.id === id);
  if (!q || q.kind !== kind) throw new Error(`no ${kind} question ${id}`);
  return q as T extends 'choice' ? ChoiceQuestion : TextQuestion;
};
const label = (q: ChoiceQuestion) => q.options.find((o) => o.id === q.answerOptionId)?.label;

describe('buildQuestions', () => {
  it('asks the most private facts first and fills in with public ones only up to the count', () => {
    const five = buildQuestions(requester, manager, others);
    expect(five.map((q) => q.id).sort()).toEqual(['app', 'group', 'manager', 'recent_ticket', 'start_year']);
    const all = buildQuestions(requester, manager, others, 10);
    expect(all.map((q) => q.id).sort()).toEqual(
      ['app', 'department', 'group', 'manager', 'office', 'recent_ticket', 'start_year'].sort(),
    );
    for (const q of all) expect(q.weight).toBe(QUESTION_WEIGHTS[q.id]);
    expect(QUESTION_WEIGHTS.recent_ticket).toBeGreaterThan(QUESTION_WEIGHTS.department);
  });

  it('puts the right answer among distinct options, never a decoy equal to a true fact', () => {
    for (let i = 0; i < 30; i++) {
      const qs = buildQuestions(requester, manager, others, 10);
      for (const q of qs.filter((x): x is ChoiceQuestion => x.kind === 'choice')) {
        const labels = q.options.map((o) => o.label);
        expect(new Set(labels).size).toBe(labels.length);
        expect(labels.length).toBeGreaterThanOrEqual(3);
      }
      const group = byId(qs, 'group', 'choice');
      expect(requester.groups).toContain(label(group));
      // Any other group of the requester's would be a second right answer: never offered.
      expect(group.options.filter((o) => requester.groups?.includes(o.label))).toHaveLength(1);
      const ticket = byId(qs, 'recent_ticket', 'choice');
      expect(label(ticket)).toBe('VPN drops every hour');
      expect(ticket.options.map((o) => o.label)).not.toContain('Printer on floor 2 jams');
      expect(label(byId(qs, 'start_year', 'choice'))).toBe('2019');
    }
  });

  it("takes the ticket system's tickets first, never offering the ticket being verified as a decoy", () => {
    for (let i = 0; i < 20; i++) {
      const qs = buildQuestions(requester, manager, others, 5, {
        own: [{ subject: 'Teams camera not detected', openedAt: '2026-11-10T09:00:00Z' }],
        others: ['Locked out', 'Monitor flickers', 'Need Visio licence'],
        avoid: ['Locked out'],
      });
      const ticket = byId(qs, 'recent_ticket', 'choice');
      expect(label(ticket)).toBe('Teams camera not detected');
      const labels = ticket.options.map((o) => o.label);
      expect(labels).not.toContain('Locked out');
      expect(labels).not.toContain('VPN drops every hour');
    }
  });

  it('never shows a subject only one colleague raised: every decoy is a subject two people raised', () => {
    const privateOnes = [
      'Need access to the HR termination folder',
      'Need a second monitor',
      'Salesforce login loops',
      'Laptop battery swelling',
    ];
    let lockedOut = 0;
    for (let i = 0; i < 30; i++) {
      const qs = buildQuestions(requester, manager, others, 5, {
        own: [],
        others: ['Need access to the HR termination folder', 'Locked out', 'Locked out'],
      });
      const labels = byId(qs, 'recent_ticket', 'choice').options.map((o) => o.label);
      expect(labels).toHaveLength(PRIVATE_OPTIONS);
      if (labels.includes('Locked out')) lockedOut++;
      for (const subject of privateOnes) expect(labels).not.toContain(subject);
      for (const decoy of labels.filter((l) => l !== 'VPN drops every hour'))
        expect([...SHARED, 'Locked out']).toContain(decoy);
    }
    expect(lockedOut).toBeGreaterThan(0);
  });

  it('drops the ticket question rather than fill it from a fixed list the true option is not on (#7)', () => {
    // Nothing two people raised: before, every decoy came from a public list of common subjects,
    // and the true option was the only one not on it.
    const unshared = withoutShared(others);
    for (let i = 0; i < 200; i++) {
      const qs = buildQuestions(requester, manager, unshared, 10, { own: [], others: ['Locked out', 'VPN'] });
      expect(qs.map((q) => q.id)).not.toContain('recent_ticket');
    }
    // Fewer shared subjects than a full set of decoys: dropped too, never topped up.
    const few = buildQuestions(requester, manager, unshared, 10, {
      own: [],
      others: ['Locked out', 'Locked out', 'Monitor flickers', 'Monitor flickers'],
    });
    expect(few.map((q) => q.id)).not.toContain('recent_ticket');
    // The rest of the verification still has its questions.
    expect(few.map((q) => q.id)).toContain('group');
  });

  it('draws ticket decoys from subjects the same department raised first', () => {
    const finance = (userId: string) =>
      directoryUser({
        userId,
        department: 'Finance',
        office: 'Lisbon',
        recentTickets: [
          'NetSuite keeps logging me out',
          'Workday access request',
          "Can't export reports from NetSuite",
          'SAP Concur licence for a new project',
          'Coupa approvals stuck',
        ].map((subject, i) => ({ number: `F${userId}${i}`, subject, openedAt: '2026-10-05T00:00:00Z' })),
      });
    const sample = [...others, finance('u020'), finance('u021')];
    for (let i = 0; i < 30; i++) {
      const q = byId(buildQuestions(requester, manager, sample, 5), 'recent_ticket', 'choice');
      for (const o of q.options.filter((o) => o.id !== q.answerOptionId))
        expect(finance('x').recentTickets?.map((t) => t.subject)).toContain(o.label);
    }
  });

  it('never offers two options that read the same once normalised (#8)', () => {
    const history = {
      own: [{ subject: 'Password expired', openedAt: '2026-10-20T09:00:00Z' }],
      others: [
        { subject: 'password expired', requester: 'a@example.com' },
        { subject: 'password expired', requester: 'b@example.com' },
        { subject: 'Password  expired.', requester: 'c@example.com' },
        { subject: 'Password  expired.', requester: 'd@example.com' },
        { subject: 'printer on floor 2 jams!', requester: 'a@example.com' },
        { subject: 'printer on floor 2 jams!', requester: 'b@example.com' },
        { subject: 'OUTLOOK keeps asking for my password', requester: 'c@example.com' },
        { subject: 'OUTLOOK keeps asking for my password', requester: 'd@example.com' },
      ],
    };
    for (let i = 0; i < 50; i++) {
      const q = byId(buildQuestions(requester, manager, others, 5, history), 'recent_ticket', 'choice');
      expect(label(q)).toBe('Password expired');
      const keys = q.options.map((o) => normalise(o.label));
      expect(new Set(keys).size).toBe(keys.length);
      // Nor a decoy that reads like another ticket of the person's own.
      expect(keys).not.toContain('printer on floor 2 jams');
    }
  });

  it('counts a subject once per person in the directory, once per ticket in the ticket system', () => {
    const twiceByOne = directoryUser({
      userId: 'u009',
      recentTickets: [
        { number: 'INC7', subject: 'Badge reader rejects my card', openedAt: '2026-10-01T00:00:00Z' },
        { number: 'INC8', subject: 'Badge reader rejects my card', openedAt: '2026-10-09T00:00:00Z' },
      ],
    });
    const alsoByAnother = directoryUser({
      userId: 'u010',
      recentTickets: [
        { number: 'INC9', subject: 'Laptop battery swelling', openedAt: '2026-10-01T00:00:00Z' },
      ],
    });
    expect(sharedSubjects([], [twiceByOne, ...withoutShared(others)])).toEqual([]);
    expect(sharedSubjects([], [alsoByAnother, ...withoutShared(others)])).toEqual([
      'Laptop battery swelling',
    ]);
    expect(sharedSubjects(['Locked out', 'Locked out', 'VPN'], [])).toEqual(['Locked out']);
  });

  it('makes the manager a typed answer with close colleagues as decoys', () => {
    const q = byId(buildQuestions(requester, manager, others), 'manager', 'text');
    expect(q.accepted).toEqual(['Margaret Nguyen']);
    expect(q.answerKind).toBe('person');
    expect(q.decoys).toContain('Margaret Nguyen-Ba');
    expect(q.decoys).not.toContain('Margaret Nguyen');
  });

  it('leaves out what the directory does not know and questions with fewer than two decoys', () => {
    const bare = directoryUser({ managerId: undefined, startDate: '' });
    const qs = buildQuestions(bare, undefined, [others[1] as DirectoryUser], 10);
    // One other person: one decoy each for department and office, so no question at all.
    expect(qs).toEqual([]);
    const some = buildQuestions(bare, undefined, others, 10);
    expect(some.map((q) => q.id).sort()).toEqual(['department', 'office']);
  });

  it('asks the demo requester five questions from the seeded organisation', () => {
    const people = seedDirectory();
    const zoe = people[0] as DirectoryUser;
    const boss = people.find((p) => p.userId === zoe.managerId);
    const qs = buildQuestions(zoe, boss, people.slice(1, 41));
    expect(qs.length).toBe(5);
    expect(qs.some((q) => q.kind === 'text')).toBe(true);
  });
});

describe('publicQuestion', () => {
  it('never shows the answer, the accepted values, the decoys or the weight', () => {
    for (const q of buildQuestions(requester, manager, others, 10)) {
      const shown = JSON.stringify(publicQuestion(q));
      expect(shown).not.toMatch(/answerOptionId|accepted|decoys|weight|Margaret Nguyen"|Workday/);
      expect(publicQuestion(q)).toMatchObject({ id: q.id, kind: q.kind, prompt: q.prompt });
    }
  });
});

describe('gradeResponse', () => {
  const qs = buildQuestions(requester, manager, others, 10);
  const group = byId(qs, 'group', 'choice');
  const managerQ = byId(qs, 'manager', 'text');
  const app = byId(qs, 'app', 'text');

  it('grades options exactly and refuses options of other questions', () => {
    expect(gradeResponse(group, { optionId: group.answerOptionId })).toEqual({
      grade: 'correct',
      shown: label(group),
    });
    const wrong = group.options.find((o) => o.id !== group.answerOptionId);
    expect(gradeResponse(group, { optionId: wrong?.id ?? '' }).grade).toBe('invalid');
    expect(() => gradeResponse(group, { optionId: 'office-1' })).toThrow(RangeError);
    expect(() => gradeResponse(group, { text: 'FIN-AP-Clerks' })).toThrow(RangeError);
    expect(gradeResponse(group, { skipped: true })).toEqual({ grade: 'skipped', shown: null });
  });

  it('grades typed names with nicknames, accents, typos and swapped order; near-miss decoys fail', () => {
    expect(gradeResponse(managerQ, { text: 'Peggy Nguyen' }).grade).toBe('correct');
    expect(gradeResponse(managerQ, { text: 'nguyen margaret' }).grade).toBe('correct');
    expect(gradeResponse(managerQ, { text: 'Margret Nguyen' }).grade).toBe('correct');
    // The given name alone is partial, even though it fits a colleague (Margaret Nguyen-Ba) as well.
    expect(gradeResponse(managerQ, { text: 'Margaret' }).grade).toBe('partial');
    expect(gradeResponse({ ...managerQ, decoys: [] }, { text: 'Margaret' }).grade).toBe('partial');
    expect(gradeResponse(managerQ, { text: 'Margaret Nguyen-Ba' }).grade).toBe('invalid');
    expect(gradeResponse(managerQ, { text: 'José Álvarez' }).grade).toBe('invalid');
    expect(gradeResponse(managerQ, { text: '   ' }).grade).toBe('skipped');
    expect(() => gradeResponse(managerQ, { optionId: 'x' })).toThrow(RangeError);
  });

  it('accepts any of the apps the person uses, the best grade winning', () => {
    expect(gradeResponse(app, { text: 'netsuite' })).toEqual({ grade: 'correct', shown: 'netsuite' });
    expect(gradeResponse(app, { text: 'Concur' }).grade).not.toBe('correct');
    expect(gradeResponse(app, { text: 'Workdya' }).grade).toBe('correct');
    expect(gradeResponse(app, { text: 'Photoshop' }).grade).toBe('invalid');
  });
});

describe('grades, weights and transcript', () => {
  const qs = buildQuestions(requester, manager, others, 3);
  const [a, b, c] = qs as [Question, Question, Question];
  const answers: AnswerRecord[] = [
    { questionId: a.id, grade: 'correct', response: 'x', redacted: false, answeredAt: 't1', elapsedMs: 4000 },
    { questionId: b.id, grade: 'skipped', response: null, redacted: false, answeredAt: 't2', elapsedMs: 900 },
  ];

  it('counts unanswered questions as skipped and weighs each by its privacy', () => {
    expect(gradesOf(qs, answers)).toEqual(
      new Map([
        [a.id, 'correct'],
        [b.id, 'skipped'],
        [c.id, 'skipped'],
      ]),
    );
    expect(weightsOf(qs).get(a.id)).toBe(a.weight);
  });

  it('keeps what was asked, shown and answered, with the grade and the time taken', () => {
    const transcript = buildTranscript(qs, [
      ...answers,
      {
        questionId: c.id,
        grade: 'invalid',
        response: null,
        redacted: true,
        answeredAt: 't3',
        elapsedMs: 2000,
      },
    ]);
    expect(transcript.map((t) => t.questionId)).toEqual([a.id, b.id, c.id]);
    expect(transcript[0]).toMatchObject({
      prompt: a.prompt,
      response: 'x',
      grade: 'correct',
      elapsedMs: 4000,
    });
    expect(transcript[0]?.options).toEqual(a.kind === 'choice' ? a.options.map((o) => o.label) : []);
    expect(transcript[1]).toMatchObject({ response: null, grade: 'skipped', redacted: false });
    expect(transcript[2]).toMatchObject({ response: null, grade: 'invalid', redacted: true });
  });
});

describe('questions an impostor cannot prime or read off the page', () => {
  const people = seedDirectory();
  const zoe = people[0] as DirectoryUser;
  const boss = people.find((p) => p.userId === zoe.managerId);
  const sample = people.slice(1);

  it('asks only about tickets opened well before the one being verified, preferring self-service ones', () => {
    const history = {
      own: [
        // Filed minutes ago in the person's name: never the answer.
        { subject: 'Phone lost, please reset my MFA', openedAt: '2026-11-20T09:55:00Z', selfService: false },
        { subject: 'Teams camera not detected', openedAt: '2026-11-01T09:00:00Z', selfService: false },
        {
          subject: 'Docking station does not charge the laptop',
          openedAt: '2026-10-20T09:00:00Z',
          selfService: true,
        },
      ],
      others: [],
      openedBefore: '2026-11-17T10:00:00Z',
    };
    for (let i = 0; i < 20; i++) {
      const qs = buildQuestions({ ...zoe, recentTickets: [] }, boss, sample, 5, history);
      const ticket = byId(qs, 'recent_ticket', 'choice');
      expect(label(ticket)).toBe('Docking station does not charge the laptop');
      expect(ticket.options.map((o) => o.label)).not.toContain('Phone lost, please reset my MFA');
    }
    // With nothing old enough, no ticket question at all.
    const none = buildQuestions({ ...zoe, recentTickets: [] }, boss, sample, 10, {
      ...history,
      own: history.own.slice(0, 1),
    });
    expect(none.map((q) => q.id)).not.toContain('recent_ticket');
  });

  it('places the true start year uniformly among five consecutive years', () => {
    const positions = new Map<number, number>();
    for (let i = 0; i < 600; i++) {
      const q = byId(buildQuestions(requester, manager, others, 10), 'start_year', 'choice');
      const years = q.options.map((o) => Number(o.label)).sort((a, b) => a - b);
      expect(years).toEqual([0, 1, 2, 3, 4].map((d) => (years[0] ?? 0) + d));
      const rank = years.indexOf(2019);
      positions.set(rank, (positions.get(rank) ?? 0) + 1);
    }
    // Every rank, the lowest and highest included, is taken (each about 120 times of 600).
    for (const rank of [0, 1, 2, 3, 4]) expect(positions.get(rank) ?? 0).toBeGreaterThan(60);
  });

  it('never asks about a group that follows from the department or office, and draws decoys from the same department', () => {
    for (const person of people.filter((p) => p.enabled && (p.groups ?? []).length > 2).slice(0, 60)) {
      const others = people.filter((p) => p.userId !== person.userId);
      const q = buildQuestions(person, undefined, others, 10).find((x) => x.id === 'group');
      if (q?.kind !== 'choice') continue;
      const truth = label(q) ?? '';
      expect(truth).not.toMatch(/-All$|^All |^VPN-Users$/);
      expect(q.options).toHaveLength(PRIVATE_OPTIONS);
      // The decoys are groups other people in the same department hold, of the same shape.
      const deptGroups = new Set(
        others.filter((p) => p.department === person.department).flatMap((p) => p.groups ?? []),
      );
      const decoys = q.options.map((o) => o.label).filter((l) => l !== truth);
      if (others.filter((p) => p.department === person.department).length >= 10)
        expect(decoys.filter((d) => deptGroups.has(d)).length).toBeGreaterThanOrEqual(2);
      for (const d of decoys) expect(d).not.toMatch(/-All$|^All |^VPN-Users$/);
    }
  });

  it('asks who is in the team with decoys from the same department', () => {
    const member = people.find(
      (p) => p.managerId && people.filter((q) => q.managerId === p.managerId).length > 3,
    );
    if (!member) throw new Error('no team in the seed');
    const q = byId(
      buildQuestions(
        member,
        undefined,
        people.filter((p) => p !== member),
        10,
      ),
      'teammate',
      'choice',
    );
    const byName = new Map(people.map((p) => [p.displayName, p]));
    expect(byName.get(label(q) ?? '')?.managerId).toBe(member.managerId);
    for (const o of q.options.filter((o) => o.id !== q.answerOptionId)) {
      const decoy = byName.get(o.label);
      expect(decoy?.managerId).not.toBe(member.managerId);
      expect(decoy?.department).toBe(member.department);
    }
  });

  it('counts a shared subject by distinct people when the ticket system says who raised it', () => {
    expect(
      sharedSubjects(
        [
          { subject: 'Need the M&A data room', requester: 'ceo@example.com' },
          { subject: 'Need the M&A data room', requester: 'CEO@example.com' },
          { subject: 'VPN drops', requester: 'a@example.com' },
          { subject: 'VPN drops', requester: 'b@example.com' },
        ],
        [],
      ),
    ).toEqual(['VPN drops']);
  });
});
