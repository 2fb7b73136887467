/**
 * Text normalisation for free-text grading: what is left of a typed answer once accents, case,
 * apostrophes, punctuation and spacing, which say nothing about who typed it, are gone.
 */
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
