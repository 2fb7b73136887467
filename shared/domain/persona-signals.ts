/**
 * Persona signals: what the directory and the send itself say about this request, as reasons an
 * agent can read. A disabled account is a hard rule (the scorer fails it at 10); a privileged one is
 * noted, and the assurance policy (assurance.ts) asks it for a strong proof.
 */
import type { DirectoryUser } from './model/person.js';
import type { Reason } from './model/verification.js';

export interface PersonaPolicy {
  agentTypedDestination: number;
  contactChangedWithinDays: number;
  contactChanged: number;
  resetWithinDays: number;
  recentReset: number;
  failedRecoveries: number;
}

const DEFAULT_PERSONA_POLICY: PersonaPolicy = {
  agentTypedDestination: 4,
  contactChangedWithinDays: 14,
  // With an SMS link, a number changed days ago is the SIM-swap pattern: enough for Medium on its own.
  contactChanged: 4,
  resetWithinDays: 7,
  recentReset: 2,
  failedRecoveries: 2,
};

const daysBetween = (from: string, now: Date) => Math.floor((now.getTime() - Date.parse(from)) / 86_400_000);
const ago = (days: number) => (days <= 0 ? 'today' : days === 1 ? 'yesterday' : `${days} days ago`);

export function personaSignals(
  requester: DirectoryUser,
  send: { destinationIsContactOnRecord: boolean },
  now: Date,
  policy: PersonaPolicy = DEFAULT_PERSONA_POLICY,
): Reason[] {
  const reasons: Reason[] = [];
  const add = (code: string, points: number, evidence: string, message: string) =>
    reasons.push({ code, category: 'persona', points, evidence, message });

  if (requester.privileged) {
    // Not a refusal: the assurance policy asks a strong proof of privileged people (assurance.ts).
    add(
      'PRIVILEGED_ACCOUNT',
      0,
      'directory: privileged',
      'Privileged account: a strong proof is needed on top of the answers, and no self-service action',
    );
  }
  if (!requester.enabled)
    add('ACCOUNT_DISABLED', 10, 'directory: disabled', 'The account is disabled in the directory');
  if (send.destinationIsContactOnRecord) {
    add(
      'CONTACT_ON_RECORD',
      0,
      'link sent to the directory contact',
      'The link was sent to the contact on record',
    );
  } else {
    add(
      'AGENT_TYPED_DESTINATION',
      policy.agentTypedDestination,
      'destination typed by the agent',
      'The link went to an address the agent typed, not the contact on record',
    );
  }
  if (requester.contactChangedAt) {
    const days = daysBetween(requester.contactChangedAt, now);
    if (days < policy.contactChangedWithinDays) {
      add(
        'CONTACT_RECENTLY_CHANGED',
        policy.contactChanged,
        `contact on record changed ${ago(days)}`,
        `The contact details on record changed ${ago(days)}: a swapped SIM or taken-over mailbox is possible`,
      );
    }
  }
  if (requester.lastPasswordResetAt) {
    const days = daysBetween(requester.lastPasswordResetAt, now);
    if (days < policy.resetWithinDays) {
      add(
        'RECENT_PASSWORD_RESET',
        policy.recentReset,
        `password reset ${ago(days)}`,
        `The password was already reset ${ago(days)}`,
      );
    }
  }
  if ((requester.recentFailedRecoveries ?? 0) > 0) {
    add(
      'RECENT_FAILED_RECOVERIES',
      policy.failedRecoveries,
      `${requester.recentFailedRecoveries} failed recoveries in 30 days`,
      'Someone recently failed to recover this account',
    );
  }
  return reasons;
}
