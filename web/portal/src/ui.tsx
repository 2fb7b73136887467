/** Building blocks every screen shares: the page frame, a focused heading, the reference box. */
import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';
import type { Branding } from './api';

export function Frame(props: { branding: Branding; children: ComponentChildren }) {
  const { branding } = props;
  return (
    <>
      <header class="brand">
        {branding.logoUrl ? <img src={branding.logoUrl} alt="" width={32} height={32} /> : null}
        <span>{branding.companyName}</span>
      </header>
      <main id="main">{props.children}</main>
      <footer>
        {branding.helpDeskName}
        {branding.helpDeskPhone ? (
          <>
            {': '}
            <PhoneLink phone={branding.helpDeskPhone} />
          </>
        ) : null}
      </footer>
    </>
  );
}

/**
 * The screen's heading. It takes focus when the screen appears, so a screen reader announces the
 * new screen and keyboard users start from the top of it; the tab title follows.
 */
export function Heading(props: { children: string; company: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  // A layout effect: focus moves in the same task as the screen change, never after a stray paint.
  useLayoutEffect(() => {
    document.title = `${props.children} · ${props.company}`;
    ref.current?.focus();
  }, [props.children, props.company]);
  return (
    <h1 ref={ref} tabIndex={-1}>
      {props.children}
    </h1>
  );
}

const PhoneLink = (props: { phone: string }) => (
  <a href={`tel:${props.phone.replace(/[^\d+]/g, '')}`}>{props.phone}</a>
);

/** What the help desk needs to find this verification, without saying anything about its result. */
export function Reference(props: { ticketNumber?: string; verificationId?: string }) {
  if (!props.ticketNumber && !props.verificationId) return null;
  return (
    <dl class="reference">
      {props.ticketNumber ? (
        <>
          <dt>Ticket</dt>
          <dd>{props.ticketNumber}</dd>
        </>
      ) : null}
      {props.verificationId ? (
        <>
          <dt>Verification ID</dt>
          <dd>{props.verificationId}</dd>
        </>
      ) : null}
    </dl>
  );
}

/** "Call <help desk> on <phone>", or without the phone when none is configured. */
export function CallHelpDesk(props: { branding: Branding }) {
  const { helpDeskName, helpDeskPhone } = props.branding;
  return helpDeskPhone ? (
    <>
      call the {helpDeskName} on <PhoneLink phone={helpDeskPhone} />
    </>
  ) : (
    <>contact the {helpDeskName}</>
  );
}
