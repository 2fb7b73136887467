/**
 * Grading is deliberately conservative for people: a close but DIFFERENT name (a colleague who is a
 * plausible decoy) must not pass as a typo. Family name right with another given name is partial at
 * most, two distinct known given names (Francis / Frances) or names a final vowel apart (Mario /
 * Maria) are never typos of each other, and (in `gradeFreeText`, with `decoys`) a response at least
 * as close to a decoy as to the expected answer is invalid.
 */
import { jaroWinkler } from './jaro-winkler.js';
import { NICKNAMES } from './nicknames.js';
import { CORRECT_SIMILARITY, type Match, PARTIAL_SIMILARITY } from './text.js';

/** A name with a word too many or too few is compared whole, spaces removed, only within this many characters. */
const WHOLE_NAME_LENGTH_TOLERANCE = 2;

const RANK = { invalid: 0, partial: 1, correct: 2 } as const;

const TITLES = new Set(['mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'prof', 'sir', 'dame']);
const SUFFIXES = new Set(['jr', 'sr', 'ii', 'iii', 'iv', 'phd']);

function nameTokens(normalised: string): string[] {
  const tokens = normalised.split(' ').filter((token) => token !== '');
  while (tokens.length > 1 && TITLES.has(tokens[0] ?? '')) tokens.shift();
  while (tokens.length > 1 && SUFFIXES.has(tokens.at(-1) ?? '')) tokens.pop();
  return tokens;
}

const givenSimilarity = (response: string, expected: string) =>
  response === expected || NICKNAMES.get(response)?.has(expected) ? 1 : jaroWinkler(response, expected);

const FINAL_VOWELS = new Set(['a', 'e', 'i', 'o', 'u']);

/** Maria / Mario, Eric / Erica, Daniel / Daniela: given names a final vowel apart are usually two names. */
function finalVowelApart(x: string, y: string): boolean {
  const [short, long] = x.length <= y.length ? [x, y] : [y, x];
  const shortLast = short.at(-1) ?? '';
  const longLast = long.at(-1) ?? '';
  if (long.length === short.length + 1) return long.startsWith(short) && FINAL_VOWELS.has(longLast);
  return (
    long.length === short.length &&
    long.slice(0, -1) === short.slice(0, -1) &&
    FINAL_VOWELS.has(longLast) &&
    FINAL_VOWELS.has(shortLast)
  );
}

/**
 * Same given name, a nickname of it, or a typo of it. Not a typo: two distinct names of the nickname
 * table (Francis / Frances) or two names a final vowel apart (Mario / Maria): different people.
 */
function givenMatches(response: string, expected: string): boolean {
  if (givenSimilarity(response, expected) === 1) return true;
  if (NICKNAMES.has(response) && NICKNAMES.has(expected)) return false;
  if (finalVowelApart(response, expected)) return false;
  return jaroWinkler(response, expected) >= CORRECT_SIMILARITY;
}

/** Best Jaro-Winkler between any response family form and any expected one (last word, or all after the given name). */
function familySimilarity(response: string[], expected: string[]): number {
  let best = 0;
  for (const r of response) for (const e of expected) best = Math.max(best, jaroWinkler(r, e));
  return best;
}

function wholeNameSimilarity(response: string, expected: string): number {
  return Math.abs(response.length - expected.length) <= WHOLE_NAME_LENGTH_TOLERANCE
    ? jaroWinkler(response, expected)
    : 0;
}

export function gradePerson(response: string, target: string): Match {
  const r = nameTokens(response);
  const e = nameTokens(target);
  const rWhole = r.join('');
  const eWhole = e.join('');
  if (rWhole === eWhole) return { grade: 'correct', similarity: 1 };
  const eGiven = e[0] ?? '';

  // Expected is one word (a mononym, or only a given name on record): any response word may carry it.
  if (e.length === 1) {
    // Run together ("Maryann" for "Mary Ann" is caught above); one word is judged as a given name.
    let similarity = r.length > 1 ? wholeNameSimilarity(rWhole, eWhole) : 0;
    let matches = similarity >= CORRECT_SIMILARITY;
    for (const word of r) {
      similarity = Math.max(similarity, givenSimilarity(word, eGiven));
      matches ||= givenMatches(word, eGiven);
    }
    return {
      grade: matches ? 'correct' : similarity >= PARTIAL_SIMILARITY ? 'partial' : 'invalid',
      similarity,
    };
  }

  const eFamily = [e.at(-1) ?? '', e.slice(1).join('')];

  // One word for a full name: the whole name run together (a typo at most), else given or family alone.
  if (r.length === 1) {
    const word = rWhole;
    const whole = wholeNameSimilarity(word, eWhole);
    const given = givenSimilarity(word, eGiven);
    const family = familySimilarity([word], eFamily);
    const similarity = Math.max(whole, Math.max(given, family) / 2);
    if (whole >= CORRECT_SIMILARITY) return { grade: 'correct', similarity };
    const part = givenMatches(word, eGiven) || family >= CORRECT_SIMILARITY;
    return { grade: part ? 'partial' : 'invalid', similarity };
  }

  // Two or more words: as written, and swapped (family name first); the better reading counts.
  const readings = [
    { given: r[0] ?? '', family: [r.at(-1) ?? '', r.slice(1).join('')] },
    { given: r.at(-1) ?? '', family: [r[0] ?? '', r.slice(0, -1).join('')] },
  ];
  let best: Match = { grade: 'invalid', similarity: 0 };
  for (const reading of readings) {
    const given = givenSimilarity(reading.given, eGiven);
    const family = familySimilarity(reading.family, eFamily);
    const givenRight = givenMatches(reading.given, eGiven);
    // "Priya R": the given name and only the right initial of the family name.
    const familyInitial = reading.family[0]?.length === 1 && eFamily[0]?.startsWith(reading.family[0]);
    const grade =
      givenRight && family >= CORRECT_SIMILARITY
        ? 'correct'
        : family >= CORRECT_SIMILARITY ||
            (givenRight && familyInitial) ||
            (given >= PARTIAL_SIMILARITY && family >= PARTIAL_SIMILARITY)
          ? 'partial'
          : 'invalid';
    const similarity = (given + family) / 2;
    if (RANK[grade] > RANK[best.grade] || (grade === best.grade && similarity > best.similarity)) {
      best = { grade, similarity };
    }
  }
  if (r.length !== e.length) {
    // A space lost or added: the run-together name may still be a typo of the whole name.
    const whole = wholeNameSimilarity(rWhole, eWhole);
    const grade = whole >= CORRECT_SIMILARITY ? 'correct' : best.grade;
    best = { grade, similarity: Math.max(whole, best.similarity) };
  }
  // More words than the name and a middle name: a hedge ("Mateo or Mark Rossi"), partial at most.
  if (r.length > e.length + 1 && best.grade === 'correct') {
    best = { grade: 'partial', similarity: best.similarity };
  }
  return best;
}
