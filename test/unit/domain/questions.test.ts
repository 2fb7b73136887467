import { describe, expect, it } from 'vitest';
import { seedDirectory } from '../../../local/seed.js';
import {
  buildQuestions,
  buildTranscript,
  gradeAnswers,
  publicQuestion,
} from '../../../shared/domain/questions.js';
import type { Question } from '../../../shared/domain/verification.js';
import type { DirectoryUser } from '../../../shared/ports.js';
import { directoryUser } from '../fixtures.js';

const requester = directoryUser({
  userId: 'u001',
  department: 'Finance',
  office: 'Lisbon',
  startDate: '2019-03-01',
  managerId: 'u008',
});
const manager = directoryUser({
  userId: 'u008',
  displayName: 'Margaret Nguyen',
  department: 'Finance',
  office: 'London',
});
const others: DirectoryUser[] = [
  manager,
  directoryUser({ userId: 'u002', displayName: 'José Álvarez', department: 'Engineering', office: 'Berlin' }),
  directoryUser({ userId: 'u003', displayName: "Siobhán O'Connor", department: 'Sales', office: 'Austin' }),
  directoryUser({ userId: 'u004', displayName: 'Bill Henderson', department: 'Legal', office: 'Toronto' }),
  directoryUser({
    userId: 'u005',
    displayName: 'Priya Raghunathan',
    department: 'Finance',
    office: 'Lisbon',
  }),
];

const correctLabel = (q: Question) => q.options.find((o) => o.id === q.answerOptionId)?.label;
const byId = (questions: Question[], id: string) => {
  const q = questions.find((x) => x.id === id);
  if (!q) throw new Error(`question ${id} missing`);
  return q;
};

describe('buildQuestions', () => {
  it('builds q1..q4 with four options each', () => {
    // Act
    const questions = buildQuestions(requester, manager, others);

    // Assess
    expect(questions.map((q) => q.id)).toEqual(['q1', 'q2', 'q3', 'q4']);
    for (const q of questions) expect(q.options).toHaveLength(4);
  });

  it('puts the right answer among the options', () => {
    // Act
    const questions = buildQuestions(requester, manager, others);

    // Assess
    expect(correctLabel(byId(questions, 'q1'))).toBe('Finance');
    expect(correctLabel(byId(questions, 'q2'))).toBe('Margaret Nguyen');
    expect(correctLabel(byId(questions, 'q3'))).toBe('Lisbon');
    expect(correctLabel(byId(questions, 'q4'))).toBe('2019');
  });

  it('never offers a duplicate label nor a decoy equal to the right answer', () => {
    // Prepare: the pool is full of duplicates of the right answers.
    const crowded = [
      ...others,
      directoryUser({
        userId: 'u010',
        displayName: 'Margaret Nguyen',
        department: 'Finance',
        office: 'Lisbon',
      }),
      directoryUser({
        userId: 'u011',
        displayName: 'José Álvarez',
        department: 'Engineering',
        office: 'Berlin',
      }),
    ];

    // Act: many runs, because decoys are drawn at random.
    for (let run = 0; run < 50; run++) {
      const questions = buildQuestions(requester, manager, crowded);

      // Assess
      for (const q of questions) {
        const labels = q.options.map((o) => o.label);
        const answer = correctLabel(q);
        expect(new Set(labels).size).toBe(labels.length);
        expect(labels.filter((l) => l === answer)).toHaveLength(1);
        expect(new Set(q.options.map((o) => o.id)).size).toBe(q.options.length);
        expect(q.options.map((o) => o.id)).toContain(q.answerOptionId);
      }
    }
  });

  it('gives three options when only two decoys exist', () => {
    // Prepare: only two offices other than Lisbon in the organisation.
    const twoOffices = [
      directoryUser({ userId: 'u002', displayName: 'A', department: 'Engineering', office: 'Berlin' }),
      directoryUser({ userId: 'u003', displayName: 'B', department: 'Sales', office: 'Austin' }),
      directoryUser({ userId: 'u004', displayName: 'C', department: 'Legal', office: 'Berlin' }),
      directoryUser({ userId: 'u005', displayName: 'D', department: 'Marketing', office: 'Lisbon' }),
    ];

    // Act
    const q3 = byId(buildQuestions(requester, undefined, twoOffices), 'q3');

    // Assess
    expect(q3.options.map((o) => o.label).sort()).toEqual(['Austin', 'Berlin', 'Lisbon']);
  });

  it('drops a question with fewer than two decoys', () => {
    // Prepare: everyone works in Lisbon except one person.
    const oneOffice = [
      directoryUser({ userId: 'u002', displayName: 'A', department: 'Engineering', office: 'Lisbon' }),
      directoryUser({ userId: 'u003', displayName: 'B', department: 'Sales', office: 'Berlin' }),
      directoryUser({ userId: 'u004', displayName: 'C', department: 'Legal', office: 'Lisbon' }),
    ];

    // Act
    const questions = buildQuestions(requester, undefined, oneOffice);

    // Assess
    expect(questions.map((q) => q.id)).toEqual(['q1', 'q4']);
  });

  it('leaves the manager question out when there is no manager', () => {
    // Act
    const questions = buildQuestions(requester, undefined, others);

    // Assess
    expect(questions.map((q) => q.id)).toEqual(['q1', 'q3', 'q4']);
  });

  it('does not offer the manager as a decoy under another ID', () => {
    // Act
    const q2 = byId(buildQuestions(requester, manager, others), 'q2');

    // Assess
    expect(q2.options.filter((o) => o.label === 'Margaret Nguyen')).toHaveLength(1);
  });

  it('offers neighbouring years as decoys for the start year', () => {
    // Act
    const q4 = byId(buildQuestions(requester, manager, others), 'q4');

    // Assess
    const labels = q4.options.map((o) => o.label);
    expect(labels).toContain('2019');
    for (const label of labels) expect(['2017', '2018', '2019', '2020', '2021']).toContain(label);
  });

  it('works on the seeded organisation', () => {
    // Prepare
    const directory = seedDirectory();
    const zoe = directory[0] as DirectoryUser;
    const zoeManager = directory.find((u) => u.userId === zoe.managerId);
    const rest = directory.filter((u) => u.userId !== zoe.userId);

    // Act
    const questions = buildQuestions(zoe, zoeManager, rest);

    // Assess
    expect(zoeManager).toBeDefined();
    expect(questions.map((q) => q.id)).toEqual(['q1', 'q2', 'q3', 'q4']);
    expect(correctLabel(byId(questions, 'q2'))).toBe(zoeManager?.displayName);
    expect(correctLabel(byId(questions, 'q1'))).toBe(zoe.department);
  });
});

describe('publicQuestion', () => {
  it('strips the answer and keeps the rest', () => {
    // Prepare
    const question = byId(buildQuestions(requester, manager, others), 'q1');

    // Act
    const visible = publicQuestion(question);

    // Assess
    expect(visible).not.toHaveProperty('answerOptionId');
    expect(visible).toEqual({ id: question.id, prompt: question.prompt, options: question.options });
    expect(JSON.stringify(visible)).not.toContain('answerOptionId');
  });
});

describe('gradeAnswers', () => {
  const questions: Question[] = [
    { id: 'q1', prompt: 'p1', options: [], answerOptionId: 'q1o2' },
    { id: 'q2', prompt: 'p2', options: [], answerOptionId: 'q2o1' },
    { id: 'q3', prompt: 'p3', options: [], answerOptionId: 'q3o4' },
    { id: 'q4', prompt: 'p4', options: [], answerOptionId: 'q4o3' },
  ];

  it('grades correct, invalid, skipped and missing answers', () => {
    // Act
    const grades = gradeAnswers(questions, [
      { questionId: 'q1', optionId: 'q1o2' },
      { questionId: 'q2', optionId: 'q2o3' },
      { questionId: 'q3', optionId: null },
    ]);

    // Assess
    expect([...grades]).toEqual([
      ['q1', 'correct'],
      ['q2', 'invalid'],
      ['q3', 'skipped'],
      ['q4', 'skipped'],
    ]);
  });

  it('ignores answers to questions that were not asked', () => {
    // Act
    const grades = gradeAnswers(questions, [
      { questionId: 'q9', optionId: 'q9o1' },
      { questionId: 'q1', optionId: 'q1o2' },
    ]);

    // Assess
    expect(grades.size).toBe(4);
    expect(grades.has('q9')).toBe(false);
    expect(grades.get('q1')).toBe('correct');
  });

  it('treats an option of another question as invalid', () => {
    // Act
    const grades = gradeAnswers(questions, [{ questionId: 'q2', optionId: 'q1o2' }]);

    // Assess
    expect(grades.get('q2')).toBe('invalid');
  });
});

describe('buildTranscript', () => {
  const questions = [
    {
      id: 'q1',
      prompt: 'Which department do you work in?',
      options: [
        { id: 'q1o1', label: 'Finance' },
        { id: 'q1o2', label: 'Legal' },
      ],
      answerOptionId: 'q1o1',
    },
    {
      id: 'q2',
      prompt: 'Which office?',
      options: [
        { id: 'q2o1', label: 'Lisbon' },
        { id: 'q2o2', label: 'Berlin' },
      ],
      answerOptionId: 'q2o2',
    },
  ];
  const answers = [
    { questionId: 'q1', optionId: 'q1o2', elapsedMs: 4200 },
    { questionId: 'q2', optionId: null },
  ];

  it('keeps what was asked, shown and answered, with the grade and the time taken', () => {
    expect(buildTranscript(questions, answers, gradeAnswers(questions, answers), false)).toEqual([
      {
        questionId: 'q1',
        prompt: 'Which department do you work in?',
        options: ['Finance', 'Legal'],
        response: 'Legal',
        redacted: false,
        grade: 'invalid',
        elapsedMs: 4200,
      },
      {
        questionId: 'q2',
        prompt: 'Which office?',
        options: ['Lisbon', 'Berlin'],
        response: null,
        redacted: false,
        grade: 'skipped',
      },
    ]);
  });

  it('drops the responses but keeps grades when redaction is on', () => {
    const transcript = buildTranscript(questions, answers, gradeAnswers(questions, answers), true);
    expect(transcript.map((t) => [t.response, t.redacted, t.grade])).toEqual([
      [null, true, 'invalid'],
      [null, false, 'skipped'],
    ]);
    expect(JSON.stringify(transcript)).not.toContain('"response":"Legal"');
  });
});
