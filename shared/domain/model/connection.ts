import type { AssurancePolicy } from './assurance.js';

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
  /** How long the step-up waits for the manager's answer; 1800 (30 minutes) when absent. */
  managerApprovalSeconds?: number;
  /** Tiers and the strong proofs each tier and action need; DEFAULT_ASSURANCE's when absent. */
  assurance?: AssurancePolicy;
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
