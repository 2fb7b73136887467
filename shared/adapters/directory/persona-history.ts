/**
 * Persona history from an identity provider's own log (Entra ID's directory audit log, Okta's
 * System Log): when the contact details or authentication methods on record last changed, and how
 * many recoveries failed. Both directory adapters read one page of their log per person looked up
 * and hand the events, reduced to `HistoryEvent`s, to this reader, which:
 *
 * - summarises them: the latest contact change, and failed recoveries counted per attempt (one
 *   self-service reset that fails at three steps is one failed recovery);
 * - keeps the answer for a minute per person, so the several lookups of one verification (open,
 *   signals, complete, password checks) cost one log read, not one each;
 * - never fails a lookup: if the log cannot be read the fields stay undefined and a warning is
 *   logged without personal data (no id, no address): once per process when the permission is
 *   missing (403), every time otherwise (throttled, down, timed out).
 */
import { logger } from '../../logger.js';
import { DirectoryPermanentError, DirectoryRetryableError } from './errors.js';

/** The log is read this far back (the persona policy looks at 14 days for contact, 30 for recoveries). */
const PERSONA_LOOKBACK_DAYS = 30;
/** A person's history is reused this long. */
const PERSONA_CACHE_MS = 60_000;
const CACHE_MAX_ENTRIES = 500;

export interface PersonaHistory {
  contactChangedAt?: string;
  recentFailedRecoveries?: number;
}

/** One log event that matters here. */
export interface HistoryEvent {
  kind: 'contactChanged' | 'recoveryFailed';
  /** ISO timestamp. */
  at: string;
  /** Groups the events of one attempt (Graph correlationId, Okta transaction id); else the event id. */
  attempt: string;
}

export type Warn = (message: string, details: Record<string, unknown>) => void;

export interface PersonaHistoryOptions {
  /** The log, for messages: "the Microsoft Entra ID audit log", "the Okta System Log". */
  log: string;
  /** What to grant when the log is forbidden. */
  forbidden: string;
  /** Reads the person's log events published in [since, until]. */
  read: (userId: string, since: Date, until: Date) => Promise<HistoryEvent[]>;
  now: () => number;
  warn?: Warn;
}

export class PersonaHistoryReader {
  private readonly cache = new Map<string, { expiresAt: number; history: PersonaHistory }>();
  private forbiddenWarned = false;
  private readonly warn: Warn;

  constructor(private readonly options: PersonaHistoryOptions) {
    this.warn = options.warn ?? ((message, details) => logger.warn(message, details));
  }

  async history(userId: string): Promise<PersonaHistory> {
    const now = this.options.now();
    const cached = this.cache.get(userId);
    if (cached && cached.expiresAt > now) return cached.history;
    let history: PersonaHistory;
    try {
      const until = new Date(now);
      const since = new Date(now - PERSONA_LOOKBACK_DAYS * 86_400_000);
      history = summarise(await this.options.read(userId, since, until), since, until);
    } catch (error) {
      if (!(error instanceof DirectoryPermanentError || error instanceof DirectoryRetryableError))
        throw error;
      this.unavailable(error);
      return {};
    }
    if (this.cache.size >= CACHE_MAX_ENTRIES) this.cache.clear();
    this.cache.set(userId, { expiresAt: now + PERSONA_CACHE_MS, history });
    return history;
  }

  private unavailable(error: DirectoryPermanentError | DirectoryRetryableError): void {
    const status = error instanceof DirectoryPermanentError ? error.status : undefined;
    if (status === 403) {
      if (this.forbiddenWarned) return;
      this.forbiddenWarned = true;
      this.warn(
        `Persona signals: ${this.options.log} is not readable, so contact changes and failed recoveries are not scored; ${this.options.forbidden}`,
        { status },
      );
      return;
    }
    this.warn(
      `Persona signals: ${this.options.log} was not read for this lookup, contact changes and failed recoveries skipped`,
      {
        error: error.name,
        ...(status !== undefined ? { status } : {}),
        ...(error instanceof DirectoryRetryableError && error.retryAfterSeconds !== undefined
          ? { retryAfterSeconds: error.retryAfterSeconds }
          : {}),
      },
    );
  }
}

/** The latest contact change and the number of failed recovery attempts within [since, until]. */
function summarise(events: HistoryEvent[], since: Date, until: Date): PersonaHistory {
  let contactChangedAt: number | undefined;
  const failedAttempts = new Set<string>();
  for (const event of events) {
    const at = Date.parse(event.at);
    if (Number.isNaN(at) || at < since.getTime() || at > until.getTime()) continue;
    if (event.kind === 'contactChanged') contactChangedAt = Math.max(contactChangedAt ?? at, at);
    else failedAttempts.add(event.attempt);
  }
  return {
    ...(contactChangedAt !== undefined ? { contactChangedAt: new Date(contactChangedAt).toISOString() } : {}),
    recentFailedRecoveries: failedAttempts.size,
  };
}
