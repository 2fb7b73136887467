/**
 * The console's ports in memory: its read side over the in-memory table (filters applied to the
 * stored records, newest first, paged by sort key), console users and export files.
 */
import type { StoredAuditEvent } from '../../domain/model/audit-event.js';
import type { Connection } from '../../domain/model/connection.js';
import type { Role } from '../../domain/model/principal.js';
import type { Verification } from '../../domain/model/verification.js';
import type {
  AggregateDay,
  AuditFilters,
  ConsoleQueries,
  ExportJobRecord,
  ListPageResult,
  ListPosition,
  VerificationFilters,
} from '../../ports/console-queries.js';
import type { ConsoleUserRecord, ConsoleUsers } from '../../ports/console-users.js';
import type { ExportFiles } from '../../ports/export-files.js';
import { copy, type MemoryState } from './state.js';

const sortKey = (createdAt: string, id: string) => `${createdAt}#${id}`;
const fold = (text: string) =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();

/** A search term matches the start of the ticket number, the email, the name or a word of it. */
function matchesTerm(v: Verification & { requesterEmail?: string }, term: string): boolean {
  const t = fold(term);
  const words = [v.ticketNumber, v.requesterEmail ?? '', v.requesterName, ...v.requesterName.split(/\s+/)];
  return words.some((w) => fold(w).startsWith(t));
}

function matches(v: Verification & { requesterEmail?: string }, f: VerificationFilters): boolean {
  const day = v.createdAt.slice(0, 10);
  return (
    (!f.status || v.status === f.status) &&
    (!f.riskLevel || v.assessment?.riskLevel === f.riskLevel) &&
    (!f.category || v.category === f.category) &&
    (!f.agent || v.agent === f.agent) &&
    (!f.from || day >= f.from) &&
    (!f.to || day <= f.to) &&
    (!f.term || matchesTerm(v, f.term)) &&
    (f.reported !== 'not_me' || v.requesterReport?.kind === 'not_me') &&
    (!f.verificationId || v.verificationId === f.verificationId)
  );
}

function page<T>(rows: { key: string; item: T }[], position: ListPosition | undefined, limit: number) {
  const below = rows.filter((r) => !position || r.key < position.before);
  const items = below.slice(0, limit);
  const last = items.at(-1);
  return {
    items: items.map((r) => r.item),
    ...(below.length > limit && last ? { next: { before: last.key } } : {}),
  };
}

export class MemoryConsoleQueries implements ConsoleQueries {
  private readonly marks = new Set<string>();
  private readonly days = new Map<string, Record<string, number>>();
  private readonly jobs = new Map<string, ExportJobRecord>();

  constructor(private readonly state: MemoryState) {}

  async listVerifications(
    filters: VerificationFilters,
    position: ListPosition | undefined,
    limit: number,
    oldest: string,
    attributes?: readonly string[],
  ): Promise<ListPageResult<Verification>> {
    const rows = [...this.state.verifications.values()]
      .filter((v) => v.createdAt >= oldest && matches(v, filters))
      .map((v) => ({ key: sortKey(v.createdAt, v.verificationId), item: pick(copy(v), attributes) }))
      .sort((a, b) => b.key.localeCompare(a.key));
    return page(rows, position, limit);
  }

  async listAudit(
    filters: AuditFilters,
    position: ListPosition | undefined,
    limit: number,
    oldest: string,
  ): Promise<ListPageResult<StoredAuditEvent>> {
    const rows = this.state.audit
      .filter(
        (e) =>
          e.at >= oldest &&
          (!filters.actor || e.actor === filters.actor) &&
          (!filters.action || e.action === filters.action) &&
          (!filters.verificationId || e.verificationId === filters.verificationId) &&
          (!filters.from || e.at.slice(0, 10) >= filters.from) &&
          (!filters.to || e.at.slice(0, 10) <= filters.to),
      )
      .map((e) => ({ key: sortKey(e.at, e.eventId), item: copy(e) }))
      .sort((a, b) => b.key.localeCompare(a.key));
    return page(rows, position, limit);
  }

  async aggregates(
    from: string,
    to: string,
  ): Promise<{ days: AggregateDay[]; details: Record<string, number> }> {
    const days: AggregateDay[] = [];
    const details: Record<string, number> = {};
    for (const [date, counters] of [...this.days].sort(([a], [b]) => a.localeCompare(b))) {
      if (date < from || date > to) continue;
      const totals = Object.entries(counters).filter(([k]) => !k.includes(':'));
      if (totals.length) days.push({ date, counters: Object.fromEntries(totals) });
      for (const [k, n] of Object.entries(counters)) if (k.includes(':')) details[k] = (details[k] ?? 0) + n;
    }
    return { days, details };
  }

  async applyAggregate(
    verificationId: string,
    change: string,
    date: string,
    counters: Record<string, number>,
    _expiresAtEpoch: number,
  ): Promise<boolean> {
    const mark = `${verificationId}#${change}`;
    if (this.marks.has(mark)) return false;
    this.marks.add(mark);
    const day = this.days.get(date) ?? {};
    for (const [k, n] of Object.entries(counters)) day[k] = (day[k] ?? 0) + n;
    this.days.set(date, day);
    return true;
  }

  async putExportJob(job: ExportJobRecord): Promise<void> {
    if (this.jobs.has(job.exportId)) throw new Error(`Export job ${job.exportId} exists already`);
    this.jobs.set(job.exportId, copy(job));
  }

  async getExportJob(exportId: string): Promise<ExportJobRecord | undefined> {
    const job = this.jobs.get(exportId);
    return job && copy(job);
  }

  async updateExportJob(
    exportId: string,
    from: ExportJobRecord['status'],
    patch: Partial<ExportJobRecord>,
  ): Promise<boolean> {
    const job = this.jobs.get(exportId);
    if (!job || job.status !== from) return false;
    Object.assign(job, copy(patch));
    return true;
  }

  async listConnections(): Promise<Connection[]> {
    return [...this.state.connections.values()]
      .sort((a, b) => a.connectionId.localeCompare(b.connectionId))
      .map(copy);
  }
}

function pick(v: Verification, attributes?: readonly string[]): Verification {
  if (!attributes) return v;
  return Object.fromEntries(
    Object.entries(v).filter(([k]) => attributes.includes(k)),
  ) as unknown as Verification;
}

export class MemoryConsoleUsers implements ConsoleUsers {
  readonly users = new Map<string, ConsoleUserRecord>();

  constructor(private readonly now: () => Date) {}

  async list(): Promise<ConsoleUserRecord[]> {
    return [...this.users.values()].sort((a, b) => a.username.localeCompare(b.username)).map(copy);
  }

  async get(username: string): Promise<ConsoleUserRecord | undefined> {
    const user = this.users.get(username);
    return user && copy(user);
  }

  async create(input: { username: string; email: string; roles: Role[] }) {
    if (this.users.has(input.username)) throw new Error(`Console user ${input.username} exists already`);
    const user: ConsoleUserRecord = {
      ...copy(input),
      enabled: true,
      status: 'FORCE_CHANGE_PASSWORD',
      createdAt: this.now().toISOString(),
    };
    this.users.set(user.username, user);
    return { user: copy(user) };
  }

  async update(username: string, patch: { roles?: Role[]; enabled?: boolean }) {
    const user = this.users.get(username);
    if (!user) throw new Error(`No console user ${username}`);
    Object.assign(user, copy(patch));
    return copy(user);
  }

  async endSessions(username: string, at: Date): Promise<void> {
    const user = this.users.get(username);
    if (!user) throw new Error(`No console user ${username}`);
    user.sessionsEndedAt = at.toISOString();
  }
}

export class MemoryExportFiles implements ExportFiles {
  readonly files = new Map<string, string>();

  async write(key: string, chunks: AsyncIterable<string>): Promise<void> {
    let text = '';
    for await (const chunk of chunks) text += chunk;
    this.files.set(key, text);
  }

  async downloadUrl(key: string, expiresInSeconds: number): Promise<string> {
    if (!this.files.has(key)) throw new Error(`No export file ${key}`);
    return `memory://exports/${encodeURIComponent(key)}?expires=${expiresInSeconds}`;
  }
}
