/**
 * The dashboard for a date range (UTC days, the last 30 by default): how many verifications were
 * started and what became of them, the risk levels, the trend by day, and the busiest categories
 * and agents. The figures come from aggregates the server keeps per day, not from a table scan.
 */
import type { FormEvent } from 'react';
import type { DashboardBreakdown } from '../../../../shared/console-api/dashboard.js';
import type { RiskLevel } from '../../../../shared/domain/model/verification.js';
import { api, queryString } from '../api';
import { navigate } from '../router';
import {
  daysAgo,
  duration,
  ErrorNote,
  humanize,
  isoDay,
  Loading,
  PageTitle,
  percent,
  RISK_LABELS,
  useLoad,
} from '../ui';
import { TrendChart } from './trend-chart';

const PRESETS = [7, 30, 90];

export function DashboardPage({ query }: { query: URLSearchParams }) {
  const from = query.get('from') ?? daysAgo(29);
  const to = query.get('to') ?? isoDay(new Date());
  const board = useLoad(() => api.dashboard({ from, to }), `${from}|${to}`);

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    navigate(`/dashboard${queryString({ from: String(form.get('from')), to: String(form.get('to')) })}`);
  };

  const d = board.data;
  return (
    <>
      <PageTitle>Dashboard</PageTitle>
      <form className="filters range" onSubmit={submit} key={`${from}|${to}`} aria-label="Date range">
        <div>
          <label htmlFor="d-from">From</label>
          <input id="d-from" name="from" type="date" defaultValue={from} required />
        </div>
        <div>
          <label htmlFor="d-to">To</label>
          <input id="d-to" name="to" type="date" defaultValue={to} required />
        </div>
        <div className="buttons">
          <button type="submit" className="primary">
            Show
          </button>
          {PRESETS.map((n) => (
            <button
              key={n}
              type="button"
              onClick={() =>
                navigate(`/dashboard${queryString({ from: daysAgo(n - 1), to: isoDay(new Date()) })}`)
              }
            >
              Last {n} days
            </button>
          ))}
        </div>
      </form>
      {board.error ? <ErrorNote>{board.error}</ErrorNote> : null}
      {!d && !board.error ? <Loading what="the figures" /> : null}
      {d ? (
        <>
          <ul className="stats" aria-label="Figures">
            <Stat label="Verifications started" value={String(d.totals.started)} />
            <Stat
              label="Completion rate"
              value={percent(d.rates.completion)}
              note={`${d.totals.completed} completed`}
            />
            <Stat label="Pass rate" value={percent(d.rates.pass)} note={`${d.totals.passed} passed`} />
            <Stat
              label="Median time to complete"
              value={d.medianTimeToCompleteSeconds === null ? '—' : duration(d.medianTimeToCompleteSeconds)}
            />
            <Stat
              label="Timed out"
              value={percent(d.rates.timedOut)}
              note={`${d.totals.timedOut} verifications`}
            />
            <Stat
              label="Not enough questions"
              value={percent(d.rates.notEnoughQuestions)}
              note={`${d.totals.notEnoughQuestions} verifications`}
            />
          </ul>
          <div className="grid">
            <section className="panel" aria-labelledby="trend-h">
              <h2 id="trend-h">Trend by day</h2>
              <TrendChart days={d.days} />
            </section>
            <section className="panel" aria-labelledby="risk-h">
              <h2 id="risk-h">Risk levels</h2>
              <RiskBars risk={d.risk} />
            </section>
          </div>
          <div className="grid">
            <Breakdown title="By category" keyLabel="Category" rows={d.byCategory} format={humanize} />
            <Breakdown title="By agent" keyLabel="Agent" rows={d.byAgent} />
          </div>
        </>
      ) : null}
    </>
  );
}

function Stat({ label, value, note }: { label: string; value: string; note?: string }) {
  return (
    <li className="stat">
      <span className="stat-label">{label}</span>
      <span className="stat-value">{value}</span>
      {note ? <span className="stat-note">{note}</span> : null}
    </li>
  );
}

function RiskBars({ risk }: { risk: Record<RiskLevel, number> }) {
  const total = Object.values(risk).reduce((a, b) => a + b, 0);
  return (
    <ul className="bars">
      {(Object.keys(RISK_LABELS) as RiskLevel[]).map((level) => {
        const share = total === 0 ? 0 : risk[level] / total;
        return (
          <li key={level}>
            <span className="bar-label">{RISK_LABELS[level]}</span>
            <span className="bar-track" aria-hidden="true">
              <Bar level={level} share={share} />
            </span>
            <span className="bar-value">
              {risk[level]} ({percent(total === 0 ? null : share)})
            </span>
          </li>
        );
      })}
    </ul>
  );
}

/** Width through CSSOM (allowed by `style-src 'self'`), not a style attribute in markup. */
function Bar({ level, share }: { level: RiskLevel; share: number }) {
  return (
    <span
      className={`bar ${level}`}
      ref={(el) => {
        el?.style.setProperty('width', `${(share * 100).toFixed(1)}%`);
      }}
    />
  );
}

function Breakdown(props: {
  title: string;
  keyLabel: string;
  rows: DashboardBreakdown[];
  format?: (key: string) => string;
}) {
  const id = `b-${props.keyLabel.toLowerCase()}`;
  return (
    <section className="panel" aria-labelledby={id}>
      <h2 id={id}>{props.title}</h2>
      {props.rows.length === 0 ? (
        <p className="muted">Nothing in this range.</p>
      ) : (
        <table className="data compact">
          <thead>
            <tr>
              <th scope="col">{props.keyLabel}</th>
              <th scope="col" className="num">
                Started
              </th>
              <th scope="col" className="num">
                Completed
              </th>
              <th scope="col" className="num">
                Pass rate
              </th>
            </tr>
          </thead>
          <tbody>
            {props.rows.map((r) => (
              <tr key={r.key}>
                <th scope="row">{props.format ? props.format(r.key) : r.key}</th>
                <td className="num">{r.started}</td>
                <td className="num">{r.completed}</td>
                <td className="num">{percent(r.passRate)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
