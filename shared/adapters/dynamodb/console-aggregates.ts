/**
 * The dashboard's counters: a day item of totals per day, and detail items (risk, time to
 * complete, by category, by agent) per day and per month, so a long range reads a few monthly
 * items instead of every day's breakdowns. Each change is counted once (a mark item per change).
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { paginateQuery, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { type ConsoleTable, type Item, tooLong } from './console-walk.js';
import { keys } from './table.js';

/** Pages of aggregate items one dashboard read may follow (a day or month item each). */
const MAX_AGGREGATE_PAGES = 20;

export async function aggregates(db: ConsoleTable, from: string, to: string) {
  const query = async (pk: string, lo: string, hi: string) => {
    const items: Item[] = [];
    const pages = paginateQuery(
      { client: db.doc },
      {
        TableName: db.table,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
        ExpressionAttributeValues: { ':pk': pk, ':lo': lo, ':hi': hi },
      },
    );
    let read = 0;
    for await (const page of pages) {
      items.push(...(page.Items ?? []));
      if (++read >= MAX_AGGREGATE_PAGES) throw tooLong();
    }
    return items;
  };
  // Details: whole months from the monthly items, the days either side from the daily ones.
  const { months, edges } = detailReads(from, to);
  const [totals, ...details] = await Promise.all([
    query(keys.aggregateDay(from).pk, from, to),
    ...(months ? [query(keys.aggregateMonthDetail(from).pk, months.from, months.to)] : []),
    ...edges.map((edge) => query(keys.aggregateDayDetail(from).pk, edge.from, edge.to)),
  ]);
  const sum: Record<string, number> = {};
  for (const { pk: _pk, sk: _sk, ...counters } of details.flat())
    for (const [k, v] of Object.entries(counters)) sum[k] = (sum[k] ?? 0) + Number(v);
  return {
    days: (totals ?? []).map(({ pk: _pk, sk, ...counters }) => ({
      date: String(sk),
      counters: counters as Record<string, number>,
    })),
    details: sum,
  };
}

export async function applyAggregate(
  db: ConsoleTable,
  verificationId: string,
  change: string,
  date: string,
  counters: Record<string, number>,
  expiresAtEpoch: number,
): Promise<boolean> {
  try {
    await db.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: db.table,
              Item: { ...keys.aggregateMark(verificationId, change), expiresAtEpoch },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          ...aggregateItems(date, counters).map(({ key, counters: add }) => {
            const entries = Object.entries(add);
            return {
              Update: {
                TableName: db.table,
                Key: key,
                UpdateExpression: `ADD ${entries.map((_, i) => `#c${i} :c${i}`).join(', ')}`,
                ExpressionAttributeNames: Object.fromEntries(entries.map(([k], i) => [`#c${i}`, k])),
                ExpressionAttributeValues: Object.fromEntries(entries.map(([, v], i) => [`:c${i}`, v])),
              },
            };
          }),
        ],
      }),
    );
    return true;
  } catch (error) {
    if (
      error instanceof TransactionCanceledException &&
      error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed'
    )
      return false;
    throw error;
  }
}

/**
 * Where a change's counters go: totals (no `:` in the name) on the day's item, the rest (risk,
 * time to complete, by category, by agent) on the day's detail item and on its month's, so a long
 * range reads a few monthly items instead of every day's breakdowns.
 */
export function aggregateItems(date: string, counters: Record<string, number>) {
  const totals = Object.fromEntries(Object.entries(counters).filter(([k]) => !k.includes(':')));
  const details = Object.fromEntries(Object.entries(counters).filter(([k]) => k.includes(':')));
  const items: { key: { pk: string; sk: string }; counters: Record<string, number> }[] = [];
  if (Object.keys(totals).length > 0) items.push({ key: keys.aggregateDay(date), counters: totals });
  if (Object.keys(details).length > 0)
    items.push(
      { key: keys.aggregateDayDetail(date), counters: details },
      { key: keys.aggregateMonthDetail(date.slice(0, 7)), counters: details },
    );
  return items;
}

/** The whole months inside [from, to], and the day ranges either side of them. */
export function detailReads(from: string, to: string) {
  const next = (day: string, n: number) =>
    new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
  const monthEnd = (month: string) => {
    const d = new Date(`${month}-01T00:00:00Z`);
    return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).toISOString().slice(0, 10);
  };
  const firstFull = from.endsWith('-01') ? from.slice(0, 7) : next(monthEnd(from.slice(0, 7)), 1).slice(0, 7);
  const lastFull =
    monthEnd(to.slice(0, 7)) === to ? to.slice(0, 7) : next(`${to.slice(0, 7)}-01`, -1).slice(0, 7);
  if (firstFull > lastFull) return { months: undefined, edges: [{ from, to }] };
  const edges: { from: string; to: string }[] = [];
  if (from < `${firstFull}-01`) edges.push({ from, to: next(`${firstFull}-01`, -1) });
  if (to > monthEnd(lastFull)) edges.push({ from: next(monthEnd(lastFull), 1), to });
  return { months: { from: firstFull, to: lastFull }, edges };
}
