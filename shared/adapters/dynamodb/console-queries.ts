/**
 * The console's read side (ConsoleQueries) over the single table: every listing is a Query on a
 * key or an index (table.ts lists the access patterns), never a Scan.
 *
 * Verifications: the most selective filter picks the index that drives the query (search term,
 * agent, category, risk level, status; otherwise GSI1's monthly partitions); the other filters
 * are a FilterExpression. Pages resume below the last row's sort key (`gsi1sk < :before`), so a
 * cursor is a bound in a key condition, not a raw DynamoDB key: a tampered cursor can only move
 * within the same filtered query. Each call does bounded work and may return a short page with a
 * position to continue from.
 */
import { type DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { InvalidInput } from '../../domain/errors.js';
import type { StoredAuditEvent } from '../../domain/model/audit-event.js';
import type { Connection } from '../../domain/model/connection.js';
import type { Verification } from '../../domain/model/verification.js';
import type {
  AuditFilters,
  ConsoleQueries,
  ExportJobRecord,
  ListPageResult,
  ListPosition,
  VerificationFilters,
} from '../../ports/console-queries.js';
import { looseTerm, PREFIX_MIN, prefixTerm, startsWithTerm } from './console-index.js';
import { keys, strip } from './table.js';

type Item = Record<string, unknown>;

/** Query round trips one listing call may make before it returns what it has (with a position). */
const MAX_ROUND_TRIPS = 12;
/**
 * Reads of empty partitions (a month or a day with nothing in it) are cheap and counted apart, so
 * that a list reaching past its oldest data can still say it has no next page.
 */
const MAX_EMPTY_READS = 40;
/** Items read per round trip when a FilterExpression may drop some. */
const FILTERED_READ = 300;

const dayStart = (day: string) => `${day}T00:00:00.000Z`;
/** Above every sort key of that day (`<iso>#<ulid>`). */
const dayEnd = (day: string) => `${day}T23:59:59.999Z#~`;

interface Driver {
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
 * (console-api.ts `rangeProblem`) lets through: ten years of months, two years of days. Counted
 * loops, so a date string outgrowing its format (year 10000) cannot make them run for ever.
 */
const MAX_MONTH_PARTITIONS = 121;
const MAX_DAY_PARTITIONS = 731;
/** Pages of aggregate items one dashboard read may follow (a day or month item each). */
const MAX_AGGREGATE_PAGES = 20;

const tooLong = () => new InvalidInput('RANGE_TOO_LONG', 'Pick a shorter date range.');

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

export interface ConsoleQueriesOptions {
  tableName: string;
  client: DynamoDBClient;
  now?: () => Date;
}

export class DynamoDbConsoleQueries implements ConsoleQueries {
  private readonly doc: DynamoDBDocumentClient;
  private readonly table: string;
  private readonly now: () => Date;

  constructor(options: ConsoleQueriesOptions) {
    this.doc = DynamoDBDocumentClient.from(options.client, {
      marshallOptions: { removeUndefinedValues: true },
    });
    this.table = options.tableName;
    this.now = options.now ?? (() => new Date());
  }

  async listVerifications(
    filters: VerificationFilters,
    position: ListPosition | undefined,
    limit: number,
    oldest: string,
    attributes?: readonly string[],
  ): Promise<ListPageResult<Verification>> {
    const newest = filters.to ?? this.now().toISOString().slice(0, 10);
    const from = filters.from && filters.from > oldest ? filters.from : oldest;
    if (filters.verificationId !== undefined) {
      // The reference a requester reads out: one item by key; the other filters still apply.
      if (position) return { items: [] };
      const found = (await this.getVerifications([filters.verificationId])).get(filters.verificationId);
      const day = found?.createdAt.slice(0, 10) ?? '';
      return { items: found && matches(found, filters) && day >= from && day <= newest ? [found] : [] };
    }
    if (filters.term !== undefined) return this.search(filters, from, newest, position, limit);

    const all: Driver['rest'] = {
      status: { attribute: 'status', value: filters.status ?? '' },
      riskLevel: {
        attribute: 'assessment',
        path: ['assessment', 'riskLevel'],
        value: filters.riskLevel ?? '',
      },
      category: { attribute: 'category', value: filters.category ?? '' },
      agent: { attribute: 'agent', value: filters.agent ?? '' },
      reported: {
        attribute: 'requesterReport',
        path: ['requesterReport', 'kind'],
        value: filters.reported ?? '',
      },
    };
    const pick = (name: keyof typeof all, index: string, partition: string): Driver => {
      const rest = { ...all };
      delete rest[name];
      return {
        index,
        partitionAttribute: `${index}pk`,
        sortAttribute: 'gsi1sk',
        partitions: [partition],
        rest,
      };
    };
    const driver: Driver = filters.agent
      ? pick('agent', 'gsi6', keys.byAgent(filters.agent))
      : filters.category
        ? pick('category', 'gsi5', keys.byCategory(filters.category))
        : filters.riskLevel
          ? pick('riskLevel', 'gsi4', keys.byRisk(filters.riskLevel))
          : filters.status
            ? pick('status', 'gsi3', keys.byStatus(filters.status))
            : {
                index: 'gsi1',
                partitionAttribute: 'gsi1pk',
                sortAttribute: 'gsi1sk',
                partitions: monthsBetween(from, newest).map((m) => keys.verificationsMonth(m)),
                rest: all,
              };
    for (const [name, f] of Object.entries(driver.rest)) if (!f.value) delete driver.rest[name];
    return this.walk<Verification>(driver, from, newest, position, limit, false, attributes);
  }

  async listAudit(
    filters: AuditFilters,
    position: ListPosition | undefined,
    limit: number,
    oldest: string,
  ): Promise<ListPageResult<StoredAuditEvent>> {
    const newest = filters.to ?? this.now().toISOString().slice(0, 10);
    const from = filters.from && filters.from > oldest ? filters.from : oldest;
    const rest: Driver['rest'] = {};
    if (filters.action) rest.action = { attribute: 'action', value: filters.action };
    let driver: Driver;
    if (filters.verificationId) {
      if (filters.actor) rest.actor = { attribute: 'actor', value: filters.actor };
      driver = {
        partitionAttribute: 'pk',
        sortAttribute: 'gsi1sk',
        partitions: [keys.verification(filters.verificationId).pk],
        rest,
      };
    } else if (filters.actor) {
      driver = {
        index: 'gsi6',
        partitionAttribute: 'gsi6pk',
        sortAttribute: 'gsi1sk',
        partitions: [keys.auditByActor(filters.actor)],
        rest,
      };
    } else {
      driver = {
        index: 'gsi1',
        partitionAttribute: 'gsi1pk',
        sortAttribute: 'gsi1sk',
        partitions: daysBetween(from, newest).map((d) => keys.auditDay(d)),
        rest,
      };
    }
    // Each audit item carries its own eventId (the key attributes are stripped by walk()).
    return this.walk<StoredAuditEvent>(driver, from, newest, position, limit, !driver.index);
  }

  /**
   * Reads the driver's partitions newest first from `position`, applying the remaining filters,
   * until `limit` items or the round-trip budget. On the table (audit of one verification) the
   * sort key is `AUDIT#<at>#<id>`: the bound is applied to `sk` with that prefix.
   */
  private async walk<T>(
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
          TableName: this.table,
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
        const out = await this.doc.send(new QueryCommand(input));
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

  /**
   * Search terms point at verifications (pk=VSEARCH#<term>); the rest of the filters apply to
   * those. A term of 3 or more characters reads the prefix pointers (`~<first 3, 5 or 8>`) and keeps the
   * verifications whose name, a word of it, email or ticket number starts with the term; a shorter
   * one, or one with no prefix pointers (verifications written before they existed), the exact ones.
   */
  private async search(
    filters: VerificationFilters,
    from: string,
    to: string,
    position: ListPosition | undefined,
    limit: number,
  ): Promise<ListPageResult<Verification>> {
    const term = filters.term ?? '';
    let byPrefix = looseTerm(term).length >= PREFIX_MIN;
    const found: Verification[] = [];
    let before = position?.before ?? dayEnd(to);
    for (let trip = 0; trip < MAX_ROUND_TRIPS; trip++) {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
          ExpressionAttributeValues: {
            ':pk': keys.search(byPrefix ? prefixTerm(term) : term),
            ':lo': dayStart(from),
            ':hi': before,
          },
          ScanIndexForward: false,
          Limit: 100,
        }),
      );
      const pointers = (out.Items ?? []).filter((i) => String(i.sk) < before);
      if (pointers.length === 0 && byPrefix && trip === 0) {
        byPrefix = false;
        trip--;
        continue;
      }
      if (pointers.length === 0) return { items: found };
      const byId = await this.getVerifications(pointers.map((p) => String(p.verificationId)));
      for (const pointer of pointers) {
        const v = byId.get(String(pointer.verificationId));
        if (!v || !matches(v, filters) || (byPrefix && !startsWithTerm(v, term))) {
          before = String(pointer.sk);
          continue;
        }
        // One match more than the page says there is a next page, which starts at that match.
        if (found.length === limit) return { items: found, next: { before } };
        found.push(v);
        before = String(pointer.sk);
      }
      if (!out.LastEvaluatedKey) return { items: found };
    }
    return { items: found, next: { before } };
  }

  private async getVerifications(ids: string[]): Promise<Map<string, Verification>> {
    const found = new Map<string, Verification>();
    for (let i = 0; i < ids.length; i += 100) {
      let request: Record<string, { Keys: Item[] }> | undefined = {
        [this.table]: { Keys: ids.slice(i, i + 100).map((id) => keys.verification(id)) },
      };
      for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
        if (attempt >= 10) throw new Error('BatchGet kept returning unprocessed keys');
        const out = await this.doc.send(new BatchGetCommand({ RequestItems: request }));
        for (const item of out.Responses?.[this.table] ?? []) {
          const v = strip<Verification>(item);
          found.set(v.verificationId, v);
        }
        request = out.UnprocessedKeys as typeof request;
      }
    }
    return found;
  }

  async aggregates(from: string, to: string) {
    const query = async (pk: string, lo: string, hi: string) => {
      const items: Item[] = [];
      const pages = paginateQuery(
        { client: this.doc },
        {
          TableName: this.table,
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

  async applyAggregate(
    verificationId: string,
    change: string,
    date: string,
    counters: Record<string, number>,
    expiresAtEpoch: number,
  ): Promise<boolean> {
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table,
                Item: { ...keys.aggregateMark(verificationId, change), expiresAtEpoch },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            ...aggregateItems(date, counters).map(({ key, counters: add }) => {
              const entries = Object.entries(add);
              return {
                Update: {
                  TableName: this.table,
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

  async putExportJob(job: ExportJobRecord): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...keys.exportJob(job.exportId),
          ...job,
          // The job record (and with it the download) is kept a week.
          expiresAtEpoch: Math.floor(Date.parse(job.requestedAt) / 1000) + 7 * 86_400,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async getExportJob(exportId: string): Promise<ExportJobRecord | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: keys.exportJob(exportId), ConsistentRead: true }),
    );
    if (!out.Item) return undefined;
    const { expiresAtEpoch: _e, ...job } = strip<ExportJobRecord & { expiresAtEpoch: number }>(out.Item);
    return job;
  }

  async updateExportJob(
    exportId: string,
    from: ExportJobRecord['status'],
    patch: Partial<ExportJobRecord>,
  ): Promise<boolean> {
    const entries = Object.entries(patch).filter(([, v]) => v !== undefined);
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.exportJob(exportId),
          UpdateExpression: `SET ${entries.map((_, i) => `#a${i} = :v${i}`).join(', ')}`,
          ConditionExpression: '#status = :from',
          ExpressionAttributeNames: {
            '#status': 'status',
            ...Object.fromEntries(entries.map(([k], i) => [`#a${i}`, k])),
          },
          ExpressionAttributeValues: {
            ':from': from,
            ...Object.fromEntries(entries.map(([, v], i) => [`:v${i}`, v])),
          },
        }),
      );
      return true;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  async listConnections(): Promise<Connection[]> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.allConnections },
      }),
    );
    return (out.Items ?? []).map((i) => strip<Connection>(i));
  }
}

/** The filters a search result must also meet (search pointers carry no status). */
function matches(v: Verification, f: VerificationFilters): boolean {
  return (
    (!f.status || v.status === f.status) &&
    (!f.riskLevel || v.assessment?.riskLevel === f.riskLevel) &&
    (!f.category || v.category === f.category) &&
    (!f.agent || v.agent === f.agent) &&
    (!f.reported || v.requesterReport?.kind === f.reported)
  );
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
