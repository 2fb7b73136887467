/**
 * Okta actions beyond the password reset, through the Management API (API token, SSWS). Each needs
 * OAuth scope okta.users.manage (for an API token: an admin role that may do it to these users,
 * e.g. Help Desk Administrator for non-admins). Documented in the Okta Management OpenAPI spec
 * (okta/okta-management-openapi-spec) and its reference pages:
 *
 * - Factors: GET /api/v1/users/{userId}/factors (200, an array of UserFactor: id, factorType,
 *   provider, status). Only ids and types are kept (a factor's profile holds phone numbers).
 *   https://developer.okta.com/docs/api/openapi/okta-management/management/tag/UserFactor/#tag/UserFactor/operation/listFactors
 * - MFA reset: POST /api/v1/users/{userId}/lifecycle/reset_factors (200, no body). Every factor
 *   enrolment returns to unenrolled and the user stays ACTIVE; the person enrols again at the next
 *   sign-in. All at once only: a selection of factors, or a Temporary Access Pass (Okta has none
 *   here), is refused before anything is sent.
 *   https://developer.okta.com/docs/api/openapi/okta-management/management/tag/UserLifecycle/#tag/UserLifecycle/operation/resetFactors
 * - Unlock: POST /api/v1/users/{userId}/lifecycle/unlock (200, no body): a LOCKED_OUT user (or one
 *   blocked from unknown devices) becomes ACTIVE and signs in with the current password. Okta-sourced
 *   users only (not Active Directory-sourced ones).
 *   https://developer.okta.com/docs/api/openapi/okta-management/management/tag/UserLifecycle/#tag/UserLifecycle/operation/unlockUser
 * - Sign out everywhere: DELETE /api/v1/users/{userId}/sessions?oauthTokens=true&forgetDevices=true
 *   (204). `oauthTokens` is documented (default false) and revokes the OpenID Connect and OAuth
 *   refresh and access tokens issued to the user: after a reset a stolen refresh token must stop
 *   working too, so it is sent. `forgetDevices` (default true on Identity Engine, false on Classic)
 *   is sent explicitly so remembered factors on every device are forgotten on both engines. Sessions
 *   of web or native apps themselves are not cleared by Okta.
 *   https://developer.okta.com/docs/api/openapi/okta-management/management/tag/UserSessions/#tag/UserSessions/operation/revokeUserSessions
 *
 * Failures are the shared ones (okta-errors.ts): 403 E0000006 names the role and scope to grant,
 * 404 E0000007 is the user not found, 429 E0000047 is waited out once when short, else retryable.
 */
import type {
  AuthMethod,
  AuthMethodKind,
  DirectoryCapabilities,
  MfaResetOptions,
  MfaResetResult,
} from '../../ports/directory.js';
import { DirectoryUnsupportedError, str } from './errors.js';
import type { OktaApi } from './okta-api.js';
import { FACTORS_READ_HINT, RESET_FACTORS_HINT, SESSIONS_HINT, UNLOCK_HINT } from './okta-errors.js';
import { asList } from './okta-mapping.js';

export const OKTA_CAPABILITIES: DirectoryCapabilities = {
  passwordReset: { supported: true, note: 'Sets a new password through the Okta Users API.' },
  mfaReset: {
    supported: true,
    note: 'Resets every enrolled factor at once (reset_factors); the person enrols again at the next sign-in.',
  },
  temporaryAccessPass: {
    supported: false,
    note: 'Okta has no Temporary Access Pass here: after a factor reset the person enrols again through the sign-in flow.',
  },
  accountUnlock: {
    supported: true,
    note: 'Unlocks a locked-out, Okta-sourced user, who then signs in with the current password.',
  },
  signOutEverywhere: {
    supported: true,
    note: 'Clears the Okta sessions, revokes OAuth and OpenID Connect tokens and forgets remembered devices.',
  },
};

/** Okta's factorType → the kind across directories. */
const KINDS: Record<string, AuthMethodKind> = {
  push: 'authenticatorApp',
  signed_nonce: 'authenticatorApp',
  sms: 'phone',
  call: 'phone',
  email: 'email',
  webauthn: 'securityKey',
  u2f: 'securityKey',
  'token:software:totp': 'softwareOtp',
  'token:hotp': 'softwareOtp',
  'token:hardware': 'softwareOtp',
  token: 'softwareOtp',
};

export class OktaActions {
  constructor(private readonly api: OktaApi) {}

  async listAuthMethods(userId: string): Promise<AuthMethod[]> {
    const { body } = await this.api.call({
      method: 'GET',
      url: `${this.userPath(userId)}/factors`,
      detail: `GET user ${userId} factors`,
      forbidden: FACTORS_READ_HINT,
    });
    return asList(body).flatMap((factor) => {
      const id = str(factor.id);
      const type = str(factor.factorType);
      if (!id || !type) return [];
      return [{ id, kind: KINDS[type] ?? 'other', directoryType: type, removable: true }];
    });
  }

  async resetMfa(userId: string, options: MfaResetOptions = {}): Promise<MfaResetResult> {
    if (options.methodIds) {
      throw new DirectoryUnsupportedError(
        'reset factors: Okta resets every factor at once; a selection of factors is not supported',
      );
    }
    if (options.temporaryAccessPass) {
      throw new DirectoryUnsupportedError(`reset factors: ${OKTA_CAPABILITIES.temporaryAccessPass.note}`);
    }
    await this.api.call({
      method: 'POST',
      url: `${this.userPath(userId)}/lifecycle/reset_factors`,
      detail: `POST user ${userId} lifecycle/reset_factors`,
      forbidden: RESET_FACTORS_HINT,
      noContent: true,
    });
    return { removed: [], notRemoved: [], allFactorsReset: true };
  }

  async unlockAccount(userId: string): Promise<void> {
    await this.api.call({
      method: 'POST',
      url: `${this.userPath(userId)}/lifecycle/unlock`,
      detail: `POST user ${userId} lifecycle/unlock`,
      forbidden: UNLOCK_HINT,
      noContent: true,
    });
  }

  async revokeSessions(userId: string): Promise<void> {
    await this.api.call({
      method: 'DELETE',
      url: `${this.userPath(userId)}/sessions?oauthTokens=true&forgetDevices=true`,
      detail: `DELETE user ${userId} sessions`,
      forbidden: SESSIONS_HINT,
      noContent: true,
    });
  }

  private userPath(userId: string): string {
    return `/api/v1/users/${encodeURIComponent(userId)}`;
  }
}
