import { MAX_RETRY_AFTER_MS } from '../core/integration-error';

/** How the client retries: attempts, capped exponential backoff with jitter, and how far it follows Retry-After. */
export interface RetryOptions {
  /** Attempts in all, the first one included (default 4). */
  maxAttempts: number;
  /** Backoff before the 2nd attempt, doubled each time (default 500 ms). */
  baseDelayMs: number;
  /** Cap of the exponential backoff (default 30 s). */
  maxDelayMs: number;
  /**
   * The longest Retry-After the client waits out itself (default 60 s). A longer one fails at once with its
   * `retryAfterSeconds`, so the caller (the job queue) can schedule the retry instead of holding a worker.
   */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryOptions = {
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: MAX_RETRY_AFTER_MS,
};

/**
 * Retry-After as milliseconds from `nowMs`: delta-seconds ("120") or an HTTP date ("Wed, 21 Oct 2015 07:28:00
 * GMT"). A date in the past gives 0; anything unreadable gives undefined (the backoff applies then).
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/**
 * The wait before attempt `attempt + 1` (attempt 1 = the first try): base x 2^(attempt-1), capped, with "equal
 * jitter" (half fixed, half random) so parallel clients spread out without ever retrying immediately.
 */
export function backoffDelay(attempt: number, options: RetryOptions, random: () => number): number {
  const exp = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(exp / 2 + (exp / 2) * r);
}

const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

export function isIdempotentMethod(method: string): boolean {
  return IDEMPOTENT_METHODS.has(method.toUpperCase());
}

/** Connection errors that happen before a request is sent: always safe to retry. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

export function wasNotSent(code: string | undefined): boolean {
  return code !== undefined && NOT_SENT_CODES.has(code);
}

/**
 * Whether a status is worth another attempt. 429 and 503 mean "not processed, come back later": retried for any
 * method. Other 5xx only for idempotent requests: a 500/502/504 on a POST may have been applied.
 */
export function retryableStatus(status: number, idempotent: boolean): boolean {
  if (status === 429 || status === 503) return true;
  return idempotent && status >= 500 && status <= 599 && status !== 501 && status !== 505;
}
