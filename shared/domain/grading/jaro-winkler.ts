/** Winkler's parameters: prefix scale, longest prefix counted, Jaro score below which no boost applies. */
const WINKLER_PREFIX_SCALE = 0.1;
const WINKLER_MAX_PREFIX = 4;
const WINKLER_BOOST_THRESHOLD = 0.7;

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
