import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';
import { PasswordRule } from './account-rules';
import { AppError } from './errors';

// The length rule lives with the other input rules (pure zod, shared with the web app's types).
export { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, PasswordRule } from './account-rules';

const PARAMS = { N: 16384, r: 8, p: 1 } as const;
const KEY_BYTES = 64;

/** zxcvbn score 3: "safely unguessable" (about 10^8 guesses or more). */
const MIN_SCORE = 3;
let estimator: ZxcvbnFactory | undefined;

/**
 * Refuses a new password that is too short or long, blank, or guessable: zxcvbn-ts with its common-password list
 * (passwords from public breaches), keyboard patterns, repeats, sequences, dates, and the user's own details.
 */
export function assertAcceptablePassword(password: string, userInputs: readonly string[] = []): void {
  const shape = PasswordRule.safeParse(password);
  if (!shape.success)
    throw new AppError('validation_failed', shape.error.issues[0]?.message ?? 'Bad password');
  if (!password.trim()) throw new AppError('validation_failed', 'The password cannot be only spaces');
  estimator ??= new ZxcvbnFactory({
    dictionary: { ...dictionary },
    graphs: adjacencyGraphs,
    useLevenshteinDistance: true,
  });
  // The whole email and its local part count as guessable (not the domain: a company name is fine in a phrase).
  const inputs = userInputs.flatMap((u) => [u, ...(u.includes('@') ? [u.split('@')[0] ?? ''] : [])]);
  const { score } = estimator.check(password, inputs);
  if (score < MIN_SCORE) {
    throw new AppError(
      'validation_failed',
      'This password is too easy to guess (a common or leaked password, a pattern, or your own email): ' +
        'choose a longer one; a few unrelated words work well',
    );
  }
}

function derive(password: string, salt: Buffer, params: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(
      password.normalize('NFKC'),
      salt,
      KEY_BYTES,
      { ...params, maxmem: 64 * 1024 * 1024 },
      (error, key) => (error ? reject(error) : resolve(key)),
    ),
  );
}

/**
 * scrypt hash in a self-describing string: `scrypt$N$r$p$salt$hash` (base64). `salt` lets the accounts of one
 * email (one per workspace) share a salt, so a sign-in derives one key however many workspaces know the email.
 */
export async function hashPassword(password: string, salt: Buffer = randomBytes(16)): Promise<string> {
  const key = await derive(password, salt, PARAMS);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** The salt of a stored hash, to hash another account of the same email with. */
export function saltOf(stored: string): Buffer | undefined {
  const [scheme, , , , salt] = stored.split('$');
  return scheme === 'scrypt' && salt ? Buffer.from(salt, 'base64') : undefined;
}

/**
 * The indexes of the stored hashes `password` opens. One scrypt derivation per distinct (parameters, salt), so
 * hashes sharing a salt cost one derivation in all.
 */
export async function matchPassword(password: string, stored: readonly string[]): Promise<number[]> {
  const keys = new Map<string, Promise<Buffer>>();
  const matches: number[] = [];
  for (const [index, hash] of stored.entries()) {
    const [scheme, n, r, p, salt, expectedText] = hash.split('$');
    if (scheme !== 'scrypt' || !salt || !expectedText) continue;
    const group = [n, r, p, salt].join('$');
    let key = keys.get(group);
    if (!key) {
      key = derive(password, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p) });
      keys.set(group, key);
    }
    const expected = Buffer.from(expectedText, 'base64');
    const got = await key;
    if (got.length === expected.length && timingSafeEqual(got, expected)) matches.push(index);
  }
  return matches;
}

/** A hash to compare against when the user does not exist, so a wrong email costs as long as a wrong password. */
let dummy: Promise<string> | undefined;
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(12).toString('hex'));
  return dummy;
}
