/**
 * Microsoft Entra ID actions beyond the password reset, through Microsoft Graph v1.0 (app-only):
 *
 * - Methods: GET /users/{id}/authentication/methods (200, `value`: authenticationMethod objects told
 *   apart by @odata.type). Needs UserAuthenticationMethod.Read.All.
 *   https://learn.microsoft.com/graph/api/authentication-list-methods?view=graph-rest-1.0
 * - MFA reset: each chosen method removed through its type's documented DELETE (204), e.g.
 *   DELETE /users/{id}/authentication/microsoftAuthenticatorMethods/{methodId}. Only the types Graph
 *   v1.0 documents as deletable (DELETABLE below); the password method is never removed. Needs
 *   UserAuthenticationMethod.ReadWrite.All. Graph refuses (400) to delete the default MFA method
 *   while other methods remain, so a method refused with 400 is tried once more after the others;
 *   a 404 means it was already gone. Re-registration is then required at the next sign-in.
 *   https://learn.microsoft.com/graph/api/resources/authenticationmethods-overview?view=graph-rest-1.0
 *   https://learn.microsoft.com/graph/api/microsoftauthenticatorauthenticationmethod-delete?view=graph-rest-1.0
 *   https://learn.microsoft.com/graph/api/phoneauthenticationmethod-delete?view=graph-rest-1.0
 *   (and fido2authenticationmethod-delete, softwareoathauthenticationmethod-delete,
 *   emailauthenticationmethod-delete, windowshelloforbusinessauthenticationmethod-delete,
 *   temporaryaccesspassauthenticationmethod-delete, platformcredentialauthenticationmethod-delete)
 * - Temporary Access Pass: POST /users/{id}/authentication/temporaryAccessPassMethods
 *   {lifetimeInMinutes, isUsableOnce: true} (201, the pass in `temporaryAccessPass`; 10-43200
 *   minutes; a new pass replaces a valid one). Needs UserAuthMethod-TAP.ReadWrite.All (or
 *   UserAuthenticationMethod.ReadWrite.All) and the pass enabled in the authentication methods
 *   policy. A pass Graph did not make one-time is deleted again and refused. The pass is returned to
 *   the caller only (TemporaryAccessPass): never logged, stored or put in an error message.
 *   https://learn.microsoft.com/graph/api/authentication-post-temporaryaccesspassmethods?view=graph-rest-1.0
 * - Sign out everywhere: POST /users/{id}/revokeSignInSessions (200 {"value": true}; a known issue
 *   may answer 204). Invalidates refresh tokens and browser session cookies, within minutes; not
 *   for guests. Needs User.RevokeSessions.All (least privileged).
 *   https://learn.microsoft.com/graph/api/user-revokesigninsessions?view=graph-rest-1.0
 * - Unlock: Graph has no API that lifts a smart lockout (it expires on its own, or the person resets
 *   their password): unsupported, nothing is sent.
 */
import {
  type AuthMethod,
  type AuthMethodKind,
  type DirectoryCapabilities,
  type MfaResetOptions,
  type MfaResetResult,
  TemporaryAccessPass,
} from '../../ports/directory.js';
import type { GraphApi } from './entra-api.js';
import { METHODS_READ_HINT, METHODS_WRITE_HINT, SESSIONS_HINT, TAP_HINT } from './entra-errors.js';
import { DirectoryPermanentError, DirectoryUnsupportedError, type Json, str } from './errors.js';

export const ENTRA_CAPABILITIES: DirectoryCapabilities = {
  passwordReset: { supported: true, note: 'Sets a new password through Microsoft Graph (passwordProfile).' },
  mfaReset: {
    supported: true,
    note: 'Removes the chosen authentication methods (never the password) so the person registers again at the next sign-in.',
  },
  temporaryAccessPass: {
    supported: true,
    note: 'Issues a one-time Temporary Access Pass with a short lifetime so the person can register new methods.',
  },
  accountUnlock: {
    supported: false,
    note: 'Microsoft Entra ID has no API that lifts a smart lockout: it ends by itself after the lockout duration, or when the person resets their password.',
  },
  signOutEverywhere: {
    supported: true,
    note: 'Revokes refresh tokens and browser sessions (revokeSignInSessions); apps notice within a few minutes.',
  },
};

/** Graph's @odata.type → the collection its documented DELETE lives under, and the kind. */
const DELETABLE: Record<string, { collection: string; kind: AuthMethodKind }> = {
  '#microsoft.graph.microsoftAuthenticatorAuthenticationMethod': {
    collection: 'microsoftAuthenticatorMethods',
    kind: 'authenticatorApp',
  },
  '#microsoft.graph.phoneAuthenticationMethod': { collection: 'phoneMethods', kind: 'phone' },
  '#microsoft.graph.fido2AuthenticationMethod': { collection: 'fido2Methods', kind: 'securityKey' },
  '#microsoft.graph.softwareOathAuthenticationMethod': {
    collection: 'softwareOathMethods',
    kind: 'softwareOtp',
  },
  '#microsoft.graph.emailAuthenticationMethod': { collection: 'emailMethods', kind: 'email' },
  '#microsoft.graph.windowsHelloForBusinessAuthenticationMethod': {
    collection: 'windowsHelloForBusinessMethods',
    kind: 'platformCredential',
  },
  '#microsoft.graph.platformCredentialAuthenticationMethod': {
    collection: 'platformCredentialMethods',
    kind: 'platformCredential',
  },
  '#microsoft.graph.temporaryAccessPassAuthenticationMethod': {
    collection: 'temporaryAccessPassMethods',
    kind: 'temporaryAccessPass',
  },
};

export const TAP_MIN_MINUTES = 10;
export const TAP_MAX_MINUTES = 43_200;

/** The method as the port shows it: id and type only (Graph's phone numbers and device names stay here). */
function toAuthMethod(method: Json): AuthMethod | undefined {
  const id = str(method.id);
  const type = str(method['@odata.type']);
  if (!id || !type) return undefined;
  const deletable = DELETABLE[type];
  const directoryType = type.replace(/^#microsoft\.graph\./, '');
  if (deletable) return { id, kind: deletable.kind, directoryType, removable: true };
  const kind = type === '#microsoft.graph.passwordAuthenticationMethod' ? 'password' : 'other';
  return { id, kind, directoryType, removable: false };
}

const collectionOf = (method: AuthMethod) =>
  DELETABLE[`#microsoft.graph.${method.directoryType}`]?.collection;

export class EntraActions {
  private readonly tapMinutes: number;

  constructor(
    private readonly api: GraphApi,
    private readonly options: { now: () => number; tapMinutes?: number },
  ) {
    this.tapMinutes = options.tapMinutes ?? 60;
    if (
      !Number.isInteger(this.tapMinutes) ||
      this.tapMinutes < TAP_MIN_MINUTES ||
      this.tapMinutes > TAP_MAX_MINUTES
    ) {
      throw new Error(
        `temporaryAccessPassMinutes must be a whole number from ${TAP_MIN_MINUTES} to ${TAP_MAX_MINUTES}`,
      );
    }
  }

  async listAuthMethods(userId: string): Promise<AuthMethod[]> {
    const body = await this.api.call({
      method: 'GET',
      url: `${this.userPath(userId)}/authentication/methods`,
      detail: `GET user ${userId} authentication methods`,
      forbidden: METHODS_READ_HINT,
    });
    const value = Array.isArray(body?.value) ? (body.value as unknown[]) : [];
    return value.flatMap((m) => (m && typeof m === 'object' ? (toAuthMethod(m as Json) ?? []) : []));
  }

  async resetMfa(userId: string, options: MfaResetOptions = {}): Promise<MfaResetResult> {
    const methods = await this.listAuthMethods(userId);
    const wanted = options.methodIds ? new Set(options.methodIds) : undefined;
    const notRemoved: MfaResetResult['notRemoved'] = [];
    for (const id of wanted ?? []) {
      if (!methods.some((m) => m.id === id))
        notRemoved.push({ method: { id, kind: 'other' }, code: 'not_found' });
    }
    const chosen = methods.filter((m) => (wanted ? wanted.has(m.id) : m.removable));
    for (const m of chosen.filter((c) => !c.removable)) {
      notRemoved.push({ method: { id: m.id, kind: m.kind }, code: 'not_removable' });
    }
    const removed: AuthMethod[] = [];
    let refused = chosen.filter((m) => m.removable);
    // Two passes: the default method is refused (400) while others remain, and accepted after.
    for (let pass = 0; pass < 2 && refused.length > 0; pass++) {
      const next: AuthMethod[] = [];
      for (const method of refused) {
        if (await this.removeMethod(userId, method)) removed.push(method);
        else next.push(method);
      }
      refused = next;
    }
    for (const m of refused) notRemoved.push({ method: { id: m.id, kind: m.kind }, code: 'refused' });
    const temporaryAccessPass = options.temporaryAccessPass ? await this.issuePass(userId) : undefined;
    return {
      removed,
      notRemoved,
      allFactorsReset: false,
      ...(temporaryAccessPass ? { temporaryAccessPass } : {}),
    };
  }

  async unlockAccount(_userId: string): Promise<void> {
    throw new DirectoryUnsupportedError(`unlock: ${ENTRA_CAPABILITIES.accountUnlock.note}`);
  }

  async revokeSessions(userId: string): Promise<void> {
    await this.api.call({
      method: 'POST',
      url: `${this.userPath(userId)}/revokeSignInSessions`,
      detail: `POST user ${userId} revokeSignInSessions`,
      forbidden: SESSIONS_HINT,
    });
  }

  /** True once removed (or already gone); false when Graph refused it (400), to try again later. */
  private async removeMethod(userId: string, method: AuthMethod): Promise<boolean> {
    const collection = collectionOf(method);
    if (!collection) return false;
    try {
      await this.api.call({
        method: 'DELETE',
        url: `${this.userPath(userId)}/authentication/${collection}/${encodeURIComponent(method.id)}`,
        detail: `DELETE user ${userId} ${collection} ${method.id}`,
        forbidden: METHODS_WRITE_HINT,
        notFoundIsEmpty: true,
      });
      return true;
    } catch (error) {
      if (error instanceof DirectoryPermanentError && error.status === 400) return false;
      throw error;
    }
  }

  /** A one-time pass; one Graph made reusable (against the request) is deleted and refused. */
  private async issuePass(userId: string): Promise<TemporaryAccessPass> {
    const collection = `${this.userPath(userId)}/authentication/temporaryAccessPassMethods`;
    const detail = `POST user ${userId} temporaryAccessPassMethods`;
    const body = await this.api.call({
      method: 'POST',
      url: collection,
      body: { lifetimeInMinutes: this.tapMinutes, isUsableOnce: true },
      detail,
      forbidden: TAP_HINT,
    });
    const value = str(body?.temporaryAccessPass);
    const id = str(body?.id);
    if (!body || !value || !id) {
      throw new DirectoryPermanentError(`${detail}: Graph answered without a pass`, 201);
    }
    if (body.isUsableOnce !== true) {
      await this.api.call({
        method: 'DELETE',
        url: `${collection}/${encodeURIComponent(id)}`,
        detail: `DELETE user ${userId} temporaryAccessPassMethods ${id}`,
        forbidden: METHODS_WRITE_HINT,
        notFoundIsEmpty: true,
      });
      throw new DirectoryPermanentError(
        `${detail}: Graph issued a reusable pass although a one-time pass was asked; it was deleted`,
        201,
      );
    }
    const lifetime = typeof body.lifetimeInMinutes === 'number' ? body.lifetimeInMinutes : this.tapMinutes;
    const start = Date.parse(str(body.startDateTime) ?? str(body.createdDateTime) ?? '');
    const startsAt = Number.isFinite(start) ? start : this.options.now();
    return new TemporaryAccessPass(
      value,
      lifetime,
      true,
      new Date(startsAt).toISOString(),
      new Date(startsAt + lifetime * 60_000).toISOString(),
    );
  }

  private userPath(userId: string): string {
    return `/users/${encodeURIComponent(userId)}`;
  }
}
