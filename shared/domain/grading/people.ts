/**
 * Grading is deliberately conservative for people: a close but DIFFERENT name (a colleague who is a
 * plausible decoy) must not pass as a typo. A typo is a few keystrokes (`edits.ts`), never a name
 * that merely starts alike (Michelle / Michael, Stefan / Stefanie). Family name right with another
 * given name is partial at most, two distinct known given names (Francis / Frances) or names a
 * final vowel apart (Mario / Maria) are never typos of each other, words beyond the name (a hedge,
 * "Mark Russo Rossi") are partial at most, and (in `gradeFreeText`, with `decoys`) a response at
 * least as close to a decoy as to the expected answer is invalid.
 */
import { isTypo } from './edits.js';
import { jaroWinkler } from './jaro-winkler.js';
import { NICKNAMES } from './nicknames.js';
import { type Match, PARTIAL_SIMILARITY } from './text.js';

/** A name with a word too many or too few is compared whole, spaces removed, only within this many characters. */
const WHOLE_NAME_LENGTH_TOLERANCE = 2;
/** A given name this short takes no typo: one edit away is another name (Jon / Jan, Ian / Ivan, Jane / June). */
const NO_TYPO_GIVEN_LENGTH = 4;
/** A family name this short takes no typo (Rao); four letters take one (Nair / Naiir). */
const NO_TYPO_FAMILY_LENGTH = 3;
/** A one-word name answered with more words than this is a list of guesses: invalid. */
const MAX_WORDS_FOR_ONE_WORD_NAME = 2;

const RANK = { invalid: 0, partial: 1, correct: 2 } as const;

const TITLES = new Set(['mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'prof', 'sir', 'dame']);
const SUFFIXES = new Set(['jr', 'sr', 'ii', 'iii', 'iv', 'phd']);

export function nameTokens(normalised: string): string[] {
  const tokens = normalised.split(' ').filter((token) => token !== '');
  while (tokens.length > 1 && TITLES.has(tokens[0] ?? '')) tokens.shift();
  while (tokens.length > 1 && SUFFIXES.has(tokens.at(-1) ?? '')) tokens.pop();
  return tokens;
}

/** Whether nicknames count (Bill for William): not when telling the person meant from a namesake colleague. */
interface Options {
  nicknames: boolean;
}
const WITH_NICKNAMES: Options = { nicknames: true };

const givenSimilarity = (response: string, expected: string, options: Options) =>
  response === expected || (options.nicknames && NICKNAMES.get(response)?.has(expected))
    ? 1
    : jaroWinkler(response, expected);

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
 * A typo of a name: a few keystrokes (`isTypo`), the name long enough to take one, and the same last
 * letter. Names that differ at the end are usually two names (Christian / Christina, Michelle /
 * Michael, Stefan / Stefanie); a slip of the fingers rarely lands there.
 */
function nameTypo(response: string, expected: string, shortest = NO_TYPO_FAMILY_LENGTH): boolean {
  if (response === expected) return true;
  if (Array.from(expected).length <= shortest) return false;
  return response.at(-1) === expected.at(-1) && isTypo(response, expected);
}

/**
 * Same given name, a nickname of it, or a typo of it. Not a typo: two distinct names of the nickname
 * table (Francis / Frances) or two names a final vowel apart (Mario / Maria): different people.
 */
function givenMatches(response: string, expected: string, options: Options): boolean {
  if (givenSimilarity(response, expected, options) === 1) return true;
  if (NICKNAMES.has(response) && NICKNAMES.has(expected)) return false;
  if (finalVowelApart(response, expected)) return false;
  return nameTypo(response, expected, NO_TYPO_GIVEN_LENGTH);
}

/** Whether any response family form is the expected one or a typo of it. */
const familyMatches = (response: string[], expected: string[]) =>
  response.some((r) => expected.some((e) => nameTypo(r, e)));

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

/**
 * A name run together or with a space in another place ("williamhenderson", "Zoem Artin"): split
 * the letters again, and judge given and family name each as such, in either order, so that a
 * different given name run together is no typo either. One of the two must be exact (the given name
 * or a nickname of it, or the family name as written): the typo is in one place, not spread over
 * a cut that moves letters from one name to the other (Michell|ejones for Michael Jones).
 */
function wholeMatches(response: string, expected: string[], options: Options): boolean {
  const given = expected[0] ?? '';
  const family = expected.slice(1).join('');
  if (response === expected.join('')) return true;
  if (family === '') return false;
  const letters = Array.from(response);
  for (let cut = 1; cut < letters.length; cut++) {
    const head = letters.slice(0, cut).join('');
    const tail = letters.slice(cut).join('');
    for (const [g, f] of [
      [head, tail],
      [tail, head],
    ] as const) {
      const givenExact = givenSimilarity(g, given, options) === 1;
      if ((givenExact && nameTypo(f, family)) || (f === family && givenMatches(g, given, options)))
        return true;
    }
  }
  return false;
}

/** Every way to read two words of the response as a given and a family name, in either order. */
function pairs(words: string[]): { given: string; family: string }[] {
  const out: { given: string; family: string }[] = [];
  for (let i = 0; i < words.length; i++)
    for (let j = 0; j < words.length; j++)
      if (i !== j) out.push({ given: words[i] ?? '', family: words[j] ?? '' });
  return out;
}

/**
 * Whether the response names `target` somewhere among its words: any two of them its given name
 * (or a nickname, or a typo) and its family name (or a typo). "Mark Russo Rossi" names Mark Russo
 * as well as Mark Rossi: a hedge between two colleagues.
 */
export function mentionsPerson(response: string, target: string): boolean {
  const r = nameTokens(response);
  const e = nameTokens(target);
  if (e.length < 2) return false;
  const eGiven = e[0] ?? '';
  const eFamily = [e.at(-1) ?? '', e.slice(1).join('')];
  return pairs(r).some(
    (p) => givenMatches(p.given, eGiven, WITH_NICKNAMES) && familyMatches([p.family], eFamily),
  );
}

/** A one-word expected name (a mononym, or only a given name on record). */
function gradeOneWordName(r: string[], eGiven: string, options: Options): Match {
  let similarity = 0;
  let matches = false;
  for (const word of r) {
    similarity = Math.max(similarity, givenSimilarity(word, eGiven, options));
    matches ||= givenMatches(word, eGiven, options);
  }
  // One word: the name or not. Two: the name with another word, partial at most. More: a list.
  if (r.length > MAX_WORDS_FOR_ONE_WORD_NAME) return { grade: 'invalid', similarity };
  if (r.length === 1) return { grade: matches ? 'correct' : 'invalid', similarity };
  const whole = wholeNameSimilarity(r.join(''), eGiven);
  return { grade: matches ? 'partial' : 'invalid', similarity: Math.max(similarity, whole) };
}

export function gradePerson(response: string, target: string, options: Options = WITH_NICKNAMES): Match {
  const r = nameTokens(response);
  const e = nameTokens(target);
  const rWhole = r.join('');
  const eWhole = e.join('');
  if (rWhole === eWhole) return { grade: 'correct', similarity: 1 };
  const eGiven = e[0] ?? '';

  if (e.length === 1) {
    // Run together ("Maryann" for "Mary Ann") is caught above.
    return gradeOneWordName(r, eGiven, options);
  }

  const eFamily = [e.at(-1) ?? '', e.slice(1).join('')];

  // One word for a full name: the whole name run together (a typo at most), else given or family alone.
  if (r.length === 1) {
    const word = rWhole;
    const whole = wholeNameSimilarity(word, eWhole);
    const given = givenSimilarity(word, eGiven, options);
    const family = familySimilarity([word], eFamily);
    const similarity = Math.max(whole, Math.max(given, family) / 2);
    if (wholeMatches(word, e, options)) return { grade: 'correct', similarity };
    const part = givenMatches(word, eGiven, options) || familyMatches([word], eFamily);
    return { grade: part ? 'partial' : 'invalid', similarity };
  }

  // Two or more words: as written, and swapped (family name first); the better reading counts.
  // With more words than the name, the family name is everything after (or before) the given name
  // run together ("Siobhan O Connor"): a word left over is a hedge, not part of the name.
  const extraWords = r.length > e.length;
  const readings = [
    { given: r[0] ?? '', family: extraWords ? [r.slice(1).join('')] : [r.at(-1) ?? '', r.slice(1).join('')] },
    {
      given: r.at(-1) ?? '',
      family: extraWords ? [r.slice(0, -1).join('')] : [r[0] ?? '', r.slice(0, -1).join('')],
    },
  ];
  let best: Match = { grade: 'invalid', similarity: 0 };
  for (const reading of readings) {
    const given = givenSimilarity(reading.given, eGiven, options);
    const family = familySimilarity(reading.family, eFamily);
    const givenRight = givenMatches(reading.given, eGiven, options);
    const familyRight = familyMatches(reading.family, eFamily);
    // "Priya R": the given name and only the right initial of the family name.
    const familyInitial = reading.family[0]?.length === 1 && eFamily[0]?.startsWith(reading.family[0]);
    const grade =
      givenRight && familyRight
        ? 'correct'
        : familyRight ||
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
    // A space lost or added: the run-together name may still be the whole name with a typo.
    const whole = wholeNameSimilarity(rWhole, eWhole);
    const grade = wholeMatches(rWhole, e, options) ? 'correct' : best.grade;
    best = { grade, similarity: Math.max(whole, best.similarity) };
  }
  // More words than the name, the name among them: a hedge ("Mateo or Mark Rossi"), partial at most.
  if (extraWords && best.grade !== 'correct' && mentionsPerson(response, target)) {
    best = { grade: 'partial', similarity: best.similarity };
  }
  return best;
}
