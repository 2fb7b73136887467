/**
 * Free-text grading for identity challenge questions (DESIGN.md §6, "Questions"): a typed answer is
 * normalised, then compared with the expected answer by kind (person, place, year, plain text) and
 * graded correct / partial / invalid / skipped. Pure: no I/O, no logging. The similarity returned
 * is for the transcript and tests only; never log it next to the answer.
 *
 * Grading is deliberately conservative for people: a close but DIFFERENT name (a colleague who is a
 * plausible decoy) must not pass as a typo. Family name right with another given name is partial at
 * most, two distinct known given names (Francis / Frances) or names a final vowel apart (Mario /
 * Maria) are never typos of each other, and with `decoys` a response at least as close to a decoy as
 * to the expected answer is invalid.
 */
import type { FreeTextKind, Grade } from './model/question.js';

export interface FreeTextResult {
  grade: Grade;
  /** 0..1, against the expected answer (for the transcript and tests; never logged with the answer). */
  similarity: number;
}

/** Jaro-Winkler similarity at or above which a response is a typo of the answer (one or two characters). */
export const CORRECT_SIMILARITY = 0.92;
/** Jaro-Winkler similarity at or above which a response is moderately close: partial. */
export const PARTIAL_SIMILARITY = 0.85;
/** A year this far from the expected one (and not equal) is partial. */
export const YEAR_PARTIAL_DISTANCE = 1;
/** A name with a word too many or too few is compared whole, spaces removed, only within this many characters. */
const WHOLE_NAME_LENGTH_TOLERANCE = 2;
/** Winkler's parameters: prefix scale, longest prefix counted, Jaro score below which no boost applies. */
const WINKLER_PREFIX_SCALE = 0.1;
const WINKLER_MAX_PREFIX = 4;
const WINKLER_BOOST_THRESHOLD = 0.7;

// ---------------------------------------------------------------------------------------------------
// Normalisation

const APOSTROPHES = /['’‘ʼʻ`´′＇]/g;
/** Latin letters that NFKD does not decompose into a base letter plus a mark. */
const SPECIAL_LETTERS: Record<string, string> = {
  ł: 'l',
  ø: 'o',
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
  ħ: 'h',
  ŧ: 't',
};
const SPECIAL_LETTER = new RegExp(`[${Object.keys(SPECIAL_LETTERS).join('')}]`, 'g');

/**
 * NFKD, diacritics stripped (é→e, ł→l, ø→o, ß→ss, æ→ae, œ→oe), lower case, apostrophes dropped
 * (O'Connor → oconnor), every other run of punctuation, symbols or whitespace turned into one space
 * (Jean-Luc → jean luc, "D.C." → "d c"), trimmed.
 */
export function normalise(text: string): string {
  return text
    .replace(APOSTROPHES, '')
    .normalize('NFKD')
    .toLowerCase()
    .replace(/\p{M}+/gu, '')
    .replace(SPECIAL_LETTER, (c) => SPECIAL_LETTERS[c] ?? c)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

const compact = (normalised: string) => normalised.replaceAll(' ', '');

// ---------------------------------------------------------------------------------------------------
// Jaro-Winkler

/**
 * Jaro-Winkler similarity (Winkler 1990), over code points, 0..1.
 *
 * Written here rather than imported: the candidate packages (talisman 1.1.4's
 * `talisman/metrics/jaro-winkler.js`, jaro-winkler 0.2.8) are untyped CommonJS, so strict
 * TypeScript needs an ambient declaration for them (TS7016), talisman only resolves under Node ESM
 * through its explicit `.js` subpath, and installs six runtime dependencies (lodash, mnemonist, ...,
 * about 8.5 MB) for these thirty lines (its bundled metric is 2.9 KB minified). Same conventions as
 * Winkler's strcmp95 and talisman (half the out-of-order matches, floored); the tests pin reference
 * values computed with talisman.
 */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return 1;
  // The shorter string looks for its matches in the longer one (symmetric, as in strcmp95).
  const [s, t] = [Array.from(a), Array.from(b)].sort((x, y) => x.length - y.length) as [string[], string[]];
  if (s.length === 0) return 0;
  const window = Math.max(0, Math.floor(t.length / 2) - 1);
  const sMatched = new Array<boolean>(s.length).fill(false);
  const tMatched = new Array<boolean>(t.length).fill(false);
  let matches = 0;
  for (let i = 0; i < s.length; i++) {
    const end = Math.min(t.length - 1, i + window);
    for (let j = Math.max(0, i - window); j <= end; j++) {
      if (!tMatched[j] && s[i] === t[j]) {
        sMatched[i] = true;
        tMatched[j] = true;
        matches++;
        break;
      }
    }
  }
  if (matches === 0) return 0;
  let outOfOrder = 0;
  for (let i = 0, j = 0; i < s.length; i++) {
    if (!sMatched[i]) continue;
    while (!tMatched[j]) j++;
    if (s[i] !== t[j]) outOfOrder++;
    j++;
  }
  const transpositions = Math.floor(outOfOrder / 2);
  const jaro = (matches / s.length + matches / t.length + (matches - transpositions) / matches) / 3;
  if (jaro < WINKLER_BOOST_THRESHOLD) return jaro;
  const limit = Math.min(WINKLER_MAX_PREFIX, s.length, t.length);
  let prefix = 0;
  while (prefix < limit && s[prefix] === t[prefix]) prefix++;
  return jaro + prefix * WINKLER_PREFIX_SCALE * (1 - jaro);
}

// ---------------------------------------------------------------------------------------------------
// Nicknames

/**
 * English given names and their usual short forms, one group per formal name. A name may sit in
 * several groups (Ted: Edward and Theodore); two names are equivalent only when one group holds
 * both, so Edward and Theodore are not.
 */
export const NICKNAME_GROUPS: readonly (readonly string[])[] = [
  ['william', 'will', 'bill', 'billy', 'willy', 'liam'],
  ['robert', 'rob', 'bob', 'bobby', 'robbie', 'bert'],
  ['margaret', 'peggy', 'maggie', 'meg', 'marge', 'margie', 'madge'],
  ['elizabeth', 'liz', 'lizzie', 'beth', 'betty', 'betsy', 'eliza', 'libby', 'bess'],
  ['james', 'jim', 'jimmy', 'jamie'],
  ['michael', 'mike', 'mikey', 'mick', 'mickey'],
  ['katherine', 'catherine', 'kathryn', 'kate', 'katie', 'kathy', 'cathy', 'kat', 'kit'],
  ['thomas', 'tom', 'tommy'],
  ['richard', 'dick', 'rick', 'ricky', 'rich', 'richie'],
  ['charles', 'chuck', 'charlie', 'chas'],
  ['edward', 'ed', 'eddie', 'ted', 'teddy', 'ned'],
  ['theodore', 'theo', 'ted', 'teddy'],
  ['john', 'jack', 'johnny', 'jon'],
  ['jonathan', 'jon', 'jonny'],
  ['alexander', 'alex', 'sasha', 'sandy', 'xander'],
  ['alexandra', 'alex', 'sasha', 'lexi', 'sandy'],
  ['anthony', 'tony'],
  ['joseph', 'joe', 'joey'],
  ['josephine', 'jo', 'josie'],
  ['daniel', 'dan', 'danny'],
  ['david', 'dave', 'davey'],
  ['christopher', 'chris', 'kit', 'topher'],
  ['christine', 'chris', 'chrissy', 'tina'],
  ['christina', 'chris', 'tina'],
  ['matthew', 'matt'],
  ['andrew', 'andy', 'drew'],
  ['stephen', 'steven', 'steve'],
  ['benjamin', 'ben', 'benny'],
  ['samuel', 'sam', 'sammy'],
  ['samantha', 'sam', 'sammy'],
  ['patrick', 'pat', 'paddy'],
  ['patricia', 'pat', 'patty', 'tricia', 'trish'],
  ['jennifer', 'jen', 'jenny'],
  ['rebecca', 'becky', 'becca'],
  ['susan', 'sue', 'susie', 'suzy'],
  ['deborah', 'debra', 'deb', 'debbie'],
  ['victoria', 'vicky', 'tori'],
  ['nicholas', 'nick', 'nicky'],
  ['timothy', 'tim', 'timmy'],
  ['kenneth', 'ken', 'kenny'],
  ['joshua', 'josh'],
  ['gregory', 'greg'],
  ['lawrence', 'laurence', 'larry'],
  ['francis', 'frank', 'frankie'],
  ['frances', 'fran', 'frankie', 'franny'],
  ['henry', 'harry', 'hank'],
  ['jacob', 'jake'],
  ['zachary', 'zach', 'zack'],
  ['frederick', 'fred', 'freddie', 'freddy'],
  ['alfred', 'alf', 'alfie', 'fred'],
  ['donald', 'don', 'donny'],
  ['ronald', 'ron', 'ronnie'],
  ['peter', 'pete'],
  ['philip', 'phillip', 'phil'],
  ['albert', 'al', 'bert', 'bertie'],
  ['alan', 'allan', 'allen', 'al'],
  ['dorothy', 'dot', 'dottie', 'dolly'],
  ['abigail', 'abby', 'abbie', 'gail'],
  ['mary', 'molly', 'polly', 'mae'],
  ['sarah', 'sara', 'sally', 'sadie'],
  ['jessica', 'jess', 'jessie'],
  ['isabel', 'isabella', 'izzy', 'bella'],
];

const NICKNAMES: ReadonlyMap<string, ReadonlySet<string>> = (() => {
  const byName = new Map<string, Set<string>>();
  for (const group of NICKNAME_GROUPS) {
    for (const name of group) {
      const equivalents = byName.get(name) ?? new Set<string>();
      for (const other of group) if (other !== name) equivalents.add(other);
      byName.set(name, equivalents);
    }
  }
  return byName;
})();

/** Every name that shares a nickname group with `name` (normalised, sorted), itself excluded. */
export function nicknamesOf(name: string): string[] {
  return [...(NICKNAMES.get(normalise(name)) ?? [])].sort();
}

/** Symmetric: whether `a` and `b` are different forms of one given name (Bill / William, Peggy / Margaret). */
export function areNicknames(a: string, b: string): boolean {
  const x = normalise(a);
  const y = normalise(b);
  return x !== y && (NICKNAMES.get(x)?.has(y) ?? false);
}

// ---------------------------------------------------------------------------------------------------
// Grading by kind; each returns the grade against one target and a similarity comparable across
// targets (so that decoys can be weighed against the expected answer).

type Match = { grade: 'correct' | 'partial' | 'invalid'; similarity: number };
const RANK = { invalid: 0, partial: 1, correct: 2 } as const;

function byThreshold(similarity: number): Match {
  const grade =
    similarity >= CORRECT_SIMILARITY ? 'correct' : similarity >= PARTIAL_SIMILARITY ? 'partial' : 'invalid';
  return { grade, similarity };
}

function gradeText(response: string, target: string): Match {
  if (compact(response) === compact(target)) return { grade: 'correct', similarity: 1 };
  return byThreshold(jaroWinkler(response, target));
}

// People ---------------------------------------------------------------------------------------------

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

function gradePerson(response: string, target: string): Match {
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

// Places ---------------------------------------------------------------------------------------------

/** Abbreviated words expanded on both sides (St Albans = Saint Albans). */
const PLACE_WORDS: Record<string, string> = { st: 'saint', ste: 'sainte', ft: 'fort', mt: 'mount' };
/** Words that say nothing about which place ("Lisbon office"), dropped when something else is left. */
const PLACE_NOISE = new Set(['office', 'offices', 'hq', 'headquarters']);
/**
 * Local names and common abbreviations mapped to one English form, keyed without spaces. Lisboa is
 * Lisbon: the local name of the same city is the same answer.
 */
const PLACE_ALIASES: Record<string, string[]> = {
  lisbon: ['lisboa'],
  munich: ['munchen', 'muenchen'],
  cologne: ['koln', 'koeln'],
  vienna: ['wien'],
  prague: ['praha'],
  warsaw: ['warszawa'],
  krakow: ['cracow'],
  rome: ['roma'],
  milan: ['milano'],
  florence: ['firenze'],
  naples: ['napoli'],
  turin: ['torino'],
  venice: ['venezia'],
  seville: ['sevilla'],
  copenhagen: ['kobenhavn'],
  gothenburg: ['goteborg'],
  brussels: ['bruxelles', 'brussel'],
  antwerp: ['antwerpen', 'anvers'],
  thehague: ['denhaag'],
  geneva: ['geneve', 'genf'],
  moscow: ['moskva'],
  bucharest: ['bucuresti'],
  belgrade: ['beograd'],
  newyork: ['nyc', 'newyorkcity'],
  losangeles: ['la'],
  sanfrancisco: ['sf'],
  washingtondc: ['dc'],
  hongkong: ['hk'],
  unitedkingdom: ['uk'],
  unitedstates: ['us', 'usa', 'unitedstatesofamerica'],
};
const PLACE_CANONICAL = new Map(
  Object.entries(PLACE_ALIASES).flatMap(([canonical, aliases]) =>
    aliases.map((a) => [a, canonical] as const),
  ),
);

function placeKey(normalised: string): string {
  const words = normalised.split(' ').map((word) => PLACE_WORDS[word] ?? word);
  const meaningful = words.filter((word) => !PLACE_NOISE.has(word));
  const key = (meaningful.length > 0 ? meaningful : words).join('');
  return PLACE_CANONICAL.get(key) ?? key;
}

const gradePlace = (response: string, target: string): Match =>
  gradeText(placeKey(response), placeKey(target));

// Years ----------------------------------------------------------------------------------------------

const FOUR_DIGITS = /^\d{4}$/;

/**
 * Four digits only: "2014" (after normalisation, so " 2014. " too). Two-digit years ("14", "'14")
 * and words ("twenty fourteen") are invalid: ambiguous or not worth parsing for a challenge.
 */
function gradeYear(response: string, target: string): Match {
  if (!FOUR_DIGITS.test(response)) return { grade: 'invalid', similarity: 0 };
  const distance = Math.abs(Number(response) - Number(target));
  if (distance === 0) return { grade: 'correct', similarity: 1 };
  if (distance <= YEAR_PARTIAL_DISTANCE) return { grade: 'partial', similarity: 0.5 };
  return { grade: 'invalid', similarity: 0 };
}

const GRADERS: Record<FreeTextKind, (response: string, target: string) => Match> = {
  person: gradePerson,
  place: gradePlace,
  text: gradeText,
  year: gradeYear,
};

/**
 * Grade a typed answer. Empty, whitespace-only or punctuation-only responses are skipped.
 *
 * - person: exact after normalisation, swapped order, a nickname of the given name with the right
 *   family name, or a typo (Jaro-Winkler ≥ CORRECT_SIMILARITY per word) → correct; the given or the
 *   family name alone, the family name with another given name, or both words moderately close
 *   (≥ PARTIAL_SIMILARITY) → partial; else invalid. More words than the name and one middle name
 *   (a hedge: "Mateo or Mark Rossi") is partial at most.
 * - place: local names and abbreviations mapped (Lisboa = Lisbon, NYC = New York), then as text.
 * - text: exact (ignoring spaces) or ≥ CORRECT_SIMILARITY → correct, ≥ PARTIAL_SIMILARITY → partial.
 * - year: four digits; exact → correct, off by YEAR_PARTIAL_DISTANCE → partial, else invalid.
 *
 * `decoys` are the other names or values offered or likely (colleagues with close names): a response
 * at least as similar to a decoy as to the expected answer is invalid. A decoy that grades as the
 * expected answer itself with similarity 1 (a namesake, "Lisboa" for Lisbon) is ignored.
 *
 * @throws RangeError when `expected` is empty after normalisation, or not a four-digit year for `year`.
 */
export function gradeFreeText(
  response: string | null | undefined,
  expected: string,
  kind: FreeTextKind,
  decoys: readonly string[] = [],
): FreeTextResult {
  const target = normalise(expected);
  if (target === '') throw new RangeError('expected answer is empty');
  if (kind === 'year' && !FOUR_DIGITS.test(target)) throw new RangeError('expected year is not four digits');
  const answer = normalise(response ?? '');
  if (answer === '') return { grade: 'skipped', similarity: 0 };

  const grade = GRADERS[kind];
  const match = grade(answer, target);
  if (match.grade === 'invalid') return match;
  for (const decoy of decoys) {
    const other = normalise(decoy);
    // A decoy that is the answer in another form (a namesake, Lisboa for Lisbon) tells nothing apart.
    if (other === '' || grade(other, target).similarity === 1) continue;
    // A decoy as close as the answer makes a typo-match worthless; a partial answer (a first name
    // alone) that fits a colleague just as well stays partial: it is what the person typed.
    const closeness = grade(answer, other).similarity;
    if (match.grade === 'correct' ? closeness >= match.similarity : closeness > match.similarity) {
      return { grade: 'invalid', similarity: match.similarity };
    }
  }
  return match;
}
