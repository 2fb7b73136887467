/**
 * The portal API contract: one source for every `/portal/*` route's body schema (the handlers
 * validate with them) and the response types (the portal web app imports them, type only, so no
 * zod ships to the phone). Routes, their functions and auth kinds live in shared/manifest.ts.
 *
 * | method | path                   | auth            | body                | response          |
 * |--------|------------------------|-----------------|---------------------|-------------------|
 * | POST   | /portal/start          | none            | selfServiceSchema   | { accepted: true } (202) |
 * | GET    | /portal/session        | link token      |                     | PortalSession     |
 * | GET    | /portal/question       | session         |                     | QuestionStep      |
 * | POST   | /portal/answer         | session         | answerSchema        | QuestionStep      |
 * | POST   | /portal/signals        | session         | signalsSchema       | { received: true } (202) |
 * | POST   | /portal/complete       | session         | completeSchema      | PortalOutcome     |
 * | POST   | /portal/not-me         | session         | notMeSchema         | NotMeOutcome      |
 * | POST   | /portal/feedback       | session         | feedbackSchema      | { verificationId, received: true } |
 * | POST   | /portal/password-check | session         | passwordCheckSchema | PasswordFeedback  |
 * | POST   | /portal/action         | session         | actionSchema        | ActionDone        |
 * | POST   | /portal/manager/request  | manager token | managerViewSchema     | ManagerRequest      |
 * | POST   | /portal/manager/decision | manager token | managerDecisionSchema | ManagerDecisionDone |
 *
 * Errors are `{ error: { code, message, details? } }` with a stable code (shared/http/error-map.ts).
 */
import type { ClientSignals } from './domain/model/client-signals.js';
import type { OutcomeStatus } from './domain/model/verification.js';
import * as z from './zod.js';

const shortId = () => z.string().check(z.minLength(1), z.maxLength(16));

const short = (max: number) => z.string().check(z.maxLength(max));

export const answerSchema = z.union([
  z.strictObject({ questionId: shortId(), optionId: shortId() }),
  z.strictObject({ questionId: shortId(), text: z.string().check(z.maxLength(200)) }),
  z.strictObject({ questionId: shortId(), skipped: z.literal(true) }),
]);

export const signalsSchema = z.strictObject({
  webdriver: z.boolean(),
  bot: z.optional(z.strictObject({ detected: z.boolean(), kind: z.optional(short(40)) })),
  timeZone: z.optional(short(64)),
  languages: z.optional(z.array(short(35)).check(z.maxLength(10))),
  clientHints: z.optional(
    z.strictObject({ platform: z.optional(short(40)), mobile: z.optional(z.boolean()) }),
  ),
  deviceHash: z.optional(z.string().check(z.regex(/^[0-9a-f]{64}$/))),
  /** The device credential this browser was given when the person last passed here, if any. */
  deviceCredential: z.optional(z.string().check(z.minLength(1), z.maxLength(400))),
});

export const completeSchema = z.strictObject({});

/** "I did not ask for this" needs an explicit confirmation, so a stray tap never ends a verification. */
export const notMeSchema = z.strictObject({ confirm: z.literal(true) });

export const feedbackSchema = z.strictObject({
  difficulty: z.enum(['easy', 'hard']),
  comment: z.optional(z.string().check(z.maxLength(500))),
});

export const actionSchema = z.strictObject({
  action: z.literal('password_reset'),
  newPassword: z.string().check(z.minLength(1), z.maxLength(256)),
});

export const passwordCheckSchema = z.strictObject({
  newPassword: z.string().check(z.maxLength(256)),
});

/** The manager's link token (from the fragment of their link): 32 bytes, base64url. */
const managerToken = () => z.string().check(z.minLength(20), z.maxLength(100), z.regex(/^[A-Za-z0-9_-]+$/));

export const managerViewSchema = z.strictObject({ token: managerToken() });

export const managerDecisionSchema = z.strictObject({
  token: managerToken(),
  decision: z.enum(['approve', 'deny', 'not_right']),
});

export const selfServiceSchema = z.strictObject({
  email: z.email().check(z.maxLength(254)),
});

export type SignalsBody = z.infer<typeof signalsSchema>;
/** A response to one question, as the page sends it (without the question's id). */
export type Answer = { optionId: string } | { text: string } | { skipped: true };

/** The stored signals are the body without the device hash and credential (kept apart, as HMACs). */
type StoredSignals = Omit<SignalsBody, 'deviceHash' | 'deviceCredential'>;
// Compile-time check: what the schema accepts is what the model stores.
const _storedSignalsMatch = (s: StoredSignals): ClientSignals => s;
void _storedSignalsMatch;

/** POST /portal/open: what the landing page needs, and nothing about the person. */
export interface PortalSession {
  verificationId: string;
  ticketNumber: string;
  /**
   * agent: an agent sent the link from a ticket; agent_led: from the console's "Verify a caller" (the
   * ticket number is "No ticket" when there is none); self_service: the person asked on the start page.
   */
  origin: 'agent' | 'agent_led' | 'self_service';
  status: string;
  requestedAction: 'password_reset' | null;
  questionCount: number;
  minAnswered: number;
  sessionToken: string;
  sessionExpiresAt: string;
  linkExpiresAt: string;
}

/** A question as the page sees it: never the answer, the weight or the decoys. */
interface PublicQuestion {
  id: string;
  kind: 'choice' | 'text';
  prompt: string;
  hint?: string;
  options?: { id: string; label: string }[];
}

/** GET /portal/question and POST /portal/answer: the question to answer now, or done. */
export type QuestionStep =
  | { done: false; position: number; total: number; remainingSeconds: number; question: PublicQuestion }
  | { done: true; total: number; answered: number };

/** POST /portal/complete: the outcome, never which check failed or the score. */
export interface PortalOutcome {
  verificationId: string;
  /** step_up: the answers are in, and the person's manager is asked to approve before a result. */
  outcome: OutcomeStatus | 'step_up';
  nextAction?: 'password_reset';
  /** After a pass: this browser's device credential, kept for next time. */
  deviceCredential?: string;
}

/** POST /portal/not-me. */
export interface NotMeOutcome {
  verificationId: string;
  outcome: OutcomeStatus;
  reported: 'not_me';
}

/** POST /portal/manager/request: what the manager is asked to approve; never the answers or the score. */
export interface ManagerRequest {
  verificationId: string;
  requesterName: string;
  ticketNumber: string;
  /** In words, e.g. "a password reset". */
  action: string;
  country?: string;
  network?: string;
  requestedAt: string;
  expiresAt: string;
}

/** POST /portal/manager/decision. */
export interface ManagerDecisionDone {
  verificationId: string;
  decision: 'approve' | 'deny' | 'not_right';
  recorded: true;
}

/** POST /portal/password-check. */
export interface PasswordFeedback {
  ok: boolean;
  reason?: string;
  message: string;
  suggestions: string[];
}

/** POST /portal/action. */
export interface ActionDone {
  verificationId: string;
  action: 'password_reset';
  state: 'done';
}
