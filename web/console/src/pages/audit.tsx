/**
 * The audit log: every send, view, export and change, newest first, filtered by actor, action,
 * verification and date, a page at a time. The filters live in the address.
 */
import { type FormEvent, useState } from 'react';
import type { AuditEventView } from '../../../../shared/console-api/audit.js';
import { api, describeError, queryString } from '../api';
import { auditCsv } from '../audit-csv';
import { Link, navigate } from '../router';
import { ErrorNote, Loading, Pager, PageTitle, useCursorPages, useLoad, When } from '../ui';

const FILTERS = ['actor', 'action', 'verificationId', 'from', 'to'] as const;

export function AuditPage({ query }: { query: URLSearchParams }) {
  const filters = Object.fromEntries(
    FILTERS.map((f) => [f, query.get(f)?.trim() || undefined]).filter(([, v]) => v),
  ) as Partial<Record<(typeof FILTERS)[number], string>>;
  const key = queryString(filters);
  const pages = useCursorPages(key);
  const { cursor } = pages;
  const log = useLoad(() => api.audit({ ...filters, cursor }), `${key}|${cursor ?? ''}`);

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    navigate(
      `/audit${queryString(Object.fromEntries(FILTERS.map((f) => [f, String(form.get(f) ?? '').trim()])))}`,
    );
  };

  return (
    <>
      <PageTitle actions={<AuditCsvButton filters={filters} />}>Audit log</PageTitle>
      <form className="filters" onSubmit={submit} key={key} aria-label="Filters">
        <div>
          <label htmlFor="a-actor">Actor</label>
          <input id="a-actor" name="actor" defaultValue={filters.actor} placeholder="Username" />
        </div>
        <div>
          <label htmlFor="a-action">Action</label>
          <input id="a-action" name="action" defaultValue={filters.action} placeholder="verification.sent" />
        </div>
        <div>
          <label htmlFor="a-verification">Verification ID</label>
          <input id="a-verification" name="verificationId" defaultValue={filters.verificationId} />
        </div>
        <div>
          <label htmlFor="a-from">From</label>
          <input id="a-from" name="from" type="date" defaultValue={filters.from} />
        </div>
        <div>
          <label htmlFor="a-to">To</label>
          <input id="a-to" name="to" type="date" defaultValue={filters.to} />
        </div>
        <div className="buttons">
          <button type="submit" className="primary">
            Apply filters
          </button>
          <button type="button" onClick={() => navigate('/audit')}>
            Clear
          </button>
        </div>
      </form>
      {log.error ? <ErrorNote>{log.error}</ErrorNote> : null}
      {!log.data && !log.error ? <Loading what="the audit log" /> : null}
      {log.data ? (
        <>
          <table className="data responsive">
            <caption className="visually-hidden">Audit events, newest first; page {pages.page}</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Actor</th>
                <th scope="col">Action</th>
                <th scope="col">Verification</th>
                <th scope="col">Ticket</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {log.data.items.map((e, i) => (
                <tr key={e.eventId || `${e.at}-${i}`}>
                  <td data-label="When">
                    <When at={e.at} seconds />
                  </td>
                  <td data-label="Actor">{e.actor}</td>
                  <td data-label="Action">
                    <span className="mono">{e.action}</span>
                  </td>
                  <td data-label="Verification">
                    {e.verificationId ? (
                      <Link to={`/verifications/${e.verificationId}`} className="mono">
                        {e.verificationId}
                      </Link>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td data-label="Ticket" className="small">
                    {e.ticket ? `${e.ticket.ticketId} (${e.ticket.connectionId})` : '—'}
                  </td>
                  <td data-label="Details" className="small">
                    {e.details
                      ? Object.entries(e.details)
                          .map(([k, v]) => `${k}: ${v}`)
                          .join(' · ')
                      : '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {log.data.items.length === 0 ? <p className="empty">No events match.</p> : null}
          <Pager pages={pages} nextCursor={log.data.nextCursor} />
        </>
      ) : null}
    </>
  );
}

/** The most events one CSV of the audit log holds (pages of 100 read in turn). */
const CSV_MAX_PAGES = 50;

function AuditCsvButton({ filters }: { filters: Record<string, string | undefined> }) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string>();
  const download = async () => {
    setBusy(true);
    setProblem(undefined);
    try {
      const events: AuditEventView[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < CSV_MAX_PAGES; page++) {
        const res = await api.audit({ ...filters, cursor, limit: 100 });
        events.push(...res.items);
        if (!res.nextCursor) break;
        cursor = res.nextCursor;
      }
      const url = URL.createObjectURL(new Blob([auditCsv(events)], { type: 'text/csv;charset=utf-8' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `audit-log${filters.from ? `_${filters.from}` : ''}${filters.to ? `_to_${filters.to}` : ''}.csv`;
      a.click();
      URL.revokeObjectURL(url);
    } catch (error) {
      setProblem(describeError(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" onClick={download} disabled={busy}>
        {busy ? 'Preparing CSV…' : 'Export CSV'}
      </button>
      {problem ? <span className="error-text small">{problem}</span> : null}
    </>
  );
}
