/**
 * Send Verification Portal Link, opened from the ticket's link (`/send?connection=&ticket=`): the
 * ticket pre-filled, email or SMS to the contact on record (masked) by default, or a typed
 * destination with the reason (recorded, and scored as riskier); a typed mobile number is checked
 * and turned into E.164 here. Then the verification's live status, with resend and cancel.
 */
import { type FormEvent, type ReactNode, useEffect, useState } from 'react';
import type { SendBody, TicketPrefill } from '../../../../shared/console-api/verifications.js';
import type { Channel } from '../../../../shared/domain/model/verification.js';
import { api, describeError } from '../api';
import { Link } from '../router';
import {
  ErrorNote,
  Fact,
  humanize,
  Loading,
  PageTitle,
  StatusBadge,
  useFocusWhenShown,
  useLoad,
  When,
} from '../ui';
import { LiveStatus } from './live-status';

type PhoneModule = typeof import('../phone');

export function SendPage({ query }: { query: URLSearchParams }) {
  const connectionId = query.get('connection') ?? '';
  const ticketId = query.get('ticket') ?? '';
  const ticket = useLoad(() => api.ticket(connectionId, ticketId), `${connectionId}/${ticketId}`);
  const [sentId, setSentId] = useState<string>();
  // After the agent sends, resends or starts again, the section that appears takes focus.
  const [acted, setActed] = useState(false);

  if (!connectionId || !ticketId)
    return (
      <>
        <PageTitle>Send verification link</PageTitle>
        <ErrorNote>Open this page from the "Send verification link" entry on a ticket.</ErrorNote>
      </>
    );
  if (!ticket.data)
    return (
      <>
        <PageTitle>Send verification link</PageTitle>
        {ticket.error ? <ErrorNote>{ticket.error}</ErrorNote> : <Loading what="the ticket" />}
      </>
    );
  const t = ticket.data;
  const watching = sentId ?? t.openVerification?.verificationId;
  return (
    <>
      <PageTitle>Send verification link</PageTitle>
      <section className="panel" aria-labelledby="ticket-h">
        <h2 id="ticket-h">
          Ticket {t.ticketNumber}: {t.subject}
        </h2>
        <dl className="facts">
          <Fact label="Requester">
            {t.requesterName || <span className="muted">Not in the directory</span>}
          </Fact>
          <Fact label="Category">{humanize(t.category)}</Fact>
          <Fact label="Verification">
            {t.requiresVerification ? 'Required for this category' : 'Not required for this category'}
          </Fact>
        </dl>
      </section>
      {watching ? (
        <LiveStatus
          verificationId={watching}
          focusWhenShown={acted}
          onReplaced={(id) => setSentId(id)}
          onFinished={() => {
            setSentId(watching);
            ticket.reload();
          }}
          onSendAnother={() => {
            setActed(true);
            setSentId(undefined);
          }}
        />
      ) : (
        <SendForm
          contactOnRecord={t.contactOnRecord}
          defaultAction={t.category === 'password_reset' ? 'password_reset' : ''}
          send={async (b) =>
            (await api.send({ ...b, connectionId: t.connectionId, ticketId: t.ticketId })).verificationId
          }
          focusWhenShown={acted}
          onSent={(id) => {
            setActed(true);
            setSentId(id);
          }}
        />
      )}
      <History ticket={t} />
    </>
  );
}

/** What the send form decides: the channel, where the link goes (and why), the requested action. */
export type DestinationBody = Pick<SendBody, 'channel' | 'destination' | 'reason' | 'requestedAction'>;

/**
 * The channel, destination and action form, shared with "Verify a caller" (pages/caller.tsx): the
 * page says what to send with `send`, may add fields (`children`, checked by `check` first).
 */
export function SendForm({
  contactOnRecord,
  defaultAction,
  send,
  check,
  children,
  extraKey,
  focusWhenShown,
  onSent,
}: {
  contactOnRecord: TicketPrefill['contactOnRecord'];
  defaultAction: string;
  send: (body: DestinationBody) => Promise<string>;
  check?: () => string | undefined;
  children?: ReactNode;
  /** Changes when the page's own fields change: a problem shown about them is then out of date. */
  extraKey?: string;
  focusWhenShown: boolean;
  onSent: (id: string) => void;
}) {
  const headingRef = useFocusWhenShown<HTMLHeadingElement>(focusWhenShown);
  const [channel, setChannel] = useState<Channel>(contactOnRecord.email ? 'email' : 'sms');
  const onRecord = contactOnRecord[channel];
  const [useOther, setUseOther] = useState(false);
  const other = useOther || !onRecord;
  const [email, setEmail] = useState('');
  const [phone, setPhone] = useState({ number: '', country: '' });
  const [reason, setReason] = useState('');
  const [action, setAction] = useState(defaultAction);
  const [phoneLib, setPhoneLib] = useState<PhoneModule>();
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);

  // biome-ignore lint/correctness/useExhaustiveDependencies: clears the problem when the page's fields change
  useEffect(() => setProblem(undefined), [extraKey]);

  useEffect(() => {
    import('../phone').then((m) => {
      setPhoneLib(m);
      setPhone((p) => (p.country ? p : { ...p, country: m.defaultCountry() }));
    });
  }, []);

  const parsedPhone =
    phoneLib && channel === 'sms' && other && phone.number.trim() !== ''
      ? phoneLib.toE164(phone.number, phone.country as Parameters<PhoneModule['toE164']>[1])
      : undefined;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(undefined);
    const first = check?.();
    if (first) return setProblem(first);
    const body: DestinationBody = { channel };
    if (other) {
      if (channel === 'sms') {
        if (!parsedPhone) return setProblem('Enter the mobile number.');
        if (!parsedPhone.ok) return setProblem(parsedPhone.message);
        body.destination = parsedPhone.e164;
      } else {
        body.destination = email.trim();
      }
      if (reason.trim() === '')
        return setProblem('Say why the link goes somewhere other than the contact on record.');
      body.reason = reason.trim();
    }
    if (action === 'password_reset') body.requestedAction = 'password_reset';
    setBusy(true);
    try {
      onSent(await send(body));
    } catch (error) {
      setProblem(describeError(error));
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="send-h">
      <h2 id="send-h" tabIndex={-1} ref={headingRef}>
        Send the link
      </h2>
      <form onSubmit={submit} noValidate>
        {children}
        <fieldset>
          <legend>Channel</legend>
          <div className="choices">
            {(['email', 'sms'] as const).map((c) => (
              <label key={c} className="choice">
                <input
                  type="radio"
                  name="channel"
                  value={c}
                  checked={channel === c}
                  onChange={() => {
                    setChannel(c);
                    setUseOther(false);
                    setProblem(undefined);
                  }}
                />
                {c === 'email' ? 'Email' : 'SMS'}
              </label>
            ))}
          </div>
        </fieldset>
        <fieldset>
          <legend>Send to</legend>
          <div className="choices stacked">
            <label className="choice">
              <input
                type="radio"
                name="destination"
                checked={!other}
                disabled={!onRecord}
                onChange={() => setUseOther(false)}
              />
              {onRecord ? (
                <span>
                  Contact on record: <strong className="mono">{onRecord}</strong>
                </span>
              ) : (
                <span className="muted">
                  No {channel === 'email' ? 'email address' : 'mobile number'} on record
                </span>
              )}
            </label>
            <label className="choice">
              <input type="radio" name="destination" checked={other} onChange={() => setUseOther(true)} />
              {channel === 'email' ? 'Another email address' : 'Another mobile number'}
            </label>
          </div>
          {other ? (
            <div className="other">
              <p className="note warn small">
                A destination that is not on record is recorded with your reason and makes the verification
                riskier.
              </p>
              {channel === 'email' ? (
                <>
                  <label htmlFor="email">Email address</label>
                  <input
                    id="email"
                    type="email"
                    autoComplete="off"
                    value={email}
                    onChange={(e) => setEmail(e.target.value)}
                    required
                  />
                </>
              ) : (
                <div className="phone">
                  <div>
                    <label htmlFor="country">Country code</label>
                    <select
                      id="country"
                      value={phone.country}
                      onChange={(e) => setPhone({ ...phone, country: e.target.value })}
                    >
                      {(phoneLib?.COUNTRIES ?? []).map((c) => (
                        <option key={c.code} value={c.code}>
                          {c.label}
                        </option>
                      ))}
                    </select>
                  </div>
                  <div>
                    <label htmlFor="number">Mobile number</label>
                    <input
                      id="number"
                      type="tel"
                      autoComplete="off"
                      inputMode="tel"
                      value={phone.number}
                      aria-describedby="number-check"
                      aria-invalid={parsedPhone ? !parsedPhone.ok : undefined}
                      onChange={(e) => setPhone({ ...phone, number: e.target.value })}
                    />
                  </div>
                  <p id="number-check" className="small" aria-live="polite">
                    {parsedPhone?.ok ? (
                      <>
                        Sends to <strong className="mono">{parsedPhone.e164}</strong>
                      </>
                    ) : parsedPhone ? (
                      <span className="error-text">{parsedPhone.message}</span>
                    ) : (
                      'With or without the +country code.'
                    )}
                  </p>
                </div>
              )}
              <label htmlFor="reason">Why not the contact on record?</label>
              <textarea
                id="reason"
                rows={2}
                maxLength={500}
                value={reason}
                onChange={(e) => {
                  setReason(e.target.value);
                  setProblem(undefined);
                }}
                required
              />
            </div>
          ) : null}
        </fieldset>
        <label htmlFor="action">Requested action</label>
        <select id="action" value={action} onChange={(e) => setAction(e.target.value)}>
          <option value="">None: verify identity only</option>
          <option value="password_reset">Password reset after verifying</option>
        </select>
        {problem ? <ErrorNote>{problem}</ErrorNote> : null}
        <div className="buttons">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Sending…' : `Send ${channel === 'email' ? 'email' : 'SMS'}`}
          </button>
        </div>
      </form>
    </section>
  );
}

function History({ ticket }: { ticket: TicketPrefill }) {
  if (ticket.history.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="history-h">
      <h2 id="history-h">Earlier verifications of this ticket</h2>
      <ul className="plain">
        {ticket.history.map((v) => (
          <li key={v.verificationId}>
            <Link to={`/verifications/${v.verificationId}`}>
              <When at={v.createdAt} />
            </Link>{' '}
            <StatusBadge status={v.status} /> by {v.agent} ({v.channel === 'sms' ? 'SMS' : 'email'})
          </li>
        ))}
      </ul>
    </section>
  );
}
