import type { Connection } from '../domain/model/connection.js';
import type { LifecycleOutcome, OutcomeStatus, Verification } from '../domain/model/verification.js';

/** What the state machine branches on after completion, derived from the stored verification. */
export function lifecycleOutcome(v: Verification, connection: Connection): LifecycleOutcome {
  return {
    status: v.status as OutcomeStatus,
    awaitAction: v.action.state === 'pending',
    actionWindowSeconds: connection.actionWindowSeconds,
    autoClose: connection.autoClose,
  };
}
