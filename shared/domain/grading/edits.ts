/**
 * What a typo is: a few keystrokes, measured as an edit distance, rather than a similarity score.
 * Jaro-Winkler rewards a shared prefix, so two different words that start alike (Michelle /
 * Michael, Micros / Microsoft) score as typos of each other; an edit distance does not.
 */

/**
 * Damerau-Levenshtein distance, optimal string alignment variant, over code points: the fewest
 * insertions, deletions, substitutions and swaps of two adjacent characters turning `a` into `b`.
 */
export function editDistance(a: string, b: string): number {
  const s = Array.from(a);
  const t = Array.from(b);
  if (s.length === 0) return t.length;
  if (t.length === 0) return s.length;
  // Three rows: two back (for a swap), the previous one and the current one.
  let before = new Array<number>(t.length + 1).fill(0);
  let previous = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const current = [i];
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let best = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) {
        best = Math.min(best, (before[j - 2] ?? 0) + 1);
      }
      current.push(best);
    }
    before = previous;
    previous = current;
  }
  return previous[t.length] ?? 0;
}

/** Up to this many characters, no typo is allowed: a short word one edit away is another word (Jira / Jura). */
const NO_TYPO_LENGTH = 3;
/** Up to this many characters, one edit; longer, two. */
const ONE_TYPO_LENGTH = 6;

/** How many edits a typo of `expected` may make: 0 for 3 characters or fewer, 1 up to 6, else 2. */
export function typoAllowance(expected: string): number {
  const length = Array.from(expected).length;
  return length <= NO_TYPO_LENGTH ? 0 : length <= ONE_TYPO_LENGTH ? 1 : 2;
}

/**
 * Whether one is the other with two or more characters cut off or added at the end (Micros /
 * Microsoft, Stefan / Stefanie, Sales / Salesforce): another word, or half of one, never a typo.
 */
function truncatedOrExtended(a: string, b: string): boolean {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  return long.length - short.length >= 2 && long.startsWith(short);
}

/** A typo of `expected`: within its allowance of edits and not cut short or run on. */
export function isTypo(response: string, expected: string): boolean {
  if (response === expected) return true;
  if (truncatedOrExtended(response, expected)) return false;
  return editDistance(response, expected) <= typoAllowance(expected);
}

/** One edit more than a typo (and not cut short or run on): moderately close, partial at most. */
export function isNearMiss(response: string, expected: string): boolean {
  if (truncatedOrExtended(response, expected)) return false;
  const allowance = typoAllowance(expected);
  return allowance > 0 && editDistance(response, expected) <= allowance + 1;
}
