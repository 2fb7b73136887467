/**
 * Verify a caller (`/caller`): someone phones in without a ticket. The agent finds them in the
 * directory by name, email or employee ID (the contact on record shown masked), picks them,
 * optionally names the ticket (checked against the ticket system; the outcome is then written to
 * it), says what the caller asks for, and sends by email or SMS as on the send page. Then the
 * verification's live status, with resend and cancel.
 */
import { type FormEvent, useState } from 'react';
import {
  CALLER_REQUESTS,
  type CallerSendBody,
  type PersonView,
} from '../../../../shared/console-api/people.js';
import { api, describeError } from '../api';
import { ErrorNote, humanize, PageTitle, useFocusWhenShown } from '../ui';
import { LiveStatus } from './live-status';
import { SendForm } from './send';

export function CallerPage() {
  const [person, setPerson] = useState<PersonView>();
  const [sentId, setSentId] = useState<string>();
  const [acted, setActed] = useState(false);
  return (
    <>
      <PageTitle>Verify a caller</PageTitle>
      {person ? (
        <Picked
          person={person}
          onChange={() => {
            setPerson(undefined);
            setSentId(undefined);
          }}
        />
      ) : (
        <Search
          onPick={(p) => {
            setActed(true);
            setPerson(p);
          }}
        />
      )}
      {person && sentId ? (
        <LiveStatus
          verificationId={sentId}
          focusWhenShown={acted}
          onReplaced={setSentId}
          onFinished={() => undefined}
          onSendAnother={() => setSentId(undefined)}
        />
      ) : person ? (
        <CallerSend person={person} focusWhenShown={acted} onSent={setSentId} />
      ) : null}
    </>
  );
}

function Search({ onPick }: { onPick: (p: PersonView) => void }) {
  const [q, setQ] = useState('');
  const [found, setFound] = useState<{ items: PersonView[]; more: boolean }>();
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(undefined);
    if (q.trim().length < 2)
      return setProblem('Type at least 2 characters of the name, email or employee ID.');
    setBusy(true);
    try {
      setFound(await api.people(q.trim()));
    } catch (error) {
      setProblem(describeError(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="panel" aria-labelledby="find-h">
      <h2 id="find-h">Find the person</h2>
      <form onSubmit={submit} noValidate>
        <label htmlFor="people-q">Name, email or employee ID</label>
        <div className="buttons">
          <input
            id="people-q"
            type="search"
            autoComplete="off"
            maxLength={100}
            value={q}
            onChange={(e) => setQ(e.target.value)}
          />
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Searching…' : 'Search'}
          </button>
        </div>
        {problem ? <ErrorNote>{problem}</ErrorNote> : null}
      </form>
      {found ? (
        <div aria-live="polite">
          {found.items.length === 0 ? (
            <p className="muted">Nobody in the directory matches. Check the spelling, or try the email.</p>
          ) : (
            <ul className="plain people">
              {found.items.map((p) => (
                <li key={p.userId}>
                  <PersonFacts person={p} />
                  <button type="button" onClick={() => onPick(p)} aria-label={`Verify ${p.displayName}`}>
                    Verify this person
                  </button>
                </li>
              ))}
            </ul>
          )}
          {found.more ? <p className="small muted">More people match: type more of the name.</p> : null}
        </div>
      ) : null}
    </section>
  );
}

function PersonFacts({ person: p }: { person: PersonView }) {
  return (
    <div>
      <strong>{p.displayName}</strong>
      {p.enabled ? null : <span className="badge bad">Disabled account</span>}
      <div className="small">
        {[p.title, p.department].filter(Boolean).join(' · ') || <span className="muted">No title</span>}
        {p.employeeId ? <> · Employee ID {p.employeeId}</> : null}
      </div>
      <div className="small mono">
        {[p.contactOnRecord.email, p.contactOnRecord.sms].filter(Boolean).join(' · ') ||
          'No contact on record'}
      </div>
    </div>
  );
}

function Picked({ person, onChange }: { person: PersonView; onChange: () => void }) {
  return (
    <section className="panel" aria-labelledby="picked-h">
      <h2 id="picked-h">Caller</h2>
      <PersonFacts person={person} />
      <p>
        <button type="button" className="link" onClick={onChange}>
          Choose someone else
        </button>
      </p>
    </section>
  );
}

function CallerSend({
  person,
  focusWhenShown,
  onSent,
}: {
  person: PersonView;
  focusWhenShown: boolean;
  onSent: (id: string) => void;
}) {
  const ref = useFocusWhenShown<HTMLDivElement>(focusWhenShown);
  const [withTicket, setWithTicket] = useState(false);
  const [connectionId, setConnectionId] = useState('');
  const [ticketId, setTicketId] = useState('');
  const [request, setRequest] = useState('');
  const check = () => {
    if (withTicket && (!connectionId.trim() || !ticketId.trim()))
      return 'Give the ticket system connection and the ticket, or untick "This call has a ticket".';
    if (!withTicket && !request) return 'Say what the caller asks for.';
    return undefined;
  };
  return (
    <div ref={ref} tabIndex={-1}>
      <SendForm
        contactOnRecord={person.contactOnRecord}
        defaultAction=""
        check={check}
        extraKey={`${withTicket}|${connectionId}|${ticketId}|${request}`}
        focusWhenShown={false}
        onSent={onSent}
        send={async (b) => {
          const body: CallerSendBody = {
            ...b,
            ...(withTicket
              ? { ticket: { connectionId: connectionId.trim(), ticketId: ticketId.trim() } }
              : {}),
            ...(request ? { request: request as CallerSendBody['request'] } : {}),
          };
          return (await api.sendToCaller(person.userId, body)).verificationId;
        }}
      >
        <fieldset>
          <legend>Ticket</legend>
          <label className="choice">
            <input type="checkbox" checked={withTicket} onChange={(e) => setWithTicket(e.target.checked)} />
            This call has a ticket (the outcome is written to it)
          </label>
          {withTicket ? (
            <div className="other">
              <label htmlFor="connection">Ticket system connection</label>
              <input
                id="connection"
                autoComplete="off"
                value={connectionId}
                onChange={(e) => setConnectionId(e.target.value)}
              />
              <label htmlFor="ticket">Ticket ID</label>
              <input
                id="ticket"
                autoComplete="off"
                value={ticketId}
                onChange={(e) => setTicketId(e.target.value)}
              />
            </div>
          ) : (
            <p className="small muted">Without a ticket the console and the audit log are the record.</p>
          )}
        </fieldset>
        <label htmlFor="request">What the caller asks for{withTicket ? ' (optional)' : ''}</label>
        <select id="request" value={request} onChange={(e) => setRequest(e.target.value)}>
          <option value="">{withTicket ? 'As the ticket says' : 'Choose…'}</option>
          {CALLER_REQUESTS.map((r) => (
            <option key={r} value={r}>
              {humanize(r)}
            </option>
          ))}
        </select>
      </SendForm>
    </div>
  );
}
