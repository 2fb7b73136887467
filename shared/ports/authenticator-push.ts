/**
 * Push to the enrolled authenticator: a step-up proof for privileged accounts and MFA resets (the
 * "push by a bounded polling loop" of the lifecycle's step-up stage). One adapter per vendor
 * (Okta Verify through the Okta Factors API, Duo Push through the Duo Auth API v2), an in-memory
 * one for use-case tests.
 *
 * The flow, and what each step guarantees:
 * 1. `findPushFactor(person)`: the person's enrolled, active push-capable factor, asked of the
 *    vendor every time, never taken from what a caller or agent says. `undefined` when there is none
 *    (not enrolled, only other factors, the vendor lets the person through without a second factor,
 *    or refuses them): the step-up then falls back to manager approval.
 * 2. `startPush(person, factor, { reason })`: sends one push. `reason` is the text the app shows
 *    where the vendor can show one (Duo: yes; Okta Verify through the Factors API: no, it shows the
 *    request's origin instead, so the agent reads the reason to the caller). `correctAnswer`, when
 *    the vendor offers a number challenge, is the number the person must pick in the app: show it to
 *    the agent, who reads it to the caller, never the other way round.
 * 3. `pollPush(person, factor, transactionId)`: the push's state now. `waiting` until the person
 *    answers; `approved`, `rejected` (denied, or reported as fraud) and `timed_out` (not answered
 *    within the vendor's lifetime, `expiresAt`) are final. A poll may hold for a few seconds where
 *    the vendor long-polls (Duo); the caller polls again on `waiting`, within its own bound.
 *
 * Errors: each adapter throws its vendor's failures as AuthenticatorPushRetryableError (network,
 * timeout, 429, 5xx: try again later) or AuthenticatorPushPermanentError (credentials refused, a
 * missing permission, a bad request), both with a stable `code` and a masked `hint`: never an API
 * token, a secret key, an email address or a phone number.
 */
import type { DirectoryUser } from '../domain/model/person.js';

export type PushVendor = 'okta_verify' | 'duo';

/** Who is asked: the directory's user (Okta: its user id; Duo: a username derived from it). */
export type PushPerson = Pick<DirectoryUser, 'userId' | 'email'>;

export interface PushFactor {
  /** The vendor's id of the enrolled factor (Okta: the factor id; Duo: the device id). */
  factorId: string;
  vendor: PushVendor;
  /** The push will carry a number challenge (the person picks the number the agent reads out). */
  numberChallenge: boolean;
}

export interface PushContext {
  /** Shown in the app where the vendor allows, e.g. "Helpdesk Verify: ticket INC0012345, password reset". */
  reason: string;
}

export interface PushStarted {
  transactionId: string;
  /** ISO time after which the push can no longer be approved. */
  expiresAt: string;
  /** The number challenge's answer, when the vendor returned it with the push. */
  correctAnswer?: string;
}

export type PushResult = 'waiting' | 'approved' | 'rejected' | 'timed_out';

export interface PushStatus {
  result: PushResult;
  /** The number challenge's answer, when the vendor returns it with the transaction (Okta). */
  correctAnswer?: string;
}

export interface AuthenticatorPush {
  readonly vendor: PushVendor;
  findPushFactor(person: PushPerson): Promise<PushFactor | undefined>;
  startPush(person: PushPerson, factor: PushFactor, context: PushContext): Promise<PushStarted>;
  pollPush(person: PushPerson, factor: PushFactor, transactionId: string): Promise<PushStatus>;
}

/** The results after which polling stops. */
export const isFinalPushResult = (result: PushResult) => result !== 'waiting';
