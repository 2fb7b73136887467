import type { DirectoryUser } from '../domain/model/person.js';
export interface LookupOptions {
  /**
   * Also read the persona history (contact changes, failed recoveries) from the IdP's logs: an extra,
   * rate-limited request, so only when scoring. The table directory always has it.
   */
  history?: boolean;
}

/** A person found by searchPeople: what an agent needs to pick the right one (the caller masks the contact). */
export type PersonMatch = Pick<
  DirectoryUser,
  'userId' | 'displayName' | 'email' | 'mobilePhone' | 'department' | 'title' | 'enabled'
> & {
  /** The HR employee ID (Entra employeeId, Okta employeeNumber; the local directory's user id). */
  employeeId?: string;
};

/** Whether a query reads as an employee ID (letters and digits, at least one digit, no spaces). */
export const looksLikeEmployeeId = (query: string) => /^(?=.*\d)[A-Za-z0-9._-]{2,32}$/.test(query);

export interface Directory {
  findByEmail(email: string, options?: LookupOptions): Promise<DirectoryUser | undefined>;
  getUser(userId: string, options?: LookupOptions): Promise<DirectoryUser | undefined>;
  /**
   * People whose name or email starts with the query's words, or whose employee ID is the query
   * (the console's "Verify a caller"): at most `limit` (1-25), not enriched (no manager, groups or
   * history). The query is already trimmed and at least 2 characters; matches are read-only.
   */
  searchPeople(query: string, limit: number): Promise<PersonMatch[]>;
  /** Other people in the organisation, for plausible multiple-choice decoys. */
  sampleUsers(count: number, excludeUserId: string): Promise<DirectoryUser[]>;
  resetPassword(userId: string, newPassword: string): Promise<void>;
  /** What this directory can do (static: no request). */
  capabilities(): DirectoryCapabilities;
  /** The person's registered sign-in methods. */
  listAuthMethods(userId: string): Promise<AuthMethod[]>;
  /** Removes the chosen methods (or all), and issues a Temporary Access Pass when asked and supported. */
  resetMfa(userId: string, options?: MfaResetOptions): Promise<MfaResetResult>;
  /** Lifts a sign-in lockout (only where the directory has an unlock). */
  unlockAccount(userId: string): Promise<void>;
  /** Signs the person out everywhere: sessions and refresh tokens revoked. */
  revokeSessions(userId: string): Promise<void>;
}

/**
 * What `resetPassword` throws when the directory's own password policy refuses the new password
 * (the requester may choose another); any other failure is the adapter's usual error.
 */
export interface PasswordRejection extends Error {
  readonly passwordRejected: true;
  /** The directory's explanation (its policy's words), never the password. */
  readonly idpMessage: string;
}

export function isPasswordRejection(error: unknown): error is PasswordRejection {
  return error instanceof Error && (error as Partial<PasswordRejection>).passwordRejected === true;
}

/**
 * Directory actions beyond the password reset. A directory reports what it can do
 * (`capabilities()`), so a caller offers only those actions; an action a directory cannot do throws
 * the adapter's DirectoryUnsupportedError (code `directory_action_unsupported`) before changing
 * anything. After any reset the caller signs the person out everywhere (`revokeSessions`).
 */
export type DirectoryAction =
  | 'passwordReset'
  | 'mfaReset'
  | 'temporaryAccessPass'
  | 'accountUnlock'
  | 'signOutEverywhere';

interface ActionSupport {
  supported: boolean;
  /** One sentence: how the directory does it, or why it cannot. */
  note: string;
}

export type DirectoryCapabilities = Readonly<Record<DirectoryAction, ActionSupport>>;

/** What kind of sign-in method, across directories (the directory's own type is `directoryType`). */
export type AuthMethodKind =
  | 'password'
  | 'authenticatorApp'
  | 'phone'
  | 'securityKey'
  | 'softwareOtp'
  | 'email'
  | 'platformCredential'
  | 'temporaryAccessPass'
  | 'other';

/** A registered sign-in method: ids and types only (no phone numbers, addresses or device names). */
export interface AuthMethod {
  id: string;
  kind: AuthMethodKind;
  /** The directory's own type (Graph's method collection, Okta's factorType). */
  directoryType: string;
  /** Whether resetMfa can remove it (a password never is). */
  removable: boolean;
}

export interface MfaResetOptions {
  /**
   * The methods to remove (ids from listAuthMethods); default every removable one. A directory that
   * can only reset every factor at once (Okta) refuses a selection.
   */
  methodIds?: readonly string[];
  /** Issue a one-time Temporary Access Pass so the person can enrol again (only where supported). */
  temporaryAccessPass?: boolean;
}

export interface MfaResetResult {
  /** The methods removed. Empty when the directory reset every factor at once (`allFactorsReset`). */
  removed: AuthMethod[];
  /** Chosen methods the directory did not remove, with a stable reason code. */
  notRemoved: { method: Pick<AuthMethod, 'id' | 'kind'>; code: string }[];
  /** The directory reset every factor in one operation (Okta's reset_factors). */
  allFactorsReset: boolean;
  /** Returned to the caller only: never logged, stored or put in a message. */
  temporaryAccessPass?: TemporaryAccessPass;
}

const REDACTED = '[temporary access pass]';

/**
 * A Temporary Access Pass: a credential. The value comes out only through `reveal()`; JSON,
 * string conversion and Node's inspection (console.log, loggers) show a placeholder, so a pass that
 * ends up in a log line or an error by mistake is not disclosed.
 */
export class TemporaryAccessPass {
  readonly #value: string;

  constructor(
    value: string,
    readonly lifetimeMinutes: number,
    readonly isUsableOnce: boolean,
    /** ISO timestamps. */
    readonly startsAt: string,
    readonly expiresAt: string,
  ) {
    this.#value = value;
  }

  /** The pass itself, to hand to the person (and to nothing else). */
  reveal(): string {
    return this.#value;
  }

  toJSON() {
    const { lifetimeMinutes, isUsableOnce, startsAt, expiresAt } = this;
    return { temporaryAccessPass: REDACTED, lifetimeMinutes, isUsableOnce, startsAt, expiresAt };
  }

  toString(): string {
    return REDACTED;
  }

  [Symbol.for('nodejs.util.inspect.custom')]() {
    return `TemporaryAccessPass ${JSON.stringify(this.toJSON())}`;
  }
}
