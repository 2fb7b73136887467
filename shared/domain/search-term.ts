/** How the console's search compares text: the same rule for what is indexed and what is typed. */

/** Lower case, accents and surrounding spaces removed, inner spaces collapsed: how search terms compare. */
export function normalizeTerm(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}
