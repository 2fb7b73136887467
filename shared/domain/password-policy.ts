/**
 * The password policy for self-service resets, after NIST SP 800-63B: length is what counts
 * (15 to 64 characters, spaces and any Unicode allowed), no composition rules, and refuse what is
 * commonly used, guessable or built from the user's own details. zxcvbn-ts (common passwords,
 * names, keyboard patterns, dates, repeats) judges guessability; its feedback is shown to the user.
 */
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';

export const PASSWORD_MIN = 15;
export const PASSWORD_MAX = 64;
/** zxcvbn's estimate, in log10 of guesses, below which a password is refused (~10^10: offline-slow-hash safe). */
const MIN_GUESSES_LOG10 = 10;

let estimator: ZxcvbnFactory | undefined;
/** Built on first use: loading the dictionaries is the expensive part. */
function zxcvbn(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...en.dictionary },
    graphs: common.adjacencyGraphs,
    translations: en.translations,
  });
  return estimator;
}

export type PasswordCheck =
  | { ok: true }
  | { ok: false; reason: 'length' | 'personal' | 'guessable'; message: string; suggestions: string[] };

const fold = (s: string) =>
  s
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();

/** `personal`: the user's names, email local part and the like, which must not make up the password. */
export function checkPassword(password: string, personal: string[]): PasswordCheck {
  const length = [...password].length;
  if (length < PASSWORD_MIN || length > PASSWORD_MAX) {
    return {
      ok: false,
      reason: 'length',
      message: `Use ${PASSWORD_MIN} to ${PASSWORD_MAX} characters. A few unrelated words make a good password.`,
      suggestions: [],
    };
  }
  const words = personal.flatMap((p) => fold(p).split(/[^\p{L}\p{N}]+/u)).filter((w) => w.length >= 3);
  const folded = fold(password);
  const found = words.find((w) => folded.includes(w));
  if (found) {
    return {
      ok: false,
      reason: 'personal',
      message: 'Do not use your name or other details about you in your password.',
      suggestions: [],
    };
  }
  const result = zxcvbn().check(password, words);
  if (result.guessesLog10 < MIN_GUESSES_LOG10) {
    return {
      ok: false,
      reason: 'guessable',
      message: result.feedback.warning ?? 'This password would be easy to guess.',
      suggestions: result.feedback.suggestions,
    };
  }
  return { ok: true };
}
