import { hash, verify } from '@node-rs/argon2';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';
import { AppError } from '../../core/errors.ts';
import { VIETNAMESE_COMMON } from './data/vi-common.ts';
import { MIN_PASSWORD_LENGTH } from './roles.ts';

// OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane): ~50 ms per hash on this class of server.
const OPTIONS = {
  algorithm: 2 /* Algorithm.Argon2id (a const enum) */,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

export { MIN_PASSWORD_LENGTH };

export const hashPassword = (password: string) => hash(password, OPTIONS);

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

// Verifying against this when the user does not exist keeps response time equal, so usernames cannot be probed.
let dummyHash: Promise<string> | undefined;
export const dummyPasswordHash = () => {
  dummyHash ??= hashPassword('khien-timing-equaliser-not-a-password');
  return dummyHash;
};

/**
 * zxcvbn's score (0–4) a new password needs: 3 is "safely unguessable" (about 10^8 guesses or more), which refuses
 * the common and breached passwords of the shipped lists, repeats, sequences, keyboard walks and the user's own names.
 */
export const MIN_PASSWORD_SCORE = 3;
/**
 * Only the first 64 characters are scored: zxcvbn's matching grows quickly with length (a 200-character input takes
 * ~0.5 s of CPU, 64 at most ~60 ms, about one argon2 hash), and 64 characters are plenty to judge a passphrase.
 */
const SCORED_LENGTH = 64;

let estimator: ZxcvbnFactory | undefined;
const strength = () => {
  estimator ??= new ZxcvbnFactory({
    dictionary: { ...dictionary, vi: VIETNAMESE_COMMON },
    graphs: adjacencyGraphs,
    maxLength: SCORED_LENGTH,
  });
  return estimator;
};

/** A name and its parts, with and without Vietnamese diacritics ("Trần Văn Đức" → tran, van, duc, tranvanduc…). */
function nameInputs(names: string[]): string[] {
  const plain = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').replace(/[đĐ]/g, 'd').toLowerCase();
  const out = new Set<string>();
  for (const name of names) {
    for (const form of [name.toLowerCase(), plain(name)]) {
      const words = form.split(/[^\p{L}\p{N}]+/u).filter((w) => w.length >= 2);
      out.add(form);
      out.add(words.join(''));
      for (const w of words) out.add(w);
    }
  }
  out.delete('');
  return [...out];
}

/**
 * Refuses a password that is short, contains the username, or is easy to guess (a common or breached password, a
 * repeat, a sequence, a keyboard walk, the person's own names). `field` names the request field in the error.
 */
export function checkPasswordStrength(
  password: string,
  who: { username: string; displayName?: string | null },
  field = 'password',
) {
  if (password.length < MIN_PASSWORD_LENGTH)
    throw new AppError(
      'VALIDATION',
      `Mật khẩu phải có ít nhất ${MIN_PASSWORD_LENGTH} ký tự / Password must have at least ${MIN_PASSWORD_LENGTH} characters`,
      { field, reason: 'too-short', minLength: MIN_PASSWORD_LENGTH },
      { key: 'passwordTooShort', params: { min: MIN_PASSWORD_LENGTH } },
    );
  if (password.toLowerCase().includes(who.username.toLowerCase()))
    throw new AppError(
      'VALIDATION',
      'Mật khẩu không được chứa tên đăng nhập / Password must not contain the username',
      { field, reason: 'contains-username' },
      { key: 'passwordContainsUsername' },
    );
  const result = strength().check(password, nameInputs([who.username, who.displayName ?? '']));
  if (result.score < MIN_PASSWORD_SCORE)
    throw new AppError(
      'VALIDATION',
      'Mật khẩu quá dễ đoán (mật khẩu phổ biến, ký tự lặp lại, dãy liên tiếp hoặc chứa tên của bạn); hãy dùng một ' +
        'cụm từ dài hơn / Password too easy to guess (a common password, a repeat, a sequence or your own name); ' +
        'use a longer passphrase',
      {
        field,
        reason: 'too-weak',
        score: result.score,
        minScore: MIN_PASSWORD_SCORE,
        // zxcvbn's key for what it found (e.g. "commonPasswords", "simpleRepeat", "userInputs"), for the UI.
        warning: result.feedback.warning,
      },
      { key: 'passwordTooWeak' },
    );
}
