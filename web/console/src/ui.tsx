/** Small shared pieces: labels in plain words, badges, dates, data loading, page frame parts. */
import { type ReactNode, useCallback, useEffect, useRef, useState } from 'react';
import type { RiskLevel, VerificationStatus } from '../../../shared/domain/model/verification.js';
import { levelLabel, OUTCOME_LABELS } from '../../../shared/domain/verdict.js';
import { describeError } from './api';

/** The outcome labels people read: the one source (shared/domain/verdict.ts). */
export const STATUS_LABELS: Record<VerificationStatus, string> = OUTCOME_LABELS;

/** No more changes to come from the requester. */
export const isFinalStatus = (status: VerificationStatus) =>
  status !== 'sent' && status !== 'in_progress' && status !== 'step_up';

export const RISK_LABELS: Record<RiskLevel, string> = {
  verified: 'Verified',
  medium: 'Medium',
  high: 'High',
};

const STATUS_TONE: Record<VerificationStatus, string> = {
  sent: 'info',
  in_progress: 'info',
  step_up: 'info',
  passed: 'good',
  failed: 'bad',
  not_enough_questions: 'warn',
  timed_out: 'warn',
  cancelled: 'muted',
};

export function StatusBadge({ status }: { status: VerificationStatus }) {
  return <span className={`badge ${STATUS_TONE[status]}`}>{STATUS_LABELS[status]}</span>;
}

/**
 * The risk level as people read it (verdict.ts `levelLabel`): Verified only on a pass; a result
 * that did not pass says "Not verified" whatever an older record stored. Hidden analysis: nothing.
 */
export function RiskBadge({
  status,
  level,
  score,
}: {
  status: VerificationStatus;
  level?: RiskLevel;
  score?: number;
}) {
  if (!level && !isFinalStatus(status)) return <span className="muted">—</span>;
  if (!level && status === 'cancelled') return <span className="muted">—</span>;
  const label = levelLabel(status, level);
  const tone = label === 'Verified' ? 'good' : label === 'High' ? 'bad' : 'warn';
  return (
    <span className={`badge ${tone}`}>
      {label}
      {score !== undefined ? ` · ${score.toFixed(1)}` : ''}
    </span>
  );
}

/** "I did not ask for this": shown before anything else. */
export function UrgentBadge() {
  return <span className="badge bad urgent">Requester says they did not ask for this</span>;
}

/** The requester's feedback on the check, as a short line. */
export function feedbackText(f: { difficulty: 'easy' | 'hard'; comment?: string } | undefined): string {
  if (!f) return '';
  return `${f.difficulty === 'easy' ? 'Easy' : 'Hard'}${f.comment ? `: “${f.comment}”` : ''}`;
}

/** `password_reset` → `Password reset`. */
export const humanize = (value: string) => {
  const s = value.replace(/[_.]+/g, ' ').trim();
  return s.charAt(0).toUpperCase() + s.slice(1);
};

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateTimeSeconds = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export function When({ at, seconds }: { at?: string; seconds?: boolean }) {
  if (!at) return <span className="muted">—</span>;
  const d = new Date(at);
  return <time dateTime={at}>{(seconds ? dateTimeSeconds : dateTime).format(d)}</time>;
}

/** 95 → `1 min 35 s`. */
export function duration(seconds: number): string {
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export const percent = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(1)}%`);

/** YYYY-MM-DD of a date, UTC (the API's calendar days). */
export const isoDay = (d: Date) => d.toISOString().slice(0, 10);
export const daysAgo = (n: number) => isoDay(new Date(Date.now() - n * 86_400_000));

export interface Loaded<T> {
  data?: T;
  /** What went wrong, in words, when the last load failed. */
  error?: string;
  reload: () => void;
}

/**
 * Loads `load()` whenever `key` changes (a reload of the same key keeps showing the last data);
 * answers to older keys are dropped. `refreshMs` reloads quietly while the page is visible, for
 * screens that watch progress.
 */
export function useLoad<T>(load: () => Promise<T>, key: string, refreshMs?: number): Loaded<T> {
  const [state, setState] = useState<{ key: string; data?: T; failure?: unknown }>({ key });
  const [nonce, setNonce] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  // biome-ignore lint/correctness/useExhaustiveDependencies: key and nonce are what trigger a load
  useEffect(() => {
    let live = true;
    setState((s) => ({ key, data: s.key === key ? s.data : undefined }));
    loadRef.current().then(
      (data) => live && setState({ key, data }),
      (failure: unknown) => live && setState({ key, failure }),
    );
    return () => {
      live = false;
    };
  }, [key, nonce]);

  useEffect(() => {
    if (!refreshMs) return;
    let live = true;
    const timer = setInterval(() => {
      if (document.visibilityState !== 'visible') return;
      loadRef.current().then(
        (data) => live && setState((s) => (s.key === key ? { key, data } : s)),
        () => undefined,
      );
    }, refreshMs);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [key, refreshMs]);

  const reload = useCallback(() => setNonce((n) => n + 1), []);
  const current = state.key === key;
  return {
    data: current ? state.data : undefined,
    error: current && state.failure !== undefined ? describeError(state.failure) : undefined,
    reload,
  };
}

/**
 * A newest-first listing read a page at a time with the API's cursors: a stack of the cursors of
 * the pages up to the current one ("Previous" pops it); it starts again when `key` (the filters)
 * changes.
 */
export function useCursorPages(key: string) {
  const [pages, setPages] = useState<{ key: string; stack: (string | undefined)[] }>({
    key,
    stack: [undefined],
  });
  const stack = pages.key === key ? pages.stack : [undefined];
  return {
    cursor: stack[stack.length - 1],
    /** 1 for the first page. */
    page: stack.length,
    previous: () => setPages({ key, stack: stack.slice(0, -1) }),
    next: (cursor: string) => setPages({ key, stack: [...stack, cursor] }),
  };
}

export function Pager({
  pages,
  nextCursor,
}: {
  pages: ReturnType<typeof useCursorPages>;
  nextCursor: string | null;
}) {
  return (
    <nav className="pager" aria-label="Pages">
      <button type="button" disabled={pages.page === 1} onClick={pages.previous}>
        Previous
      </button>
      <span>Page {pages.page}</span>
      <button type="button" disabled={!nextCursor} onClick={() => nextCursor && pages.next(nextCursor)}>
        Next
      </button>
    </nav>
  );
}

/**
 * A callback ref that focuses the element when it appears, if `enabled`: a section that replaces
 * the one holding focus (a form swapped for its result) takes focus, so a keyboard or screen-reader
 * user carries on from there instead of from the top of the page.
 */
export function useFocusWhenShown<T extends HTMLElement>(enabled: boolean) {
  return useCallback(
    (element: T | null) => {
      if (enabled) element?.focus();
    },
    [enabled],
  );
}

/** The screen's title: one h1 per screen, focused when the screen changes (screen readers hear it). */
export function PageTitle({ children, actions }: { children: ReactNode; actions?: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus({ preventScroll: true });
    document.title = `${ref.current?.textContent ?? 'Console'} · Helpdesk Verify`;
  }, []);
  return (
    <div className="page-title">
      <h1 ref={ref} tabIndex={-1}>
        {children}
      </h1>
      {actions ? <div className="actions">{actions}</div> : null}
    </div>
  );
}

export function ErrorNote({ children }: { children: ReactNode }) {
  return (
    <p className="note error" role="alert">
      {children}
    </p>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="loading" role="status">
      Loading {what}…
    </p>
  );
}

/** A read-only definition list row. */
export function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="fact">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}
