/**
 * The verification summary: the ticket, the requester, the outcome with its score and the reasons
 * by category in plain words, the device and session, the timeline, the recommendation, and the
 * write-back to the ticket (with a retry when it failed). Agents and admins also act from here.
 */
import { useState } from 'react';
import type { VerificationDetail } from '../../../../shared/console-api/verifications.js';
import type { AssuranceReport } from '../../../../shared/domain/model/assurance.js';
import type { Reason } from '../../../../shared/domain/model/verification.js';
import { api, describeError } from '../api';
import { Link } from '../router';
import {
  ErrorNote,
  Fact,
  feedbackText,
  humanize,
  isFinalStatus,
  Loading,
  PageTitle,
  RiskBadge,
  StatusBadge,
  useLoad,
  When,
} from '../ui';

const CATEGORIES: { key: Reason['category']; label: string }[] = [
  { key: 'network', label: 'Network' },
  { key: 'endpoint', label: 'Device and browser' },
  { key: 'persona', label: 'Person and account' },
  { key: 'questions', label: 'Challenge questions' },
];

/** The timeline's events in plain words; any other action is shown from its code. */
const EVENTS: Record<string, string> = {
  'verification.sent': 'Link sent',
  'link.delivered': 'Link delivered',
  'verification.opened': 'Link opened',
  'verification.in_progress': 'Link opened',
  'verification.passed': 'Passed',
  'verification.failed': 'Failed',
  'verification.not_enough_questions': 'Not enough questions answered',
  'verification.timed_out': 'Timed out',
  'verification.cancelled': 'Cancelled',
  'ticket.sent_written': 'Ticket noted: link sent',
  'ticket.opened_written': 'Ticket noted: link opened',
  'ticket.outcome_written': 'Outcome written to the ticket',
  'ticket.action_written': 'Action written to the ticket',
  'ticket.resolve_written': 'Ticket resolved',
  'ticket.write_back_failed': 'Writing to the ticket failed',
  'ticket.write_back_retried': 'Write-back retried',
  'ticket.write_back_retry_failed': 'Write-back retry failed',
  'transcript.viewed': 'Transcript viewed',
  'verification.viewed': 'Summary viewed',
  'requester.denied': 'Requester said they did not ask for this',
  'requester.feedback': 'Requester left feedback',
  'action.started': 'Password reset started',
  'action.password_reset': 'Password reset done',
  'action.password_rejected': 'New password refused',
  'action.failed': 'Password reset failed',
  'action.expired': 'Password reset not done in time',
};

const WRITE_BACK: Record<VerificationDetail['writeBack']['state'], string> = {
  pending: 'Pending: the outcome has not been written to the ticket yet',
  done: 'Written to the ticket',
  failed: 'Failed: the ticket system did not take the update',
};

export function SummaryPage({ verificationId }: { verificationId: string }) {
  const [live, setLive] = useState(false);
  // Watches an open verification until it is final.
  const v = useLoad(() => api.detail(verificationId), verificationId, live ? 4000 : undefined);
  const open = v.data !== undefined && !isFinalStatus(v.data.status);
  if (open !== live) setLive(open);

  if (!v.data)
    return (
      <>
        <PageTitle>Verification</PageTitle>
        {v.error ? <ErrorNote>{v.error}</ErrorNote> : <Loading what="the verification" />}
      </>
    );
  const d = v.data;
  // A self-service request has no ticket: nothing is looked up in, or written to, a ticket system.
  const selfService = d.origin === 'self_service';
  // Likewise an agent-led one ("Verify a caller") sent without a ticket.
  const noTicket = selfService || d.ticketless === true;
  return (
    <>
      <PageTitle>
        {selfService
          ? `Self-service verification of ${d.requesterName}`
          : noTicket
            ? `Verification of ${d.requesterName} (caller, no ticket)`
            : `Verification of ticket ${d.ticketNumber}`}
      </PageTitle>
      {d.verdict.urgent ? (
        <div className="alert urgent" role="alert">
          <strong>The requester says they did not ask for this</strong>
          {d.requesterReport ? (
            <>
              {' '}
              (<When at={d.requesterReport.at} />)
            </>
          ) : null}
          . {d.verdict.recommendation}
        </div>
      ) : null}
      <p className="status-line">
        <StatusBadge status={d.status} />
        {d.assessment ? (
          <RiskBadge status={d.status} level={d.assessment.riskLevel} score={d.assessment.riskScore} />
        ) : !d.analysisHidden && isFinalStatus(d.status) && d.status !== 'cancelled' ? (
          <RiskBadge status={d.status} />
        ) : null}
      </p>
      <div className="grid">
        <section className="panel" aria-labelledby="ticket-h">
          <h2 id="ticket-h">Ticket and request</h2>
          <dl className="facts">
            {noTicket ? (
              <Fact label="Ticket">
                {selfService
                  ? 'None: the requester started this on the portal'
                  : 'None: an agent verified a caller without one'}
              </Fact>
            ) : (
              <>
                <Fact label="Ticket">{d.ticketNumber}</Fact>
                <Fact label="Subject">
                  {d.ticketSubject ?? <span className="muted">The ticket system did not answer</span>}
                </Fact>
              </>
            )}
            {d.ticketDescription ? (
              <Fact label="Description">
                <span className="description">{d.ticketDescription}</span>
              </Fact>
            ) : null}
            <Fact label="Category">{humanize(d.category)}</Fact>
            <Fact label="Requested action">
              {d.requestedAction ? humanize(d.requestedAction) : 'None (identity check only)'}
              {d.action.state !== 'none' ? ` · ${humanize(d.action.state)}` : ''}
            </Fact>
            <Fact label="Requester">
              {d.requesterName}
              {d.requesterEmail ? <span className="sub">{d.requesterEmail}</span> : null}
            </Fact>
            <Fact label="Initiated by">{d.agent}</Fact>
            <Fact label="Sent to">
              <span className="mono">{d.destinationMasked}</span> by {d.channel === 'sms' ? 'SMS' : 'email'}
              {d.destinationIsContactOnRecord ? ' (contact on record)' : ' (typed by the agent)'}
              {d.destinationReason ? <span className="sub">Reason: {d.destinationReason}</span> : null}
            </Fact>
            <Fact label="Started">
              <When at={d.createdAt} />
            </Fact>
            <Fact label="Completed">
              <When at={d.completedAt} />
            </Fact>
            <Fact label="User feedback">
              {d.feedback ? feedbackText(d.feedback) : <span className="muted">None left</span>}
            </Fact>
          </dl>
        </section>
        <section className="panel" aria-labelledby="outcome-h">
          <h2 id="outcome-h">Outcome</h2>
          {d.assessment ? (
            <p className="score">
              Risk score <strong>{d.assessment.riskScore.toFixed(1)}</strong> of 10 · {d.assessment.correct}{' '}
              of {d.assessment.answered} answers correct
            </p>
          ) : null}
          {isFinalStatus(d.status) ? (
            <p className={`recommendation${d.verdict.urgent ? ' urgent' : ''}`}>{d.verdict.recommendation}</p>
          ) : (
            <p className="muted">The requester has not finished yet.</p>
          )}
          {d.assessment?.assurance ? <Proofs a={d.assessment.assurance} /> : null}
          {d.analysisHidden ? (
            <p className="small muted">
              This connection shows agents the outcome and the recommendation only; auditors and admins see
              the full analysis.
            </p>
          ) : null}
          {noTicket ? (
            <p className="small muted">
              {selfService ? 'Self-service request' : 'No ticket'}: there is no ticket to write the outcome
              to.
            </p>
          ) : (
            <WriteBack d={d} onChange={v.reload} />
          )}
          <p>
            {d.can.viewTranscript ? (
              <Link to={`/verifications/${d.verificationId}/transcript`}>Open the transcript</Link>
            ) : d.analysisHidden ? null : (
              <span className="muted">The transcript is available once the requester has finished.</span>
            )}
          </p>
        </section>
      </div>
      {d.analysisHidden ? null : (
        <>
          <Reasons d={d} />
          <Device d={d} />
        </>
      )}
      <section className="panel" aria-labelledby="timeline-h">
        <h2 id="timeline-h">Timeline</h2>
        <ol className="timeline">
          {d.timeline.map((e, i) => (
            // The API has been seen to return events without their id: the position keeps keys unique.
            <li key={e.eventId || `${e.at}-${i}`}>
              <When at={e.at} seconds /> <strong>{EVENTS[e.action] ?? humanize(e.action)}</strong>{' '}
              <span className="muted">by {e.actor}</span>
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}

function WriteBack({ d, onChange }: { d: VerificationDetail; onChange: () => void }) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string>();
  const retry = async () => {
    setBusy(true);
    setProblem(undefined);
    try {
      await api.retryWriteBack(d.verificationId);
      onChange();
    } catch (e) {
      setProblem(describeError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="write-back">
      <h3>Write-back to the ticket</h3>
      <p>
        {WRITE_BACK[d.writeBack.state]}
        {d.writeBack.updatedAt ? (
          <>
            {' '}
            (<When at={d.writeBack.updatedAt} />)
          </>
        ) : null}
      </p>
      {d.writeBack.lastError ? <p className="small error-text">Last error: {d.writeBack.lastError}</p> : null}
      {problem ? <ErrorNote>{problem}</ErrorNote> : null}
      {d.can.retryWriteBack ? (
        <button type="button" onClick={retry} disabled={busy}>
          {busy ? 'Retrying…' : 'Retry write-back'}
        </button>
      ) : null}
    </div>
  );
}

const TIER_LABELS: Record<AssuranceReport['tier'], string> = {
  standard: 'Standard',
  high_profile: 'High-profile',
  privileged: 'Privileged',
};
const PROOF_LABELS: Record<AssuranceReport['given'][number], string> = {
  authenticator_push: 'Push approved on the enrolled authenticator',
  manager_approval: "Manager's approval",
};

/** Which strong proofs this person and action needed, which were given and how many are missing. */
function Proofs({ a }: { a: AssuranceReport }) {
  const action = a.action === 'other' ? 'this request' : a.action.replace('_', ' ');
  return (
    <dl className="facts proofs" aria-label="Proofs">
      <Fact label="Account tier">
        {TIER_LABELS[a.tier]} <span className="muted">({a.tierEvidence})</span>
      </Fact>
      <Fact label="Strong proofs needed">
        {a.required === 0 ? `None beyond the answers for ${action}` : `${a.required} for ${action}`}
      </Fact>
      {a.required > 0 ? (
        <>
          <Fact label="Given">
            {a.given.length === 0 ? 'None' : a.given.map((p) => PROOF_LABELS[p]).join(', ')}
          </Fact>
          <Fact label="Missing">
            {a.missing === 0
              ? 'None'
              : `${a.missing}: a push to their authenticator or their manager's approval`}
          </Fact>
        </>
      ) : null}
      <Fact label="Self-service">
        {a.selfService ? 'Allowed after a pass' : 'Off: an agent acts on the result'}
      </Fact>
    </dl>
  );
}

function Reasons({ d }: { d: VerificationDetail }) {
  const any = CATEGORIES.some((c) => (d.reasonsByCategory[c.key] ?? []).length > 0);
  return (
    <section className="panel" aria-labelledby="reasons-h">
      <h2 id="reasons-h">Why this score</h2>
      {!any ? <p className="muted">No risk signals were recorded.</p> : null}
      <div className="reasons">
        {CATEGORIES.map((c) => {
          const reasons = d.reasonsByCategory[c.key] ?? [];
          if (reasons.length === 0) return null;
          return (
            <div key={c.key}>
              <h3>{c.label}</h3>
              <ul className="plain">
                {reasons.map((r) => (
                  <li key={`${r.code}-${r.evidence}`} className={r.points > 0 ? 'risk-up' : 'risk-down'}>
                    <span className="points">
                      {r.points > 0 ? '+' : ''}
                      {r.points.toFixed(1)}
                    </span>{' '}
                    {r.message}
                  </li>
                ))}
              </ul>
            </div>
          );
        })}
      </div>
    </section>
  );
}

function Device({ d }: { d: VerificationDetail }) {
  const c = d.client;
  return (
    <section className="panel" aria-labelledby="device-h">
      <h2 id="device-h">Device and session</h2>
      {!c ? (
        <p className="muted">
          {d.openedAt ? (
            <>
              Opened <When at={d.openedAt} />; the page reported no device details.
            </>
          ) : (
            'The link has not been opened.'
          )}
        </p>
      ) : (
        <dl className="facts">
          <Fact label="Opened">
            <When at={d.openedAt} />
            {d.secondDevice ? ' · also opened on a second device' : ''}
          </Fact>
          <Fact label="Network">
            {[c.ipPrefix, c.ipCountry, c.asn ? `AS${c.asn}` : undefined, c.asOrg]
              .filter(Boolean)
              .join(' · ') || '—'}
          </Fact>
          <Fact label="Browser">
            <span className="mono small">{c.userAgent || '—'}</span>
          </Fact>
          <Fact label="Platform">
            {c.signals.clientHints?.platform ?? '—'}
            {c.signals.clientHints?.mobile ? ' (mobile)' : ''}
          </Fact>
          <Fact label="Time zone and languages">
            {c.signals.timeZone ?? '—'} · {(c.signals.languages ?? []).join(', ') || '—'}
          </Fact>
          <Fact label="Automation">
            {c.signals.webdriver || c.signals.bot?.detected
              ? `Detected${c.signals.bot?.kind ? ` (${c.signals.bot.kind})` : ''}`
              : 'None detected'}
          </Fact>
          <Fact label="Device">{c.deviceHmac ? 'Fingerprint recorded' : 'No fingerprint'}</Fact>
        </dl>
      )}
    </section>
  );
}
