import { z } from 'zod';

/*
 * What billsync keeps about the Microsoft CSP source besides the settings a user enters (connections.ts). Pure
 * zod: the web app imports the types (type-only).
 *
 * - `settings.consent` and `settings.pull` of the `partner-center` connection: written by billsync only (a user's
 *   settings never set them: the settings schema drops unknown keys, and a save keeps the stored ones).
 * - The sealed secrets: the client secret, the App+User refresh token, and the pending consent (state, PKCE
 *   verifier, who started it), never shown.
 */

/** Renew the refresh token when fewer days than this remain (on each daily check and on use). */
export const RENEW_WHEN_DAYS_LEFT = 30;
/** Warn on the card when fewer days than this remain (renewal has failed for two weeks by then). */
export const WARN_WHEN_DAYS_LEFT = 14;
/** A started consent must come back within this time. */
export const CONSENT_TIMEOUT_MINUTES = 15;

export const ConsentState = z.object({
  /** `connected`: a refresh token is stored and works; `reconnect`: Microsoft refused it, sign in again. */
  state: z.enum(['none', 'connected', 'reconnect']),
  /** Who signed in and consented (the id_token's preferred_username). */
  user: z.string().nullable(),
  grantedAt: z.string().nullable(),
  /** When billsync last stored a new refresh token (consent, renewal, or use). */
  renewedAt: z.string().nullable(),
  /** When the stored refresh token expires (90 days after Microsoft issued it). */
  expiresAt: z.string().nullable(),
  /** The last failure (a consent that did not complete, a refused renewal) in words; null after a success. */
  problem: z.string().nullable(),
});
export type ConsentState = z.infer<typeof ConsentState>;

export const NO_CONSENT: ConsentState = {
  state: 'none',
  user: null,
  grantedAt: null,
  renewedAt: null,
  expiresAt: null,
  problem: null,
};

export const PullRecord = z.object({
  /** `queued`: Pull now asked for it; `warning`: done, but some parts could not be read. */
  state: z.enum(['queued', 'running', 'done', 'warning', 'failed']),
  /** The job of a Pull now (the daily check's job); null for a scheduled one. */
  jobId: z.string().nullable(),
  /** When it was asked for (queued) or started (running and after). */
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  /** What the pull is doing now (running) or did last, in words. */
  step: z.string().nullable(),
  invoicesPulled: z.number(),
  pricesChanged: z.boolean(),
  /** Price-list entries read from the price sheet; null when it was not read. */
  priceEntries: z.number().nullable(),
  /** What went wrong, in words (one line each). */
  errors: z.array(z.string()),
});
export type PullRecord = z.infer<typeof PullRecord>;

export const PendingConsent = z.object({
  state: z.string(),
  verifier: z.string(),
  /** SHA-256 of the random value in the browser's consent cookie. */
  browserHash: z.string(),
  sessionId: z.string(),
  actor: z.string(),
  redirectUri: z.string(),
  expiresAt: z.string(),
});
export type PendingConsent = z.infer<typeof PendingConsent>;

export const PartnerCenterSecrets = z.object({
  clientSecret: z.string().optional(),
  refreshToken: z.string().optional(),
  pending: PendingConsent.optional(),
});
export type PartnerCenterSecrets = z.infer<typeof PartnerCenterSecrets>;

/** The settings keys billsync owns; a user's save keeps them. */
export const MANAGED_SETTINGS = ['consent', 'pull'] as const;

export function consentOf(settings: Readonly<Record<string, unknown>>): ConsentState {
  const parsed = ConsentState.safeParse(settings.consent);
  return parsed.success ? parsed.data : NO_CONSENT;
}

export function pullOf(settings: Readonly<Record<string, unknown>>): PullRecord | null {
  const parsed = PullRecord.safeParse(settings.pull);
  return parsed.success ? parsed.data : null;
}

const DAY_MS = 86_400_000;

/** Days from `nowIso` until `expiresAt`, started days counting (90 right after a consent), or null. */
export function daysLeft(expiresAt: string | null, nowIso: string): number | null {
  if (!expiresAt) return null;
  return Math.ceil((Date.parse(expiresAt) - Date.parse(nowIso)) / DAY_MS);
}
