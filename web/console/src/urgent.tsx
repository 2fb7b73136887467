/**
 * The alert list at the top of every console page (the dashboard included): recent verifications
 * whose requester said "I did not ask for this" (someone may be impersonating them right now),
 * newest first, each linking to its summary. Read from the API's `reported=not_me` filter.
 */
import { api } from './api';
import { Link } from './router';
import { useLoad, When } from './ui';

const DAYS = 7;
const SHOWN = 5;

export function UrgentAlerts() {
  const from = new Date(Date.now() - DAYS * 86_400_000).toISOString().slice(0, 10);
  const urgent = useLoad(
    () => api.list({ reported: 'not_me', from, limit: SHOWN }),
    `urgent|${from}`,
    30_000,
  );
  const items = urgent.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <section className="alert urgent" aria-labelledby="urgent-h">
      <h2 id="urgent-h">
        Requesters who say they did not ask for this (last {DAYS} days): do not proceed, escalate to security
      </h2>
      <ul className="plain">
        {items.map((v) => (
          <li key={v.verificationId}>
            <Link to={`/verifications/${v.verificationId}`}>
              {v.ticketNumber} · {v.requesterName}
            </Link>{' '}
            <span className="small">
              reported <When at={v.requesterReport?.at ?? v.completedAt ?? v.createdAt} /> · sent by {v.agent}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
