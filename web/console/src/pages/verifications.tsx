/**
 * The verifications table: newest first, filtered on the server (status, risk level, category,
 * agent, date range, search by ticket number or requester), a page at a time with the API's
 * cursors (a stack of them for "Previous"). The filters live in the address, so a reload or a
 * shared link shows the same rows. The first page refreshes itself, so an agent sees statuses
 * change. Auditors and admins export the filtered rows as CSV.
 */
import { createColumnHelper, tableFeatures, useTable } from '@tanstack/react-table';
import type { FormEvent } from 'react';
import type { Me } from '../../../../shared/console-api/users.js';
import type { FilterName, Filters, VerificationRow } from '../../../../shared/console-api/verifications.js';
import type { RiskLevel, VerificationStatus } from '../../../../shared/domain/model/verification.js';
import { api, queryString } from '../api';
import { may } from '../roles';
import { Link, navigate } from '../router';
import {
  ErrorNote,
  feedbackText,
  humanize,
  Loading,
  Pager,
  PageTitle,
  RISK_LABELS,
  RiskBadge,
  STATUS_LABELS,
  StatusBadge,
  UrgentBadge,
  useCursorPages,
  useLoad,
  When,
} from '../ui';
import { ExportButton } from './export';

const FILTER_NAMES = [
  'status',
  'riskLevel',
  'category',
  'agent',
  'from',
  'to',
  'q',
] as const satisfies readonly FilterName[];
const STATUSES = Object.keys(STATUS_LABELS) as VerificationStatus[];
const RISK_LEVELS = Object.keys(RISK_LABELS) as RiskLevel[];

const features = tableFeatures({});
const column = createColumnHelper<typeof features, VerificationRow>();
const columns = column.columns([
  column.accessor('ticketNumber', {
    header: 'Ticket',
    cell: (c) => <Link to={`/verifications/${c.row.original.verificationId}`}>{c.getValue()}</Link>,
  }),
  column.accessor('requesterName', {
    header: 'Requester',
    cell: (c) => (
      <>
        {c.getValue()}
        {c.row.original.requesterEmail ? <span className="sub">{c.row.original.requesterEmail}</span> : null}
      </>
    ),
  }),
  column.accessor('riskLevel', {
    header: 'Risk',
    cell: (c) =>
      c.row.original.analysisHidden ? (
        <span className="muted">—</span>
      ) : (
        <RiskBadge status={c.row.original.status} level={c.getValue()} score={c.row.original.riskScore} />
      ),
  }),
  column.accessor('status', {
    header: 'Outcome',
    cell: (c) => (
      <>
        {c.row.original.urgent ? <UrgentBadge /> : null}
        <StatusBadge status={c.getValue()} />
      </>
    ),
  }),
  column.accessor('feedback', {
    header: 'User feedback',
    cell: (c) => (c.getValue() ? feedbackText(c.getValue()) : <span className="muted">—</span>),
  }),
  column.accessor('category', { header: 'Category', cell: (c) => humanize(c.getValue()) }),
  column.accessor('agent', { header: 'Initiated by' }),
  column.accessor('createdAt', { header: 'Started', cell: (c) => <When at={c.getValue()} /> }),
]);

/** The filters in the address, as the API takes them. */
function filtersOf(query: URLSearchParams): Filters {
  const filters: Record<string, string> = {};
  for (const name of FILTER_NAMES) {
    const value = query.get(name)?.trim();
    if (value) filters[name] = value;
  }
  return filters as Filters;
}

export function VerificationsPage({ me, query }: { me: Me; query: URLSearchParams }) {
  const filters = filtersOf(query);
  const filterKey = queryString(filters);
  const pages = useCursorPages(filterKey);
  const { cursor } = pages;
  const list = useLoad(
    () => api.list({ ...filters, cursor }),
    `${filterKey}|${cursor ?? ''}`,
    pages.page === 1 ? 5000 : undefined,
  );
  const rows = list.data?.items ?? NO_ROWS;
  const table = useTable({ features, columns, data: rows });

  return (
    <>
      <PageTitle actions={may(me, 'export') ? <ExportButton filters={filters} /> : undefined}>
        Verifications
      </PageTitle>
      <FilterForm filters={filters} />
      {list.error ? <ErrorNote>{list.error}</ErrorNote> : null}
      {!list.data && !list.error ? <Loading what="verifications" /> : null}
      {list.data ? (
        <>
          <table className="data responsive">
            <caption className="visually-hidden">
              Verifications, newest first{filterKey ? ', filtered' : ''}; page {pages.page}
            </caption>
            <thead>
              {table.getHeaderGroups().map((group) => (
                <tr key={group.id}>
                  {group.headers.map((header) => (
                    <th key={header.id} scope="col">
                      <table.FlexRender header={header} />
                    </th>
                  ))}
                </tr>
              ))}
            </thead>
            <tbody>
              {table.getRowModel().rows.map((row) => (
                <tr key={row.original.verificationId} data-verification={row.original.verificationId}>
                  {row.getAllCells().map((cell) => (
                    <td key={cell.id} data-label={String(cell.column.columnDef.header)}>
                      <div>
                        <table.FlexRender cell={cell} />
                      </div>
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          {rows.length === 0 ? (
            <p className="empty">No verifications match{filterKey ? ' these filters' : ' yet'}.</p>
          ) : null}
          <Pager pages={pages} nextCursor={list.data.nextCursor} />
        </>
      ) : null}
    </>
  );
}

const NO_ROWS: VerificationRow[] = [];

/** The categories and agents seen in the last year (from the dashboard's aggregates): the filters offer them. */
function useKnownValues() {
  const from = new Date(Date.now() - 365 * 86_400_000).toISOString().slice(0, 10);
  const known = useLoad(() => api.dashboard({ from }), `known|${from}`);
  return {
    categories: known.data?.byCategory.map((b) => b.key) ?? [],
    agents: known.data?.byAgent.map((b) => b.key) ?? [],
  };
}

function FilterForm({ filters }: { filters: Filters }) {
  const known = useKnownValues();
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const next: Record<string, string> = {};
    for (const name of FILTER_NAMES) next[name] = String(form.get(name) ?? '').trim();
    navigate(`/verifications${queryString(next)}`);
  };
  // Keyed on the address: Back/Forward and Clear reset the inputs to what it says.
  return (
    <form className="filters" onSubmit={submit} key={queryString(filters)} aria-label="Filters">
      <div>
        <label htmlFor="f-q">Search</label>
        <input
          id="f-q"
          name="q"
          type="search"
          defaultValue={filters.q}
          placeholder="Ticket number, Verification ID, requester name or email"
        />
      </div>
      <div>
        <label htmlFor="f-status">Status</label>
        <select id="f-status" name="status" defaultValue={filters.status ?? ''}>
          <option value="">Any status</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {STATUS_LABELS[s]}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="f-risk">Risk level</label>
        <select id="f-risk" name="riskLevel" defaultValue={filters.riskLevel ?? ''}>
          <option value="">Any risk</option>
          {RISK_LEVELS.map((r) => (
            <option key={r} value={r}>
              {RISK_LABELS[r]}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="f-category">Category</label>
        <input
          id="f-category"
          name="category"
          list="f-category-known"
          defaultValue={filters.category}
          placeholder="password_reset"
        />
        <datalist id="f-category-known">
          {known.categories.map((c) => (
            <option key={c} value={c}>
              {humanize(c)}
            </option>
          ))}
        </datalist>
      </div>
      <div>
        <label htmlFor="f-agent">Initiated by</label>
        <input
          id="f-agent"
          name="agent"
          list="f-agent-known"
          defaultValue={filters.agent}
          placeholder="Username"
        />
        <datalist id="f-agent-known">
          {known.agents.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
      </div>
      <div>
        <label htmlFor="f-from">From</label>
        <input id="f-from" name="from" type="date" defaultValue={filters.from} />
      </div>
      <div>
        <label htmlFor="f-to">To</label>
        <input id="f-to" name="to" type="date" defaultValue={filters.to} />
      </div>
      <div className="buttons">
        <button type="submit" className="primary">
          Apply filters
        </button>
        <button type="button" onClick={() => navigate('/verifications')}>
          Clear
        </button>
      </div>
    </form>
  );
}
