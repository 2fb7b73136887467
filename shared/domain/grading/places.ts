import { gradeText, type Match } from './text.js';

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

export const gradePlace = (response: string, target: string): Match =>
  gradeText(placeKey(response), placeKey(target));
