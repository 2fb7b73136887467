/**
 * The manager's page (`#m=<token>`, from the link sent to the manager's own contact on record):
 * who asks, for what, on which ticket and from where, then Approve, Deny or "This is not right".
 * Never the requester's answers or score. The token is read once and dropped from the address bar.
 */
import { useEffect, useState } from 'preact/hooks';
import {
  ApiError,
  type Branding,
  type ManagerDecision,
  type ManagerRequest,
  managerDecide,
  managerRequest,
} from './api';
import { CallHelpDesk, Frame, Heading } from './ui';

/** Reads `#m=...` once and drops the fragment from the address bar and this history entry. */
export function takeManagerToken(): string | undefined {
  const token = new URLSearchParams(location.hash.slice(1)).get('m') || undefined;
  if (token) history.replaceState(null, '', location.pathname + location.search);
  return token;
}

type View =
  | { kind: 'loading' }
  | { kind: 'request'; request: ManagerRequest }
  | { kind: 'done'; decision: ManagerDecision }
  | { kind: 'problem'; message: string };

const PROBLEMS: Record<string, string> = {
  MANAGER_LINK_USED: 'This request has already been answered or closed. Nothing more is needed from you.',
  MANAGER_LINK_EXPIRED: 'This approval link has expired. The help desk has been told that no approval came.',
  MANAGER_LINK_NOT_FOUND: 'This approval link is not valid. Open it again from the message you received.',
};

const problemOf = (error: unknown) =>
  error instanceof ApiError
    ? (PROBLEMS[error.code] ?? error.message)
    : 'Something went wrong. Please try again in a moment.';

export function ManagerPage(props: { branding: Branding; token: string }) {
  const { branding, token } = props;
  const [view, setView] = useState<View>({ kind: 'loading' });
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    managerRequest(token)
      .then((request) => setView({ kind: 'request', request }))
      .catch((error: unknown) => setView({ kind: 'problem', message: problemOf(error) }));
  }, [token]);

  const decide = async (decision: ManagerDecision) => {
    setBusy(true);
    try {
      await managerDecide(token, decision);
      setView({ kind: 'done', decision });
    } catch (error) {
      setView({ kind: 'problem', message: problemOf(error) });
    }
  };

  return <Frame branding={branding}>{render()}</Frame>;

  function render() {
    const company = branding.companyName;
    if (view.kind === 'loading')
      return (
        <section aria-busy="true">
          <Heading company={company}>Loading the request</Heading>
        </section>
      );
    if (view.kind === 'problem')
      return (
        <section>
          <Heading company={company}>This link cannot be used</Heading>
          <p class="lead">{view.message}</p>
          <p>
            Questions? <CallHelpDesk branding={branding} />.
          </p>
        </section>
      );
    if (view.kind === 'done') return <Done branding={branding} decision={view.decision} />;
    const r = view.request;
    const from = [r.country, r.network && `${r.network} network`].filter(Boolean).join(', ');
    return (
      <section>
        <Heading company={company}>Approve a help-desk request?</Heading>
        <p class="lead">
          <strong>{r.requesterName}</strong> asked the help desk for {r.action}. Their account needs your
          approval before the help desk goes ahead.
        </p>
        <dl class="reference request">
          <dt>Who is asking</dt>
          <dd>{r.requesterName}</dd>
          <dt>For</dt>
          <dd>{r.action}</dd>
          <dt>Ticket</dt>
          <dd>{r.ticketNumber}</dd>
          {from ? (
            <>
              <dt>Connecting from</dt>
              <dd>{from}</dd>
            </>
          ) : null}
          <dt>Answer by</dt>
          <dd>{new Date(r.expiresAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}</dd>
        </dl>
        <p>Approve only if you know about this request, for example because {r.requesterName} told you.</p>
        <div class="actions">
          <button type="button" class="primary" disabled={busy} onClick={() => void decide('approve')}>
            Approve
          </button>
          <button type="button" class="secondary" disabled={busy} onClick={() => void decide('deny')}>
            Deny
          </button>
        </div>
        <p>
          <button type="button" class="link urgent" disabled={busy} onClick={() => void decide('not_right')}>
            This is not right
          </button>{' '}
          (someone may be pretending to be {r.requesterName}: the help desk stops and security is told)
        </p>
      </section>
    );
  }
}

function Done(props: { branding: Branding; decision: ManagerDecision }) {
  const text = {
    approve: 'Thank you. The help desk can now go ahead with the request.',
    deny: 'Thank you. The help desk will not go ahead with the request.',
    not_right: 'Thank you for telling us. The help desk has stopped and security has been alerted.',
  }[props.decision];
  return (
    <section>
      <Heading company={props.branding.companyName}>Your answer was recorded</Heading>
      <p class="lead">{text}</p>
      <p>You can close this page.</p>
    </section>
  );
}
