/** The one rule for every date range of the console, and the calendar arithmetic it needs. */

/**
 * The longest date range (in calendar months) the dashboard, the table's filters and the audit log
 * accept, and the longest an export accepts. Defaults of the settings CONSOLE_MAX_RANGE_MONTHS and
 * EXPORT_MAX_RANGE_MONTHS (shared/use-cases/console/config.ts).
 */
export const MAX_RANGE_MONTHS = 13;
export const EXPORT_MAX_RANGE_MONTHS = 60;

/** Why a date range is refused: a stable code and a sentence for the person who chose it. */
export interface RangeProblem {
  code: 'RANGE_REVERSED' | 'DATE_IN_FUTURE' | 'RANGE_TOO_LONG';
  message: string;
}

const DAY_MS = 86_400_000;
/** `YYYY-MM-DD` plus n days (UTC). */
export const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
/** `YYYY-MM-DD` plus n calendar months, clamped to the month's last day. */
export function addMonths(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  // setUTCFullYear, not Date.UTC: Date.UTC reads the years 0-99 as 1900-1999.
  const at = (month: number, date: number) => new Date(new Date(0).setUTCFullYear(y, month, date));
  const last = at(m - 1 + n + 1, 0).getUTCDate();
  return at(m - 1 + n, Math.min(d, last))
    .toISOString()
    .slice(0, 10);
}
/** Days in [from, to], both ends included. */
export const daysIn = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;

/**
 * The one rule for every date range of the console (dashboard, table, audit log, export): the
 * start not after the end, the end not after tomorrow (UTC; a console user east of UTC may already
 * be there), and at most `maxMonths` calendar months. Dates are real calendar days (the schemas).
 */
export function rangeProblem(
  range: { from: string; to: string },
  rules: { today: string; maxMonths: number },
): RangeProblem | undefined {
  const { from, to } = range;
  if (from > to)
    return {
      code: 'RANGE_REVERSED',
      message: `The start date (${from}) is after the end date (${to}); swap them or pick another start date.`,
    };
  const latest = addDays(rules.today, 1);
  if (to > latest)
    return {
      code: 'DATE_IN_FUTURE',
      message: `The end date (${to}) is in the future; pick a day up to today (${rules.today}).`,
    };
  if (to >= addMonths(from, rules.maxMonths))
    return {
      code: 'RANGE_TOO_LONG',
      message: `Pick a range of at most ${rules.maxMonths} months; ${from} to ${to} is ${daysIn(from, to)} days.`,
    };
  return undefined;
}
