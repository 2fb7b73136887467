/**
 * The narrow interfaces the use cases need. Adapters in `shared/adapters` implement them for AWS
 * and for the local stack; the composition root picks which from configuration.
 */

import type { AnswerRecord, TranscriptEntry } from './domain/questions.js';
import type {
  ActionState,
  Channel,
  ClientContext,
  LifecycleOutcome,
  OpenedOutput,
  RequesterFeedback,
  TicketRef,
  TicketWrite,
  Verification,
  VerificationStatus,
  WaitStage,
  WriteBackState,
} from './domain/verification.js';

/** What every connection (one ITSM instance) has, whatever its type. */
export interface ConnectionPolicy {
  connectionId: string;
  name: string;
  /** The instance's base URL, e.g. https://acme.service-now.com (no trailing slash). */
  baseUrl: string;
  /** Ticket categories whose new tickets get a "Send verification link" entry. */
  gatedCategories: string[];
  autoClose: boolean;
  closeCode: string;
  linkLifetimeSeconds: number;
  actionWindowSeconds: number;
  minAnswered: number;
  /** Score thresholds; DEFAULT_SCORING's when absent. */
  mediumFrom?: number;
  highFrom?: number;
  /** Private knowledge a pass needs per link channel; DEFAULT_SCORING's when absent. */
  minKnowledgeSms?: number;
  minKnowledgeEmail?: number;
  /** Retention of this connection's verifications; RETENTION_DAYS when absent. */
  retentionDays?: number;
  /**
   * What agents see of a result (auditors and admins always see everything): `full` (the default),
   * or `outcome_only`: the outcome and the recommendation, no signals, reasons or scores.
   */
  agentView?: 'full' | 'outcome_only';
}

/** The local ticket desk (local/ticket-desk.ts). Inbound: signed webhook. Outbound: Basic. */
export interface LocalDeskConnection extends ConnectionPolicy {
  type: 'local';
}

/**
 * ServiceNow. Inbound: our business-rule script's signed webhook. Outbound: the Table API with
 * Basic or OAuth client credentials (secret `connections/<id>/outbound`: `user:password`, or
 * `{"clientId","clientSecret"}` for OAuth).
 */
export interface ServiceNowConnection extends ConnectionPolicy {
  type: 'servicenow';
  /** The table tickets live in. */
  table: string;
  /** The custom URL field that holds the "Send Verification Link" URL, e.g. u_verification. */
  verificationUrlField: string;
  categoryField: string;
  /** Dot-walked field with the requester's email, e.g. caller_id.email. */
  requesterEmailField: string;
  /** `code` wraps links in [code]<a href>..</a>[/code] (needs glide.ui.security.allow_codetag); `plain` writes the URL. */
  workNotesFormat: 'code' | 'plain';
  outboundAuth: 'basic' | 'oauth';
  /** The state value written on resolve (incident: 6 = Resolved). */
  resolvedState: string;
}

/**
 * ChangeGear. Inbound: its webhook (whole ticket, Basic credentials; secret
 * `connections/<id>/webhook` holds the accepted `user:password` values). Outbound: the REST API
 * (`/cgrestapi/api/...`) with a session from `api/authenticate/user`, or Basic.
 * Field names are not publicly documented, hence settings.
 */
export interface ChangeGearConnection extends ConnectionPolicy {
  type: 'changegear';
  /** The entity type in API paths, e.g. IncidentRequest. */
  entityType: string;
  idField: string;
  numberField: string;
  categoryField: string;
  requesterEmailField: string;
  /** The internal (not client-visible) note field written on each update. */
  noteField: string;
  statusField: string;
  resolvedStatus: string;
  outboundAuth: 'session' | 'basic';
}

export type Connection = LocalDeskConnection | ServiceNowConnection | ChangeGearConnection;

export interface TicketRecord extends TicketRef {
  ticketNumber: string;
  category: string;
  requesterEmail: string;
  createdAt: string;
  /** The "Send verification link" entry on the ticket: written once per ticket. */
  linkEntry: 'writing' | 'done' | 'failed';
  /** The newest verification of this ticket; the lock that keeps one open verification per ticket. */
  lastVerificationId?: string;
}

export interface AuditEvent {
  verificationId?: string;
  ticket?: TicketRef;
  actor: string;
  action: string;
  at: string;
  details?: Record<string, string | number | boolean>;
}

export interface TransitionPatch {
  openedAt?: string;
  /** Stored as its own item in the same transaction (kept off the verification record). */
  transcript?: TranscriptEntry[];
  assessment?: Verification['assessment'];
  questions?: Verification['questions'];
  answers?: Verification['answers'];
  completedAt?: string;
  action?: Verification['action'];
  requesterReport?: Verification['requesterReport'];
}

/**
 * A claim's answer: 'written' when the write was made already, 'in_progress' while another writer
 * holds a live lease. `attemptedBefore`: an earlier claim of this write was never recorded as
 * made (it failed, timed out or died), so its note may have landed anyway.
 */
export type WriteBackClaim =
  | { status: 'claimed'; attemptedBefore: boolean }
  | { status: 'written' }
  | { status: 'in_progress' };

export interface VerificationStore {
  getConnection(connectionId: string): Promise<Connection | undefined>;
  putConnection(connection: Connection): Promise<void>;

  /** Creates the ticket record unless it exists; returns the stored one either way. */
  createTicket(ticket: TicketRecord): Promise<{ created: boolean; ticket: TicketRecord }>;
  getTicket(ref: TicketRef): Promise<TicketRecord | undefined>;
  /** Moves the link entry between states only if it is in `from`; false when someone else holds it. */
  setLinkEntry(
    ref: TicketRef,
    from: TicketRecord['linkEntry'][],
    to: TicketRecord['linkEntry'],
  ): Promise<boolean>;

  /**
   * Stores a new verification and its audit event, and makes it the ticket's latest, provided the
   * ticket's latest is still `previousVerificationId` (optimistic lock: of two concurrent sends for
   * one ticket, one wins). Throws VERIFICATION_IN_PROGRESS (409) otherwise.
   */
  createVerification(
    verification: Verification,
    audit: AuditEvent,
    previousVerificationId: string | undefined,
  ): Promise<void>;
  getVerification(verificationId: string): Promise<Verification | undefined>;
  listVerificationsByTicket(ref: TicketRef): Promise<Verification[]>;
  /**
   * The only way a status changes: the write is conditioned on the current status being one the
   * transition table allows. Throws InvalidTransition (409) otherwise.
   */
  transition(
    verificationId: string,
    to: VerificationStatus,
    patch: TransitionPatch,
    audit: AuditEvent,
  ): Promise<Verification>;
  /** Stores a callback token while the verification is still waiting for that stage; false otherwise. */
  storeTaskToken(verificationId: string, stage: WaitStage, token: string): Promise<boolean>;
  /** Devices (HMACs) that passed a verification for this person, remembered for a while. */
  isKnownDevice(userId: string, deviceHmac: string): Promise<boolean>;
  rememberDevice(userId: string, deviceHmac: string): Promise<void>;
  /** Forgets a remembered device (revokes a device credential): it no longer counts as known. */
  forgetDevice(userId: string, deviceHmac: string): Promise<void>;
  /** Records what the portal page reported; flags a second device when another opened it first. */
  recordClient(verificationId: string, client: ClientContext): Promise<{ secondDevice: boolean }>;
  /**
   * Appends a graded answer at `position` (the number already recorded), only while in progress:
   * false when another request recorded that position first or the verification moved on.
   */
  recordAnswer(verificationId: string, position: number, answer: AnswerRecord): Promise<boolean>;
  /** Counts one attempt under `key` in a window of `windowSeconds`; returns the count so far. */
  countAttempt(key: string, windowSeconds: number): Promise<number>;
  /** The current Tor exit addresses, replaced whole by the scheduled refresh. */
  putTorExits(list: TorExitList): Promise<void>;
  getTorExits(): Promise<TorExitList | undefined>;
  /** Where the person was last seen connecting from (country and time), for impossible travel. */
  lastSighting(userId: string): Promise<{ country?: string; at: string } | undefined>;
  recordSighting(userId: string, sighting: { country?: string; at: string }): Promise<void>;
  /** The transcript of a completed verification. Viewing it is an audit event (the console's job). */
  getTranscript(verificationId: string): Promise<TranscriptEntry[] | undefined>;
  /** Records the state of the ticket writes; `written` adds one to the list of writes made. */
  setWriteBack(
    verificationId: string,
    state: WriteBackState,
    details?: { lastError?: string; written?: TicketWrite },
  ): Promise<void>;
  /**
   * Claims the right to make one ticket write (a lease of `leaseSeconds`), so concurrent retries
   * and the lifecycle never make it twice: 'written' when it was made already, 'in_progress' while
   * another writer holds a live lease.
   */
  claimWriteBack(
    verificationId: string,
    write: TicketWrite,
    owner: string,
    leaseSeconds: number,
  ): Promise<WriteBackClaim>;
  /** Gives the lease back (after setWriteBack recorded the write, or after a failure). */
  releaseWriteBack(verificationId: string, owner: string): Promise<void>;
  markLinkDelivered(verificationId: string, at: string): Promise<void>;
  /** Verifications created since `since`, newest first, from the monthly index (no Scan). */
  listVerificationsSince(since: Date): Promise<Verification[]>;
  /** Moves the action sub-state only if it is in `from`; false otherwise. */
  setAction(
    verificationId: string,
    from: ActionState[],
    to: ActionState,
    audit: AuditEvent,
  ): Promise<boolean>;
  markTicketResolved(verificationId: string, at: string): Promise<void>;
  /**
   * Stores the requester's feedback once, only on a completed verification: false when feedback
   * was already left or the verification is not completed.
   */
  setFeedback(verificationId: string, feedback: RequesterFeedback, audit: AuditEvent): Promise<boolean>;

  saveLinkToken(tokenHash: string, verificationId: string, expiresAt: string): Promise<void>;
  findLinkToken(tokenHash: string): Promise<{ verificationId: string; expiresAt: string } | undefined>;

  /**
   * Claims a signed webhook delivery (by the hash of its signature) for `ttlSeconds`; false when it
   * was claimed before: a replay. `releaseDelivery` gives the claim back so the sender may retry.
   */
  claimDelivery(signatureHash: string, ttlSeconds: number): Promise<boolean>;
  releaseDelivery(signatureHash: string): Promise<void>;

  appendAudit(event: AuditEvent): Promise<void>;
  listAudit(verificationId: string): Promise<AuditEvent[]>;
}

export interface Ticket extends TicketRef {
  number: string;
  category: string;
  subject: string;
  /** The requester's own words; '' when the ticket has none. Read live, never stored by us. */
  description: string;
  requesterEmail: string;
  state: string;
}

export interface TicketNote {
  /** Plain text an agent can read months later. */
  text: string;
  /** A URL the ITSM should render as a link, if it can. */
  link?: { label: string; url: string };
  /**
   * A reference unique to this note (verification ID and write kind), written with it: the
   * connector can look for it to tell whether an earlier attempt already landed.
   */
  marker?: string;
}

export interface WriteOptions {
  /**
   * An earlier attempt of this write may have reached the ticket (it timed out or died before it
   * was recorded): look before writing, and skip a write that is already there.
   */
  mayExist?: boolean;
}

export interface TicketSystem {
  getTicket(ticketId: string): Promise<Ticket>;
  /** Sets the ticket's verification link field and adds the matching note. */
  addVerificationLink(ticketId: string, url: string, note: TicketNote): Promise<void>;
  /**
   * Adds a note and checks it stuck; a write the ITSM accepted but did not keep (a field that does
   * not exist, no rights on it) is a TicketSystemPermanentError naming the field.
   */
  addNote(ticketId: string, note: TicketNote, options?: WriteOptions): Promise<void>;
  resolve(ticketId: string, closeCode: string, closeNotes: string, options?: WriteOptions): Promise<void>;
  /**
   * Recent tickets, newest first: a requester's own (excluding one ticket), or other people's
   * (decoys). One bounded request with a short timeout (someone is waiting for their first
   * question); failures are the adapter's usual retryable or permanent errors.
   */
  recentTickets(query: RecentTicketsQuery): Promise<RecentTicket[]>;
}

export interface RecentTicketsQuery {
  /** Only this requester's tickets. */
  requesterEmail?: string;
  /** Everyone's but this requester's (decoys). */
  excludeRequesterEmail?: string;
  /** Leave out the ticket being verified. */
  excludeTicketId?: string;
  /** Opened at or after. */
  since: Date;
  /** At most this many (1-20). */
  limit: number;
}

export interface RecentTicket {
  number: string;
  subject: string;
  /** ISO 8601, UTC. */
  openedAt: string;
  /**
   * True when the requester opened it themselves while signed in (ServiceNow: channel
   * `self-service`, or opened by the caller), false when an agent logged it from a call, a walk-in
   * or an email anyone could send; absent when the ITSM does not say.
   */
  selfService?: boolean;
  /** Who raised it, as the ITSM names them (for counting distinct people); never stored or logged. */
  requester?: string;
}

export interface Message {
  channel: Channel;
  to: string;
  subject: string;
  text: string;
  /** Correlates the message with a verification in logs and the dev inbox. */
  verificationId: string;
}

export interface Messenger {
  send(message: Message): Promise<void>;
}

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

export interface WorkflowInput {
  verificationId: string;
  linkLifetimeSeconds: number;
}

export interface Workflow {
  start(input: WorkflowInput): Promise<void>;
  sendTaskSuccess(
    token: string,
    output: OpenedOutput | LifecycleOutcome | { actionState: ActionState },
  ): Promise<void>;
}

/** What offline IP data says about an address. */
export interface TorExitList {
  /** Addresses as the gateway reports them (lower case, IPv6 compressed). */
  addresses: string[];
  fetchedAt: string;
}

export interface IpIntelligence {
  lookup(ip: string): { country?: string; asn?: number; asOrg?: string };
  /** Age of the data in days (Infinity when unknown). */
  dataAgeDays(now: Date): number;
}

export interface Secrets {
  /** A named secret's value; throws if it does not exist. */
  get(name: string): Promise<string>;
}

export interface Clock {
  now(): Date;
}

export interface TicketSystems {
  forConnection(connection: Connection): TicketSystem;
}

// ---- Console (issue 6) -----------------------------------------------------------------------

/** Where a newest-first listing resumes: below `before` (a sort key), in `partition` for walks. */
export interface ListPosition {
  partition?: string;
  before: string;
}

export interface ListPageResult<T> {
  items: T[];
  /** Where the next page starts; undefined when there is nothing more. */
  next?: ListPosition;
}

export interface VerificationFilters {
  status?: string;
  riskLevel?: string;
  category?: string;
  agent?: string;
  /** YYYY-MM-DD, inclusive. */
  from?: string;
  to?: string;
  /** A normalised search term (ticket number, requester email or full name). */
  term?: string;
  /** `not_me`: only verifications whose requester said "I did not ask for this". */
  reported?: string;
  /** One verification by its id (the reference the portal shows the requester). */
  verificationId?: string;
}

export interface AuditFilters {
  actor?: string;
  action?: string;
  verificationId?: string;
  from?: string;
  to?: string;
}

/** A stored audit event with its id. */
export type StoredAuditEvent = AuditEvent & { eventId: string };

/** A day's dashboard counters: `started`, `passed`, `cat:<category>:started`, `ttc:<bucket>`, ... */
export interface AggregateDay {
  date: string;
  counters: Record<string, number>;
}

export interface ExportJobRecord {
  exportId: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  requestedBy: string;
  requestedAt: string;
  filters: Record<string, string>;
  rowCount?: number;
  completedAt?: string;
  /** When a run took the job (a job running far longer than its function's timeout has died). */
  startedAt?: string;
  fileKey?: string;
  error?: string;
}

/** The console's read side over the table: every query by key or index, never a Scan. */
export interface ConsoleQueries {
  /** Verifications newest first; may return fewer than `limit` with a `next` (bounded work per call). */
  listVerifications(
    filters: VerificationFilters,
    position: ListPosition | undefined,
    limit: number,
    oldest: string,
    /** Only these attributes (the export reads rows, not whole verifications). */
    attributes?: readonly string[],
  ): Promise<ListPageResult<Verification>>;
  listAudit(
    filters: AuditFilters,
    position: ListPosition | undefined,
    limit: number,
    oldest: string,
  ): Promise<ListPageResult<StoredAuditEvent>>;
  /**
   * The range's per-day totals (counters without a `:`: started, passed, ...), and the detail
   * counters (risk, time to complete, by category, by agent) summed over the range.
   */
  aggregates(from: string, to: string): Promise<{ days: AggregateDay[]; details: Record<string, number> }>;
  /**
   * Adds `counters` to the day once per (verificationId, change): false when that change was
   * counted before (a redelivered stream record).
   */
  applyAggregate(
    verificationId: string,
    change: string,
    date: string,
    counters: Record<string, number>,
    expiresAtEpoch: number,
  ): Promise<boolean>;
  putExportJob(job: ExportJobRecord): Promise<void>;
  getExportJob(exportId: string): Promise<ExportJobRecord | undefined>;
  /** Moves the job on only from `from`; false otherwise. */
  updateExportJob(
    exportId: string,
    from: ExportJobRecord['status'],
    patch: Partial<ExportJobRecord>,
  ): Promise<boolean>;
  listConnections(): Promise<Connection[]>;
}

/** Export files: S3 with presigned URLs in AWS, a directory served by the local gateway locally. */
export interface ExportFiles {
  /** Writes the chunks as one file, holding at most one upload part in memory. */
  write(key: string, chunks: AsyncIterable<string>): Promise<void>;
  downloadUrl(key: string, expiresInSeconds: number): Promise<string>;
}

/** The console roles (the same as `Role` in manifest.ts; ports import nothing from there). */
export type ConsoleRole = 'admin' | 'agent' | 'auditor';

export interface ConsoleUserRecord {
  username: string;
  email?: string;
  roles: ConsoleRole[];
  enabled: boolean;
  status: string;
  createdAt?: string;
  /** When an admin last ended the user's sessions: tokens issued until then are refused. */
  sessionsEndedAt?: string;
}

/** Console users and their roles: Cognito in AWS, the table (read by the local issuer) locally. */
export interface ConsoleUsers {
  list(): Promise<ConsoleUserRecord[]>;
  get(username: string): Promise<ConsoleUserRecord | undefined>;
  create(input: { username: string; email: string; roles: ConsoleRole[] }): Promise<{
    user: ConsoleUserRecord;
    temporaryPassword?: string;
  }>;
  update(username: string, patch: { roles?: ConsoleRole[]; enabled?: boolean }): Promise<ConsoleUserRecord>;
  /** Ends every session of the user (Cognito: AdminUserGlobalSignOut) and records when. */
  endSessions(username: string, at: Date): Promise<void>;
}

/** Writes connection secrets (write-only from the console's point of view). */
export interface SecretWriter {
  put(name: string, value: string): Promise<void>;
}
