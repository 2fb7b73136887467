/**
 * The transcript: every question as the requester saw it, the options shown, what they answered,
 * how it was graded and how long it took. Opening it is recorded in the audit log.
 */
import type { Grade } from '../../../../shared/domain/model/question.js';
import { api } from '../api';
import { Link } from '../router';
import { duration, ErrorNote, Loading, PageTitle, useLoad, When } from '../ui';

const GRADES: Record<Grade, { label: string; tone: string }> = {
  correct: { label: 'Correct', tone: 'good' },
  partial: { label: 'Partly correct', tone: 'warn' },
  invalid: { label: 'Wrong', tone: 'bad' },
  skipped: { label: 'Skipped', tone: 'muted' },
};

export function TranscriptPage({ verificationId }: { verificationId: string }) {
  const t = useLoad(() => api.transcript(verificationId), verificationId);
  const back = (
    <Link to={`/verifications/${verificationId}`} className="button-link">
      Back to the summary
    </Link>
  );
  if (!t.data)
    return (
      <>
        <PageTitle actions={back}>Transcript</PageTitle>
        {t.error ? <ErrorNote>{t.error}</ErrorNote> : <Loading what="the transcript" />}
      </>
    );
  const d = t.data;
  return (
    <>
      <PageTitle actions={back}>Transcript of ticket {d.ticketNumber}</PageTitle>
      <p>
        {d.requesterName} · opened <When at={d.openedAt} /> · finished <When at={d.completedAt} />
      </p>
      <p className="note small">Viewing a transcript is recorded in the audit log.</p>
      <ol className="transcript">
        {d.entries.map((e, i) => (
          <li key={e.questionId} className="panel">
            <h2>
              Question {i + 1}: {e.prompt}
            </h2>
            {e.options.length > 0 ? (
              <>
                <h3 className="small">Options shown</h3>
                <ul className="options">
                  {e.options.map((o) => (
                    <li key={o} className={o === e.response ? 'chosen' : undefined}>
                      {o}
                      {o === e.response ? <span className="visually-hidden"> (chosen)</span> : null}
                    </li>
                  ))}
                </ul>
              </>
            ) : (
              <p className="small muted">Typed answer</p>
            )}
            <dl className="facts inline">
              <div className="fact">
                <dt>Response</dt>
                <dd>
                  {e.redacted ? (
                    <span className="muted">Redacted</span>
                  ) : e.response === null ? (
                    <span className="muted">No answer</span>
                  ) : (
                    <span className="mono">{e.response}</span>
                  )}
                </dd>
              </div>
              <div className="fact">
                <dt>Grade</dt>
                <dd>
                  <span className={`badge ${GRADES[e.grade].tone}`}>{GRADES[e.grade].label}</span>
                </dd>
              </div>
              <div className="fact">
                <dt>Time taken</dt>
                <dd>{e.elapsedMs !== undefined ? duration(e.elapsedMs / 1000) : '—'}</dd>
              </div>
            </dl>
          </li>
        ))}
      </ol>
    </>
  );
}
