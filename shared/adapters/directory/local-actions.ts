/**
 * The directory actions of the local (table) and in-memory directories, so the local stack and the
 * use-case tests can show MFA reset, Temporary Access Pass, unlock and sign-out everywhere without an
 * identity provider. Both follow the same rules as Microsoft Entra ID: a person starts with a demo
 * set of methods (password, authenticator app, and a phone when the record has a mobile number); a
 * reset removes the chosen ones (never the password); a pass is one-time with a short lifetime.
 *
 * What happened is recorded (methods removed, pass issued with its expiry, unlocked, signed out), the
 * pass itself never: it is generated here, returned once and forgotten.
 */
import { randomBytes } from 'node:crypto';
import type { DirectoryUser } from '../../domain/model/person.js';
import {
  type AuthMethod,
  type DirectoryCapabilities,
  type MfaResetOptions,
  type MfaResetResult,
  TemporaryAccessPass,
} from '../../ports/directory.js';
import { DirectoryPermanentError } from './errors.js';

const recorded = 'local directory: recorded, nothing is sent anywhere';

export const LOCAL_CAPABILITIES: DirectoryCapabilities = {
  passwordReset: { supported: true, note: `Stores a new password hash (${recorded}).` },
  mfaReset: { supported: true, note: `Removes the chosen demo methods, never the password (${recorded}).` },
  temporaryAccessPass: {
    supported: true,
    note: `Issues a one-time pass with a short lifetime (${recorded}).`,
  },
  accountUnlock: { supported: true, note: `Records the unlock (${recorded}).` },
  signOutEverywhere: { supported: true, note: `Records the sign-out everywhere (${recorded}).` },
};

const LOCAL_PASS_MINUTES = 60;

/** What the local directories remember of a person's actions (no pass value). */
export interface LocalActionRecord {
  /** The methods now registered (the demo set until the first reset). */
  methods: AuthMethod[];
  mfaResets: { at: string; removedIds: string[]; passExpiresAt?: string }[];
  unlocks: string[];
  sessionRevocations: string[];
}

/** Every seeded person's methods before any reset. */
function demoMethods(user: DirectoryUser): AuthMethod[] {
  const methods: AuthMethod[] = [
    { id: 'password', kind: 'password', directoryType: 'password', removable: false },
    { id: 'authenticator-app', kind: 'authenticatorApp', directoryType: 'authenticatorApp', removable: true },
  ];
  if (user.mobilePhone)
    methods.push({ id: 'mobile-phone', kind: 'phone', directoryType: 'phone', removable: true });
  return methods;
}

export const emptyRecord = (user: DirectoryUser): LocalActionRecord => ({
  methods: demoMethods(user),
  mfaResets: [],
  unlocks: [],
  sessionRevocations: [],
});

export const localUserNotFound = (action: string, userId: string) =>
  new DirectoryPermanentError(`${action} user ${userId}: HTTP 404 (user not found)`, 404);

/** Applies a reset to `record` (changed in place) and returns the result, with a new pass if asked. */
export function applyMfaReset(
  record: LocalActionRecord,
  options: MfaResetOptions,
  now: Date,
  passMinutes = LOCAL_PASS_MINUTES,
): MfaResetResult {
  const wanted = options.methodIds ? new Set(options.methodIds) : undefined;
  const notRemoved: MfaResetResult['notRemoved'] = [];
  for (const id of wanted ?? []) {
    if (!record.methods.some((m) => m.id === id))
      notRemoved.push({ method: { id, kind: 'other' }, code: 'not_found' });
  }
  const chosen = record.methods.filter((m) => (wanted ? wanted.has(m.id) : m.removable));
  const removed = chosen.filter((m) => m.removable);
  for (const m of chosen.filter((c) => !c.removable)) {
    notRemoved.push({ method: { id: m.id, kind: m.kind }, code: 'not_removable' });
  }
  record.methods = record.methods.filter((m) => !removed.includes(m));
  const pass = options.temporaryAccessPass ? newPass(now, passMinutes) : undefined;
  record.mfaResets.push({
    at: now.toISOString(),
    removedIds: removed.map((m) => m.id),
    ...(pass ? { passExpiresAt: pass.expiresAt } : {}),
  });
  return { removed, notRemoved, allFactorsReset: false, ...(pass ? { temporaryAccessPass: pass } : {}) };
}

/** Twelve URL-safe characters from a CSPRNG (72 bits). */
function newPass(now: Date, minutes: number): TemporaryAccessPass {
  const value = randomBytes(9).toString('base64url');
  const startsAt = now.toISOString();
  const expiresAt = new Date(now.getTime() + minutes * 60_000).toISOString();
  return new TemporaryAccessPass(value, minutes, true, startsAt, expiresAt);
}
