import type { DirectoryUser } from '../domain/model/person.js';
export interface LookupOptions {
  /**
   * Also read the persona history (contact changes, failed recoveries) from the IdP's logs: an extra,
   * rate-limited request, so only when scoring. The table directory always has it.
   */
  history?: boolean;
}

export interface Directory {
  findByEmail(email: string, options?: LookupOptions): Promise<DirectoryUser | undefined>;
  getUser(userId: string, options?: LookupOptions): Promise<DirectoryUser | undefined>;
  /** Other people in the organisation, for plausible multiple-choice decoys. */
  sampleUsers(count: number, excludeUserId: string): Promise<DirectoryUser[]>;
  resetPassword(userId: string, newPassword: string): Promise<void>;
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
