import { z } from 'zod';
import { AppError } from './errors';

/**
 * The rules for what people type as names and emails: one zod schema each, used by the API's route schemas and
 * enforced again by the services (so the CLI, the demo and scripts get the same limits).
 */

const CONTROL = /\p{Cc}/u;
export const MAX_EMAIL_LENGTH = 320;
export const MAX_WORKSPACE_NAME_LENGTH = 200;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A workspace name: trimmed, 1-200 characters, no control characters (tabs, newlines, NUL). */
export const WorkspaceNameRule = z
  .string()
  .trim()
  .min(1, 'The workspace needs a name')
  .max(
    MAX_WORKSPACE_NAME_LENGTH,
    `The workspace name must be at most ${MAX_WORKSPACE_NAME_LENGTH} characters`,
  )
  .refine((name) => !CONTROL.test(name), 'The workspace name cannot contain control characters');

/** An email (a sign-in name): trimmed, lower-cased, at most 320 characters, something@domain.tld. */
export const EmailRule = z
  .string()
  .trim()
  .max(MAX_EMAIL_LENGTH, `The email must be at most ${MAX_EMAIL_LENGTH} characters`)
  .toLowerCase()
  .refine((email) => EMAIL.test(email) && !CONTROL.test(email), 'This is not an email address');

export const MIN_PASSWORD_LENGTH = 10;
/** Login always capped passwords at 1,000 characters; creation now has the same cap, so every account can sign in. */
export const MAX_PASSWORD_LENGTH = 1000;

/**
 * The one length rule for passwords, at creation (setup, API, CLI) and at sign-in. Creation adds the strength
 * check (password.ts); sign-in does not (an account created under an older, weaker rule can still sign in).
 */
export const PasswordRule = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `The password must be at least ${MIN_PASSWORD_LENGTH} characters long`)
  .max(MAX_PASSWORD_LENGTH, 'The password must be at most 1,000 characters long');

/** `value` checked and normalized by `rule`; otherwise a validation_failed error with the rule's message. */
export function parseRule<T>(rule: z.ZodType<T>, value: unknown): T {
  const result = rule.safeParse(value);
  if (!result.success)
    throw new AppError('validation_failed', result.error.issues[0]?.message ?? 'Not valid');
  return result.data;
}
