import type { RecentTicket } from './ticket.js';
export interface DirectoryUser {
  userId: string;
  displayName: string;
  givenName: string;
  email: string;
  mobilePhone?: string;
  department: string;
  title: string;
  office: string;
  country: string;
  managerId?: string;
  startDate: string;
  privileged: boolean;
  enabled: boolean;
  /** When the email or mobile number on record last changed (a swapped SIM, a hijacked mailbox). */
  contactChangedAt?: string;
  /** When the password was last reset, by anyone. */
  lastPasswordResetAt?: string;
  /** Failed account-recovery attempts in the last 30 days. */
  recentFailedRecoveries?: number;
  /** Countries the person normally connects from (office country first). */
  usualCountries?: string[];
  /** The name they go by when it differs from the given name (Bill for William). */
  nickname?: string;
  /** Directory groups they belong to (distribution lists, security groups). */
  groups?: string[];
  /** Applications they are assigned or use. */
  apps?: string[];
  /** Their recent help-desk tickets, newest first (not including the one being verified). */
  recentTickets?: RecentTicket[];
}
