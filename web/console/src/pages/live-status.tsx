/**
 * A verification's live status on the send page: where the link went, what the requester has done
 * so far, and resend (a fresh link to the same place; the old one is cancelled) or cancel while it
 * is open. Polls until the verification is final.
 */
import { useEffect, useState } from 'react';
import { api, describeError } from '../api';
import { Link } from '../router';
import {
  ErrorNote,
  Fact,
  humanize,
  isFinalStatus,
  Loading,
  RiskBadge,
  StatusBadge,
  UrgentBadge,
  useFocusWhenShown,
  useLoad,
  When,
} from '../ui';

const ACTION_STATES = {
  none: '',
  pending: 'Waiting for the requester to do it on the portal',
  running: 'Being done now',
  done: 'Done by the requester',
  failed: 'Failed: not done',
  expired: 'Not done: the time to do it ran out',
} as const;

export function LiveStatus(props: {
  verificationId: string;
  /** Focus the status when it appears (it replaced the form the agent was in). */
  focusWhenShown: boolean;
  onReplaced: (verificationId: string) => void;
  onFinished: () => void;
  onSendAnother: () => void;
}) {
  const { verificationId, onFinished } = props;
  const [final, setFinal] = useState(false);
  const v = useLoad(() => api.detail(verificationId), verificationId, final ? undefined : 3000);
  const [busy, setBusy] = useState<'resend' | 'cancel'>();
  const [problem, setProblem] = useState<string>();
  // Cancelling ends the requester's link: asked once more, in place.
  const [confirming, setConfirming] = useState(false);
  const confirmRef = useFocusWhenShown<HTMLButtonElement>(true);
  const headingRef = useFocusWhenShown<HTMLHeadingElement>(props.focusWhenShown);
  const isFinal = v.data ? isFinalStatus(v.data.status) : false;

  useEffect(() => {
    if (isFinal && !final) {
      setFinal(true);
      onFinished();
    }
  }, [isFinal, final, onFinished]);

  if (!v.data) return v.error ? <ErrorNote>{v.error}</ErrorNote> : <Loading what="the verification" />;
  const d = v.data;

  const act = async (what: 'resend' | 'cancel') => {
    setBusy(what);
    setProblem(undefined);
    setConfirming(false);
    try {
      if (what === 'resend') props.onReplaced((await api.resend(d.verificationId)).verificationId);
      else {
        await api.cancel(d.verificationId, 'cancelled from the send page');
        v.reload();
      }
    } catch (error) {
      setProblem(describeError(error));
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <section className="panel" aria-labelledby="status-h">
      <h2 id="status-h" tabIndex={-1} ref={headingRef}>
        Verification status
      </h2>
      <p className="status-line" role="status" aria-live="polite">
        {d.verdict.urgent ? <UrgentBadge /> : null}
        <StatusBadge status={d.status} />
        {d.assessment ? (
          <RiskBadge status={d.status} level={d.assessment.riskLevel} score={d.assessment.riskScore} />
        ) : null}
      </p>
      <dl className="facts">
        <Fact label="Sent to">
          <span className="mono">{d.destinationMasked}</span> by {d.channel === 'sms' ? 'SMS' : 'email'}
          {d.destinationIsContactOnRecord ? ' (contact on record)' : ' (typed by the agent)'}
        </Fact>
        <Fact label="Sent">
          <When at={d.createdAt} /> by {d.agent}
        </Fact>
        <Fact label="Link expires">
          <When at={d.linkExpiresAt} />
        </Fact>
        <Fact label="Opened">{d.openedAt ? <When at={d.openedAt} /> : 'Not yet'}</Fact>
        {d.completedAt ? (
          <Fact label="Completed">
            <When at={d.completedAt} />
          </Fact>
        ) : null}
        {d.requestedAction && d.action.state !== 'none' ? (
          <Fact label={humanize(d.requestedAction)}>
            {ACTION_STATES[d.action.state]}
            {d.action.completedAt ? (
              <>
                {' '}
                <When at={d.action.completedAt} />
              </>
            ) : null}
          </Fact>
        ) : null}
        {d.ticketResolvedAt ? (
          <Fact label="Ticket">
            Resolved <When at={d.ticketResolvedAt} />
          </Fact>
        ) : null}
      </dl>
      {isFinal ? (
        <p className={`recommendation${d.verdict.urgent ? ' urgent' : ''}`}>{d.verdict.recommendation}</p>
      ) : null}
      {problem ? <ErrorNote>{problem}</ErrorNote> : null}
      <div className="buttons">
        {d.can.resend ? (
          <button type="button" onClick={() => act('resend')} disabled={busy !== undefined}>
            {busy === 'resend' ? 'Resending…' : 'Resend link'}
          </button>
        ) : null}
        {d.can.cancel && !confirming ? (
          <button
            type="button"
            className="danger"
            onClick={() => setConfirming(true)}
            disabled={busy !== undefined}
          >
            {busy === 'cancel' ? 'Cancelling…' : 'Cancel verification'}
          </button>
        ) : null}
        {d.can.cancel && confirming ? (
          <span className="confirm">
            <span>The link will stop working.</span>
            <button type="button" className="danger" onClick={() => act('cancel')} ref={confirmRef}>
              Yes, cancel it
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              Keep it
            </button>
          </span>
        ) : null}
        {isFinal ? (
          <button type="button" onClick={props.onSendAnother}>
            Send another link
          </button>
        ) : null}
        <Link to={`/verifications/${d.verificationId}`} className="button-link">
          Open the summary
        </Link>
      </div>
    </section>
  );
}
