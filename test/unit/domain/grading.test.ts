import { describe, expect, it } from 'vitest';
import { editDistance, isTypo, typoAllowance } from '../../../shared/domain/grading/edits.js';
import { gradeFreeText } from '../../../shared/domain/grading/free-text.js';
import { jaroWinkler } from '../../../shared/domain/grading/jaro-winkler.js';
import { areNicknames, NICKNAME_GROUPS, nicknamesOf } from '../../../shared/domain/grading/nicknames.js';
import { normalise } from '../../../shared/domain/grading/normalise.js';
import { CORRECT_SIMILARITY, PARTIAL_SIMILARITY } from '../../../shared/domain/grading/text.js';
import { YEAR_PARTIAL_DISTANCE } from '../../../shared/domain/grading/years.js';
import type { FreeTextKind } from '../../../shared/domain/model/question.js';

const grade = (
  response: string | null | undefined,
  expected: string,
  kind: FreeTextKind,
  decoys?: string[],
) => gradeFreeText(response, expected, kind, decoys).grade;

describe('normalise', () => {
  it('strips diacritics, including letters NFKD does not decompose', () => {
    expect(normalise('Zoë Martín')).toBe('zoe martin');
    expect(normalise('Łukasz Øster')).toBe('lukasz oster');
    expect(normalise('Straße Æsir Œuvre')).toBe('strasse aesir oeuvre');
    expect(normalise('São João')).toBe('sao joao');
  });

  it('drops apostrophes, turns other punctuation into one space, lower-cases, collapses and trims', () => {
    expect(normalise("  Siobhán   O'Connor! ")).toBe('siobhan oconnor');
    expect(normalise('O’Brien')).toBe('obrien');
    expect(normalise('Jean-Luc\tPicard')).toBe('jean luc picard');
    expect(normalise('WASHINGTON,   D.C.')).toBe('washington d c');
  });

  it('folds compatibility forms (full-width) and leaves nothing of punctuation alone', () => {
    expect(normalise('２０１４')).toBe('2014');
    expect(normalise(' ?! ')).toBe('');
  });
});

describe('jaroWinkler', () => {
  // Reference values computed with talisman/metrics/jaro-winkler (strcmp95 conventions).
  it.each([
    ['martha', 'marhta', 0.9611111],
    ['dixon', 'dicksonx', 0.8133333],
    ['dwayne', 'duane', 0.84],
    ['abcd', 'bcda', 0.8333333],
    ['crate', 'trace', 0.7333333],
    // Three matches out of order: transpositions = floor(3 / 2), as strcmp95 counts them.
    ['abcdef', 'bcadef', 0.9444444],
    ['lisbon', 'lisburn', 0.9095238],
  ])('%s / %s = %f', (a, b, expected) => {
    expect(jaroWinkler(a, b)).toBeCloseTo(expected, 6);
    expect(jaroWinkler(b, a)).toBeCloseTo(expected, 6);
  });

  it('is 1 for equal strings and 0 with nothing in common or an empty side', () => {
    expect(jaroWinkler('', '')).toBe(1);
    expect(jaroWinkler('rossi', 'rossi')).toBe(1);
    expect(jaroWinkler('abc', 'xyz')).toBe(0);
    expect(jaroWinkler('abc', '')).toBe(0);
  });
});

describe('nicknames', () => {
  it('looks up both ways', () => {
    expect(areNicknames('Bill', 'William')).toBe(true);
    expect(areNicknames('William', 'Bill')).toBe(true);
    expect(areNicknames('Peggy', 'Margaret')).toBe(true);
    expect(areNicknames('Sasha', 'Alexander')).toBe(true);
    expect(areNicknames('Chuck', 'Charles')).toBe(true);
    expect(nicknamesOf('Robert')).toEqual(['bert', 'bob', 'bobby', 'rob', 'robbie']);
  });

  it('is not transitive across groups and a name is not its own nickname', () => {
    // Ted is short for both Edward and Theodore: that does not make them one name.
    expect(areNicknames('Ted', 'Edward')).toBe(true);
    expect(areNicknames('Ted', 'Theodore')).toBe(true);
    expect(areNicknames('Edward', 'Theodore')).toBe(false);
    expect(areNicknames('William', 'William')).toBe(false);
    expect(areNicknames('Bill', 'Robert')).toBe(false);
  });

  it('has about forty groups, all written normalised', () => {
    expect(NICKNAME_GROUPS.length).toBeGreaterThanOrEqual(40);
    for (const group of NICKNAME_GROUPS) for (const name of group) expect(normalise(name)).toBe(name);
  });
});

describe('gradeFreeText: skipped', () => {
  it.each([null, undefined, '', '   ', '\t\n', ' ?! '])('%j is skipped', (response) => {
    expect(gradeFreeText(response, 'Zoë Martín', 'person')).toEqual({ grade: 'skipped', similarity: 0 });
  });

  it('refuses an empty expected answer or a non-year expected year', () => {
    expect(() => gradeFreeText('x', ' . ', 'text')).toThrow(RangeError);
    expect(() => gradeFreeText('2014', 'March 2014', 'year')).toThrow(RangeError);
  });
});

describe('gradeFreeText: people', () => {
  it('accepts exact names whatever the case, spacing and punctuation', () => {
    expect(gradeFreeText('  zoë   MARTÍN. ', 'Zoë Martín', 'person')).toEqual({
      grade: 'correct',
      similarity: 1,
    });
    expect(grade('Dr. William Henderson Jr.', 'William Henderson', 'person')).toBe('correct');
  });

  it('accepts a nickname of the given name with the right family name', () => {
    expect(gradeFreeText('Bill Henderson', 'William Henderson', 'person')).toEqual({
      grade: 'correct',
      similarity: 1,
    });
    expect(grade('Peggy Nguyen', 'Margaret Nguyen', 'person')).toBe('correct');
    expect(grade('Peggy', 'Margaret', 'person')).toBe('correct');
    expect(grade('Sasha Ivanov', 'Alexander Ivanov', 'person')).toBe('correct');
  });

  it('accepts names typed without accents', () => {
    expect(grade('Zoe Martin', 'Zoë Martín', 'person')).toBe('correct');
    expect(grade('Lukasz Nowak', 'Łukasz Nowak', 'person')).toBe('correct');
    expect(grade('Siobhan OConnor', "Siobhán O'Connor", 'person')).toBe('correct');
    expect(grade('Siobhan O Connor', "Siobhán O'Connor", 'person')).toBe('correct');
  });

  it('accepts the family name first', () => {
    expect(gradeFreeText('Martin Zoe', 'Zoë Martín', 'person')).toEqual({ grade: 'correct', similarity: 1 });
    expect(grade('Martín, Zoë', 'Zoë Martín', 'person')).toBe('correct');
    expect(grade('Henderson Bill', 'William Henderson', 'person')).toBe('correct');
  });

  it('accepts one- or two-character typos', () => {
    const matrin = gradeFreeText('Zoe Matrin', 'Zoë Martín', 'person');
    expect(matrin.grade).toBe('correct');
    expect(matrin.similarity).toBeGreaterThanOrEqual(CORRECT_SIMILARITY);
    expect(matrin.similarity).toBeLessThan(1);
    expect(grade('Wiliam Hendersen', 'William Henderson', 'person')).toBe('correct');
    expect(grade('williamhenderson', 'William Henderson', 'person')).toBe('correct');
    expect(grade('Zoem Artin', 'Zoë Martín', 'person')).toBe('correct');
  });

  it('gives partial for the given name (or its nickname) alone, or the family name alone', () => {
    expect(gradeFreeText('Zoe', 'Zoë Martín', 'person')).toEqual({ grade: 'partial', similarity: 0.5 });
    expect(grade('Peggy', 'Margaret Nguyen', 'person')).toBe('partial');
    expect(grade('Martin', 'Zoë Martín', 'person')).toBe('partial');
    expect(grade('Priya R', 'Priya Raghunathan', 'person')).toBe('partial');
  });

  it('gives partial at most for the right family name with another given name', () => {
    const mark = gradeFreeText('Mark Rossi', 'Mateo Rossi', 'person');
    expect(mark.grade).toBe('partial');
    expect(mark.similarity).toBeLessThan(PARTIAL_SIMILARITY);
    // Close spellings of two different names are not typos of each other.
    expect(grade('Frances Hill', 'Francis Hill', 'person')).toBe('partial');
    expect(grade('Maria Rossi', 'Mario Rossi', 'person')).toBe('partial');
    expect(grade('Eric Smith', 'Erica Smith', 'person')).toBe('partial');
    expect(grade('Mateo or Mark Rossi', 'Mateo Rossi', 'person')).toBe('partial');
  });

  it('rejects another person', () => {
    expect(grade('John Smith', 'John Henderson', 'person')).toBe('invalid');
    expect(grade('Priya Raghunathan', 'Zoë Martín', 'person')).toBe('invalid');
    expect(grade('Priya S', 'Priya Raghunathan', 'person')).toBe('invalid');
    expect(grade('Bob', 'William Henderson', 'person')).toBe('invalid');
  });

  it('rejects a response at least as close to a decoy as to the answer', () => {
    const decoys = ['Mark Rossi', 'Maria Rossi', 'Matt Ross'];
    expect(grade('Mark Rossi', 'Mateo Rossi', 'person', decoys)).toBe('invalid');
    expect(grade('Marc Rossi', 'Mateo Rossi', 'person', decoys)).toBe('invalid');
    expect(grade('Mateo Rossi', 'Mateo Rossi', 'person', decoys)).toBe('correct');
    expect(grade('Mateo Rosi', 'Mateo Rossi', 'person', decoys)).toBe('correct');
    // Half a name that fits a colleague just as well stays what it is: partial (it proves little).
    expect(grade('Rossi', 'Mateo Rossi', 'person', decoys)).toBe('partial');
    // Bill fits William Hart as well as William Henderson: the first name only, partial.
    expect(grade('Bill', 'William Henderson', 'person', ['William Hart'])).toBe('partial');
    expect(grade('Bill Henderson', 'William Henderson', 'person', ['William Hart'])).toBe('correct');
    // A decoy spelled like the answer (a namesake) is ignored.
    expect(grade('Mateo Rossi', 'Mateo Rossi', 'person', ['MATEO ROSSÍ'])).toBe('correct');
  });
});

describe('gradeFreeText: places', () => {
  it('accepts exact and typo-tolerant names', () => {
    expect(gradeFreeText('lisbon', 'Lisbon', 'place')).toEqual({ grade: 'correct', similarity: 1 });
    const typo = gradeFreeText('Lisbn', 'Lisbon', 'place');
    expect(typo.grade).toBe('correct');
    expect(typo.similarity).toBeCloseTo(0.9667, 4);
    expect(grade('Lisbon office', 'Lisbon', 'place')).toBe('correct');
  });

  it('accepts the local name and common abbreviations (Lisboa is Lisbon)', () => {
    expect(gradeFreeText('Lisboa', 'Lisbon', 'place')).toEqual({ grade: 'correct', similarity: 1 });
    expect(grade('München', 'Munich', 'place')).toBe('correct');
    expect(grade('NYC', 'New York', 'place')).toBe('correct');
    expect(grade('Washington, D.C.', 'Washington DC', 'place')).toBe('correct');
    expect(grade('St. Albans', 'Saint Albans', 'place')).toBe('correct');
  });

  it('gives partial for a moderately close place, invalid for a decoy or another place', () => {
    expect(grade('Lisburn', 'Lisbon', 'place')).toBe('partial');
    expect(grade('Lisburn', 'Lisbon', 'place', ['Lisburn', 'London'])).toBe('invalid');
    expect(grade('London', 'Lisbon', 'place')).toBe('invalid');
    // A decoy that is the answer under another name is ignored.
    expect(grade('Lisbon', 'Lisbon', 'place', ['Lisboa', 'London'])).toBe('correct');
  });
});

describe('gradeFreeText: years', () => {
  it('grades exact, off by one and the rest', () => {
    expect(gradeFreeText('2014', '2014', 'year')).toEqual({ grade: 'correct', similarity: 1 });
    expect(gradeFreeText(' 2014. ', '2014', 'year').grade).toBe('correct');
    expect(YEAR_PARTIAL_DISTANCE).toBe(1);
    expect(gradeFreeText('2015', '2014', 'year')).toEqual({ grade: 'partial', similarity: 0.5 });
    expect(grade('2013', '2014', 'year')).toBe('partial');
    expect(grade('2016', '2014', 'year')).toBe('invalid');
  });

  it('takes four digits only: two-digit years and words are invalid', () => {
    expect(grade('14', '2014', 'year')).toBe('invalid');
    expect(grade("'14", '2014', 'year')).toBe('invalid');
    expect(grade('twenty fourteen', '2014', 'year')).toBe('invalid');
    expect(grade('in 2014', '2014', 'year')).toBe('invalid');
  });

  it('rejects an off-by-one year that was offered as a decoy', () => {
    expect(grade('2015', '2014', 'year', ['2013', '2015'])).toBe('invalid');
    expect(grade('2014', '2014', 'year', ['2013', '2015'])).toBe('correct');
  });
});

describe('gradeFreeText: text', () => {
  it('grades by normalised equality, then edit distance: a typo is correct, one edit more partial', () => {
    expect(gradeFreeText('  PAYROLL!! ', 'Payroll', 'text')).toEqual({ grade: 'correct', similarity: 1 });
    expect(grade('ServiceNow', 'Service Now', 'text')).toBe('correct');
    expect(grade('Payrol', 'Payroll', 'text')).toBe('correct');
    expect(grade('Fianance', 'Finance', 'text')).toBe('correct');
    const partial = gradeFreeText('Phinanse', 'Finance', 'text');
    expect(partial.grade).toBe('partial');
    expect(partial.similarity).toBeLessThan(1);
    // A word beyond the answer is not a typo of it (this was partial by Jaro-Winkler).
    expect(grade('Finanse dept', 'Finance', 'text')).toBe('invalid');
    expect(gradeFreeText('Jira', 'Confluence', 'text')).toEqual({ grade: 'invalid', similarity: 0 });
  });
});

describe('editDistance and typos', () => {
  it('counts insertions, deletions, substitutions and adjacent swaps', () => {
    expect(editDistance('michael', 'micheal')).toBe(1);
    expect(editDistance('michael', 'michelle')).toBe(3);
    expect(editDistance('christina', 'christian')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('zoë', 'zoë')).toBe(0);
  });

  it('allows no edit up to 3 characters, one up to 6, two beyond, never a cut-off start', () => {
    expect(typoAllowance('sap')).toBe(0);
    expect(typoAllowance('slack')).toBe(1);
    expect(typoAllowance('workday')).toBe(2);
    expect(isTypo('wrkday', 'workday')).toBe(true);
    expect(isTypo('micros', 'microsoft')).toBe(false);
    expect(isTypo('stefan', 'stefanie')).toBe(false);
  });
});

describe('gradeFreeText: what an impostor types is not a typo', () => {
  it('never takes another first name that starts alike for a typo (#1)', () => {
    expect(grade('Michelle Jones', 'Michael Jones', 'person')).not.toBe('correct');
    expect(grade('Danielle Smith', 'Daniel Smith', 'person')).not.toBe('correct');
    expect(grade('Christian Berg', 'Christina Berg', 'person')).not.toBe('correct');
    expect(grade('Stefan Weber', 'Stefanie Weber', 'person')).not.toBe('correct');
    expect(grade('Michelle', 'Michael', 'person')).toBe('invalid');
    expect(grade('Danielle', 'Daniel', 'person')).toBe('invalid');
    expect(grade('Christian', 'Christina', 'person')).toBe('invalid');
    expect(grade('Stefan', 'Stefanie', 'person')).toBe('invalid');
    // Run together, the different first name is no typo either.
    expect(grade('MichelleJones', 'Michael Jones', 'person')).not.toBe('correct');
    expect(grade('Jones Michelle', 'Michael Jones', 'person')).not.toBe('correct');
  });

  it('still takes real typos of a first name (a swap, a letter missing or doubled)', () => {
    expect(grade('Micheal Jones', 'Michael Jones', 'person')).toBe('correct');
    expect(grade('Micheal', 'Michael', 'person')).toBe('correct');
    expect(grade('Danniel Smith', 'Daniel Smith', 'person')).toBe('correct');
    expect(grade('Cristina Berg', 'Christina Berg', 'person')).toBe('correct');
    expect(grade('Stefanie Webber', 'Stefanie Weber', 'person')).toBe('correct');
    expect(grade('Kavya Naiir', 'Kavya Nair', 'person')).toBe('correct');
    // Short given names take no typo: one letter away is another name.
    expect(grade('Jan Smith', 'Jon Smith', 'person')).not.toBe('correct');
  });

  it('gives a hedge on the family name partial at most, invalid when it names a decoy (#2)', () => {
    expect(grade('Mark Russo Rossi', 'Mark Rossi', 'person')).not.toBe('correct');
    expect(grade('Mark Russo Rossi', 'Mark Rossi', 'person', ['Mark Russo'])).toBe('invalid');
    expect(grade('Mark Rossi Russo', 'Mark Rossi', 'person', ['Mark Russo'])).toBe('invalid');
    expect(grade('Mark Rossi', 'Mark Rossi', 'person', ['Mark Russo'])).toBe('correct');
  });

  it('rejects a list of names for a one-word name (#3)', () => {
    expect(grade('Anna Maria Sofia Priya Lena Zoe', 'Priya', 'person')).toBe('invalid');
    expect(grade('Anna Priya Zoe', 'Priya', 'person')).toBe('invalid');
    expect(grade('Anna Priya', 'Priya', 'person')).not.toBe('correct');
    expect(grade('Priya', 'Priya', 'person')).toBe('correct');
    expect(grade('priya!', 'Priya', 'person')).toBe('correct');
  });

  it('never lets a real colleague who shares a nickname pass as the answer (#4)', () => {
    expect(grade('Liam Jones', 'William Jones', 'person', ['Liam Jones'])).toBe('invalid');
    expect(grade('Alex Smith', 'Alexander Smith', 'person', ['Alex Smith'])).toBe('invalid');
    expect(grade('Sam Lee', 'Samuel Lee', 'person', ['Sam Lee'])).toBe('invalid');
    expect(grade('Pat Kelly', 'Patricia Kelly', 'person', ['Pat Kelly'])).toBe('invalid');
    expect(grade('Al Brown', 'Albert Brown', 'person', ['Al Brown'])).toBe('invalid');
    expect(grade('Bert Cole', 'Robert Cole', 'person', ['Bert Cole'])).toBe('invalid');
    expect(grade('Kit Moore', 'Katherine Moore', 'person', ['Kit Moore'])).toBe('invalid');
    expect(grade('Lian Jones', 'William Jones', 'person', ['Liam Jones'])).not.toBe('correct');
    // The person meant, by their name or another nickname of it, still passes.
    expect(grade('William Jones', 'William Jones', 'person', ['Liam Jones'])).toBe('correct');
    expect(grade('Bill Jones', 'William Jones', 'person', ['Liam Jones'])).toBe('correct');
    expect(grade('Wiliam Jones', 'William Jones', 'person', ['Liam Jones'])).toBe('correct');
  });

  it('takes the whole app name, not its start, nor a list (#5)', () => {
    expect(grade('Micros', 'Microsoft', 'text')).toBe('invalid');
    expect(grade('Sales', 'Salesforce', 'text')).toBe('invalid');
    expect(grade('Workday or Slack', 'Slack', 'text')).toBe('invalid');
    expect(grade('Workday or Slack', 'Workday', 'text')).toBe('invalid');
    expect(grade('Jira Slack Zoom', 'Slack', 'text')).toBe('invalid');
    expect(grade('Jira Slack Zoom', 'Zoom', 'text')).toBe('invalid');
    // Typos of the whole name still count.
    expect(grade('Microsft', 'Microsoft', 'text')).toBe('correct');
    expect(grade('Salesfroce', 'Salesforce', 'text')).toBe('correct');
    expect(grade('Slak', 'Slack', 'text')).toBe('correct');
  });

  it('rejects a list of places (#6)', () => {
    expect(grade('Lisbon Porto', 'Lisbon', 'place')).toBe('invalid');
    expect(grade('Porto Lisbon', 'Lisbon', 'place')).toBe('invalid');
    expect(grade('Lisbon or London', 'Lisbon', 'place')).toBe('invalid');
  });
});
