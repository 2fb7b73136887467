/**
 * The export's CSV: the columns people read (Passed, High, never raw codes), the file's name, and
 * the rows streamed through csv-stringify a chunk at a time.
 *
 * Cells are quoted, and any cell starting with = + - @ tab or CR is prefixed with a single quote
 * so a spreadsheet shows it as text instead of running it as a formula (OWASP CSV injection).
 */
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { VerificationRow } from '../../console-api/verifications.js';
import { neutralise } from '../../csv-cell.js';

const ACTION_LABELS: Record<VerificationRow['actionState'], string> = {
  none: '',
  pending: 'Waiting for the requester',
  running: 'In progress',
  done: 'Done',
  failed: 'Failed',
  expired: 'Not done (window expired)',
};

/** "4 min 05 s": how long the requester took, as people read it. */
function duration(seconds: number | undefined): string {
  if (seconds === undefined) return '';
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return m > 0 ? `${m} min ${String(s).padStart(2, '0')} s` : `${s} s`;
}

/** The CSV's columns: the labels people read (Passed, High), never raw codes. */
function csvColumns(
  base: string,
): { header: string; cell: (r: VerificationRow) => string | number | undefined }[] {
  const consoleBaseUrl = base.replace(/\/+$/, '');
  return [
    { header: 'Verification ID', cell: (r) => r.verificationId },
    { header: 'Ticket', cell: (r) => r.ticketNumber },
    { header: 'Requester', cell: (r) => r.requesterName },
    { header: 'Requester email', cell: (r) => r.requesterEmail },
    { header: 'Outcome', cell: (r) => r.outcome },
    { header: 'Risk level', cell: (r) => r.level },
    { header: 'Risk score', cell: (r) => r.riskScore },
    { header: 'Recommendation', cell: (r) => r.recommendation },
    { header: 'Main reasons', cell: (r) => r.mainReasons?.join('; ') },
    {
      header: 'Requester report',
      cell: (r) => (r.requesterReport?.kind === 'not_me' ? 'Said they did not ask for this' : ''),
    },
    {
      header: 'User feedback',
      cell: (r) =>
        r.feedback
          ? `${r.feedback.difficulty === 'easy' ? 'Easy' : 'Hard'}${r.feedback.comment ? `: ${r.feedback.comment}` : ''}`
          : '',
    },
    { header: 'Category', cell: (r) => r.category },
    { header: 'Initiated by', cell: (r) => r.agent },
    { header: 'Channel', cell: (r) => (r.channel === 'sms' ? 'SMS' : 'Email') },
    { header: 'Action result', cell: (r) => ACTION_LABELS[r.actionState] },
    { header: 'Duration', cell: (r) => duration(r.durationSeconds) },
    { header: 'Created (UTC)', cell: (r) => r.createdAt },
    { header: 'Completed (UTC)', cell: (r) => r.completedAt },
    { header: 'Write-back', cell: (r) => r.writeBackState },
    { header: 'Console link', cell: (r) => `${consoleBaseUrl}/verifications/${r.verificationId}` },
  ];
}

/** What the file holds, in its name: `verifications_2026-01-01_to_2026-03-31_status-failed.csv`. */
export function exportFileName(filters: Record<string, string | undefined>): string {
  const { from, to, ...rest } = filters;
  const parts = ['verifications', from && to ? `${from}_to_${to}` : 'all'];
  // A search term may be an email: the name says only that the rows were searched.
  if (rest.q) rest.q = 'search';
  for (const [k, v] of Object.entries(rest).sort())
    if (v)
      parts.push(
        `${k}-${v}`
          .toLowerCase()
          .replace(/[^a-z0-9-]+/g, '-')
          .replace(/^-|-$/g, '')
          .slice(0, 40),
      );
  return `${parts.filter(Boolean).join('_')}.csv`;
}

/** Rows in, CSV text out, a chunk at a time. */
export function toCsv(
  rows: AsyncIterable<VerificationRow> | Iterable<VerificationRow>,
  consoleBaseUrl = '',
): AsyncIterable<string> {
  const columns = csvColumns(consoleBaseUrl);
  const csv = stringify({
    header: true,
    columns: columns.map((c) => c.header),
    quoted_string: true,
    cast: { string: neutralise },
  });
  const cells = async function* () {
    for await (const row of rows) yield columns.map((c) => c.cell(row) ?? '');
  };
  const source = Readable.from(cells());
  // pipe() does not forward a source's failure: without this a failed read (or a spent budget)
  // would be an uncaught error while the upload waits for ever.
  source.on('error', (error) => csv.destroy(error));
  return source.pipe(csv).setEncoding('utf8') as AsyncIterable<string>;
}
