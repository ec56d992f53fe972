import { createHash } from 'node:crypto';
import { type Pool, withTransaction } from '../db/pool';
import { findUsersByEmail, forgetLoginAttempt, recordLoginAttempt, type UserRow } from '../db/repos/users';
import { EmailRule } from './account-rules';
import { AppError } from './errors';
import { dummyHash, matchPassword, PasswordRule } from './password';

export interface AccountLimit {
  /** Sign-in attempts allowed per account (email) in the window; a successful one is not counted. */
  max: number;
  windowMinutes: number;
}

const WRONG = () => new AppError('invalid_credentials', 'Wrong email or password');

/** The account key: a hash of the normalized email, the same for a known and an unknown address. */
export function accountKey(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
}

/**
 * Checks email + password. Per account (whatever the client's address), at most `limit.max` attempts per window
 * are checked; then the answer is 429 until the oldest ages out, for a known and an unknown email alike, with
 * the right password too (else the limit would not stop guessing). Emails are per workspace: the password picks
 * the account; all accounts of one email share a salt, so this costs one scrypt derivation, as an unknown email
 * does. When one password opens several accounts, the one signed in most recently wins.
 */
export async function signIn(
  pool: Pool,
  input: { email: string; password: string },
  options: { now: Date; limit: AccountLimit },
): Promise<UserRow> {
  const email = EmailRule.safeParse(input.email);
  if (!email.success || !PasswordRule.safeParse(input.password).success) throw WRONG();
  const windowMs = options.limit.windowMinutes * 60_000;
  const attempt = await withTransaction(pool, (tx) =>
    recordLoginAttempt(tx, {
      key: accountKey(email.data),
      now: options.now,
      windowStart: new Date(options.now.getTime() - windowMs),
      limit: options.limit.max,
    }),
  );
  if ('oldest' in attempt) {
    const retryAfterSeconds = Math.max(
      1,
      Math.ceil((attempt.oldest.getTime() + windowMs - options.now.getTime()) / 1000),
    );
    throw new AppError(
      'rate_limited',
      `Too many sign-in attempts for this account: try again in ${Math.ceil(retryAfterSeconds / 60)} minutes`,
      { retryAfterSeconds },
    );
  }
  const candidates = await findUsersByEmail(pool, email.data);
  const hashes = candidates.length ? candidates.map((u) => u.password_hash) : [await dummyHash()];
  const [first] = await matchPassword(input.password, hashes);
  const user = first === undefined ? undefined : candidates[first];
  if (!user) throw WRONG();
  await forgetLoginAttempt(pool, attempt.id);
  return user;
}
