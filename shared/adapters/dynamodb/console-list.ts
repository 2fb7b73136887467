/**
 * The verifications table's listing: the most selective filter picks the index that drives the
 * query (search term, agent, category, risk level, status; otherwise GSI1's monthly partitions);
 * the other filters are a FilterExpression (console-walk.ts reads the partitions).
 */
import { BatchGetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Verification } from '../../domain/model/verification.js';
import type { ListPageResult, ListPosition, VerificationFilters } from '../../ports/console-queries.js';
import { looseTerm, PREFIX_MIN, prefixTerm, startsWithTerm } from './console-index.js';
import {
  type ConsoleTable,
  type Driver,
  dayEnd,
  dayStart,
  type Item,
  MAX_ROUND_TRIPS,
  monthsBetween,
  walk,
} from './console-walk.js';
import { keys, strip } from './table.js';

export async function listVerifications(
  db: ConsoleTable,
  filters: VerificationFilters,
  position: ListPosition | undefined,
  limit: number,
  oldest: string,
  attributes?: readonly string[],
): Promise<ListPageResult<Verification>> {
  const newest = filters.to ?? db.now().toISOString().slice(0, 10);
  const from = filters.from && filters.from > oldest ? filters.from : oldest;
  if (filters.verificationId !== undefined) {
    // The reference a requester reads out: one item by key; the other filters still apply.
    if (position) return { items: [] };
    const found = (await getVerifications(db, [filters.verificationId])).get(filters.verificationId);
    const day = found?.createdAt.slice(0, 10) ?? '';
    return { items: found && matches(found, filters) && day >= from && day <= newest ? [found] : [] };
  }
  if (filters.term !== undefined) return search(db, filters, from, newest, position, limit);

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
  return walk<Verification>(db, driver, from, newest, position, limit, false, attributes);
}

/**
 * Search terms point at verifications (pk=VSEARCH#<term>); the rest of the filters apply to
 * those. A term of 3 or more characters reads the prefix pointers (`~<first 3, 5 or 8>`) and keeps the
 * verifications whose name, a word of it, email or ticket number starts with the term; a shorter
 * one, or one with no prefix pointers (verifications written before they existed), the exact ones.
 */
async function search(
  db: ConsoleTable,
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
    const out = await db.doc.send(
      new QueryCommand({
        TableName: db.table,
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
    const byId = await getVerifications(
      db,
      pointers.map((p) => String(p.verificationId)),
    );
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

async function getVerifications(db: ConsoleTable, ids: string[]): Promise<Map<string, Verification>> {
  const found = new Map<string, Verification>();
  for (let i = 0; i < ids.length; i += 100) {
    let request: Record<string, { Keys: Item[] }> | undefined = {
      [db.table]: { Keys: ids.slice(i, i + 100).map((id) => keys.verification(id)) },
    };
    for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
      if (attempt >= 10) throw new Error('BatchGet kept returning unprocessed keys');
      const out = await db.doc.send(new BatchGetCommand({ RequestItems: request }));
      for (const item of out.Responses?.[db.table] ?? []) {
        const v = strip<Verification>(item);
        found.set(v.verificationId, v);
      }
      request = out.UnprocessedKeys as typeof request;
    }
  }
  return found;
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
