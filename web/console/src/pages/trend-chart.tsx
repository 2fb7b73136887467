/** Verifications started, passed and failed per day, drawn with uPlot (canvas); the numbers are in a table too. */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { DashboardDay } from '../../../../shared/console-api/dashboard.js';

const SERIES = [
  { key: 'started', label: 'Started', stroke: '#1f5fa8' },
  { key: 'passed', label: 'Passed', stroke: '#1b7a3d' },
  { key: 'failed', label: 'Failed', stroke: '#b3261e' },
] as const;

export function TrendChart({ days }: { days: DashboardDay[] }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const data: uPlot.AlignedData = [
      days.map((d) => Date.parse(`${d.date}T00:00:00Z`) / 1000),
      ...SERIES.map((s) => days.map((d) => d[s.key])),
    ];
    const plot = new uPlot(
      {
        width: el.clientWidth,
        height: 240,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
        scales: { y: { range: (_u, _min, max) => [0, Math.max(4, Math.ceil(max * 1.1))] } },
        axes: [{}, { values: (_u, ticks) => ticks.map((t) => (Number.isInteger(t) ? String(t) : '')) }],
        series: [
          { label: 'Day' },
          ...SERIES.map((s) => ({
            label: s.label,
            stroke: s.stroke,
            width: 2,
            points: { show: days.length < 40 },
          })),
        ],
      },
      data,
      el,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: el.clientWidth, height: 240 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [days]);
  const total = days.reduce((n, d) => n + d.started, 0);
  return (
    <figure className="chart">
      <div
        ref={box}
        role="img"
        aria-label={`Verifications per day from ${days[0]?.date} to ${days[days.length - 1]?.date}: ${total} started in all`}
      />
      <figcaption className="visually-hidden">
        Verifications started, passed and failed per day (UTC)
      </figcaption>
    </figure>
  );
}
