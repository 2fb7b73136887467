/**
 * How every console listing reads the single table: a Driver names the index (or the table), the
 * partitions to read newest first (one, or GSI1's months or days) and the filters left for a
 * FilterExpression. Pages resume below the last row's sort key (`gsi1sk < :before`), so a cursor
 * is a bound in a key condition, not a raw DynamoDB key: a tampered cursor can only move within
 * the same filtered query. Each call does bounded work and may return a short page with a position
 * to continue from.
 */
import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { InvalidInput } from '../../domain/errors.js';
import type { ListPageResult, ListPosition } from '../../ports/console-queries.js';
import { strip } from './table.js';

export type Item = Record<string, unknown>;

/** The document client, the table and the clock the console's queries share. */
export interface ConsoleTable {
  doc: DynamoDBDocumentClient;
  table: string;
  now: () => Date;
}

/** Query round trips one listing call may make before it returns what it has (with a position). */
export const MAX_ROUND_TRIPS = 12;
/**
 * Reads of empty partitions (a month or a day with nothing in it) are cheap and counted apart, so
 * that a list reaching past its oldest data can still say it has no next page.
 */
const MAX_EMPTY_READS = 40;
/** Items read per round trip when a FilterExpression may drop some. */
const FILTERED_READ = 300;

export const dayStart = (day: string) => `${day}T00:00:00.000Z`;
/** Above every sort key of that day (`<iso>#<ulid>`). */
export const dayEnd = (day: string) => `${day}T23:59:59.999Z#~`;

export interface Driver {
  /** The index (undefined: the table) and its partition key attribute. */
  index?: string;
  partitionAttribute: string;
  sortAttribute: string;
  /** The partitions to read, newest first (one, except for GSI1's monthly or daily walk). */
  partitions: string[];
  /** The filters left for a FilterExpression. */
  rest: Record<string, { attribute: string; path?: string[]; value: string }>;
}

/**
 * Hard caps on the partitions one listing may name, above anything the contract's date rule
 * (console-api/range.ts `rangeProblem`) lets through: ten years of months, two years of days. Counted
 * loops, so a date string outgrowing its format (year 10000) cannot make them run for ever.
 */
const MAX_MONTH_PARTITIONS = 121;
const MAX_DAY_PARTITIONS = 731;

export const tooLong = () => new InvalidInput('RANGE_TOO_LONG', 'Pick a shorter date range.');

export function monthsBetween(oldest: string, newest: string): string[] {
  const months: string[] = [];
  const end = oldest.slice(0, 7);
  const start = new Date(`${newest.slice(0, 7)}-01T00:00:00.000Z`);
  for (let i = 0; ; i++) {
    const month = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() - i, 1))
      .toISOString()
      .slice(0, 7);
    if (month < end) return months;
    if (i >= MAX_MONTH_PARTITIONS) throw tooLong();
    months.push(month);
  }
}

export function daysBetween(oldest: string, newest: string): string[] {
  const count = Math.round((Date.parse(dayStart(newest)) - Date.parse(dayStart(oldest))) / 86_400_000) + 1;
  if (!(count <= MAX_DAY_PARTITIONS)) throw tooLong();
  const days: string[] = [];
  for (let i = 0; i < count; i++)
    days.push(new Date(Date.parse(dayStart(newest)) - i * 86_400_000).toISOString().slice(0, 10));
  return days;
}

/**
 * Reads the driver's partitions newest first from `position`, applying the remaining filters,
 * until `limit` items or the round-trip budget. On the table (audit of one verification) the
 * sort key is `AUDIT#<at>#<id>`: the bound is applied to `sk` with that prefix.
 */
export async function walk<T>(
  db: ConsoleTable,
  driver: Driver,
  from: string,
  to: string,
  position: ListPosition | undefined,
  limit: number,
  onTable = false,
  attributes?: readonly string[],
): Promise<ListPageResult<T>> {
  const items: Item[] = [];
  const prefix = onTable ? 'AUDIT#' : '';
  const sortAttribute = onTable ? 'sk' : driver.sortAttribute;
  let partitions = driver.partitions;
  if (position?.partition) {
    const at = partitions.indexOf(position.partition);
    partitions = at >= 0 ? partitions.slice(at) : [];
  }
  const names: Record<string, string> = { '#pk': driver.partitionAttribute, '#sk': sortAttribute };
  const values: Item = { ':lo': prefix + dayStart(from) };
  const conditions: string[] = [];
  for (const [i, f] of Object.values(driver.rest).entries()) {
    const path = (f.path ?? [f.attribute]).map((p, j) => {
      names[`#f${i}_${j}`] = p;
      return `#f${i}_${j}`;
    });
    conditions.push(`${path.join('.')} = :f${i}`);
    values[`:f${i}`] = f.value;
  }
  const projection = attributes
    ? [...new Set([...attributes, sortAttribute])]
        .map((a, i) => {
          names[`#p${i}`] = a;
          return `#p${i}`;
        })
        .join(', ')
    : undefined;
  const hiDefault = prefix + dayEnd(to);
  // Only a walk over several partitions (months, days) needs to say which one it is in.
  const walking = (partition: string) => (driver.partitions.length > 1 ? { partition } : {});
  let before = position?.before ? prefix + position.before : undefined;
  let trips = 0;
  let emptyReads = 0;
  // The partition of the page's last row: the next page starts after it.
  let lastRowPartition = '';
  for (const partition of partitions) {
    let startKey: Item | undefined;
    do {
      const hi = before !== undefined && before < hiDefault ? before : hiDefault;
      const input: QueryCommandInput = {
        TableName: db.table,
        IndexName: driver.index,
        KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :lo AND :hi',
        FilterExpression: conditions.length > 0 ? conditions.join(' AND ') : undefined,
        ProjectionExpression: projection,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ...values, ':pk': partition, ':hi': hi },
        ScanIndexForward: false,
        // One more than the page: whether it exists says whether there is a next page.
        Limit: conditions.length > 0 ? FILTERED_READ : limit + 1 - items.length,
        ExclusiveStartKey: startKey,
      };
      const out = await db.doc.send(new QueryCommand(input));
      if (out.ScannedCount || out.LastEvaluatedKey) trips++;
      else emptyReads++;
      for (const item of out.Items ?? []) {
        // BETWEEN is inclusive: the row at the bound was on the previous page.
        if (before !== undefined && String(item[sortAttribute]) >= before) continue;
        items.push(item);
        if (items.length === limit) lastRowPartition = partition;
        if (items.length > limit) {
          const last = items[limit - 1] as Item;
          return {
            items: items.slice(0, limit).map((i) => strip<T>(i)),
            next: {
              ...walking(lastRowPartition),
              before: String(last[sortAttribute]).slice(prefix.length),
            },
          };
        }
      }
      startKey = out.LastEvaluatedKey;
      if (startKey && trips >= MAX_ROUND_TRIPS) {
        const last = String(startKey[sortAttribute]);
        return {
          items: items.map((i) => strip<T>(i)),
          next: { ...walking(partition), before: last.slice(prefix.length) },
        };
      }
    } while (startKey);
    before = undefined;
    const nextPartition = partitions[partitions.indexOf(partition) + 1];
    if ((trips >= MAX_ROUND_TRIPS || emptyReads >= MAX_EMPTY_READS) && nextPartition) {
      return {
        items: items.map((i) => strip<T>(i)),
        next: { partition: nextPartition, before: dayEnd(to) },
      };
    }
  }
  return { items: items.map((i) => strip<T>(i)) };
}
