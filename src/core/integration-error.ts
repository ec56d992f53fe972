/**
 * What went wrong talking to a vendor (PSA or source), in our words. Each vendor client has one mapper from its
 * wire errors to this shape; the engine only ever looks at `kind` and `retryable`.
 */
export type IntegrationErrorKind =
  | 'auth'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'validation'
  | 'rate_limited'
  | 'unavailable'
  | 'timeout'
  | 'protocol';

const RETRYABLE: ReadonlySet<IntegrationErrorKind> = new Set(['rate_limited', 'unavailable', 'timeout']);

export interface IntegrationErrorInit {
  kind: IntegrationErrorKind;
  message: string;
  /** Which vendor said it: 'autotask', 'connectwise', 'partner-center'. */
  vendor: string;
  status?: number;
  /** Seconds the vendor asked us to wait (Retry-After), when it said so. */
  retryAfterSeconds?: number;
  /** The vendor's own error text(s), already stripped of credentials. */
  vendorMessages?: readonly string[];
  /**
   * A timeout or lost connection on a write means "we do not know whether it landed": the engine must probe
   * before retrying. Reads are always safe to retry.
   */
  outcomeUnknown?: boolean;
}

export class IntegrationError extends Error {
  readonly kind: IntegrationErrorKind;
  readonly vendor: string;
  readonly status: number | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly vendorMessages: readonly string[];
  readonly outcomeUnknown: boolean;

  constructor(init: IntegrationErrorInit) {
    super(init.message);
    this.name = 'IntegrationError';
    this.kind = init.kind;
    this.vendor = init.vendor;
    this.status = init.status;
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.vendorMessages = init.vendorMessages ?? [];
    this.outcomeUnknown = init.outcomeUnknown ?? false;
  }

  /** Worth trying again later (after a probe when the outcome is unknown). */
  get retryable(): boolean {
    return RETRYABLE.has(this.kind);
  }

  toJSON() {
    return {
      kind: this.kind,
      vendor: this.vendor,
      message: this.message,
      status: this.status,
      retryable: this.retryable,
      retryAfterSeconds: this.retryAfterSeconds,
      vendorMessages: this.vendorMessages,
      outcomeUnknown: this.outcomeUnknown,
    };
  }
}

export function isRetryableKind(kind: IntegrationErrorKind): boolean {
  return RETRYABLE.has(kind);
}

/**
 * The longest Retry-After billsync waits out itself (the HTTP client's retries and a run's writes alike). A longer
 * one (Autotask's hourly threshold: up to an hour) fails at once, retryable, for the caller to resume later.
 */
export const MAX_RETRY_AFTER_MS = 60_000;

/** Whether a vendor asked for a longer pause than billsync waits out itself. */
export function waitsTooLong(e: Pick<IntegrationError, 'retryAfterSeconds'>): boolean {
  return e.retryAfterSeconds !== undefined && e.retryAfterSeconds * 1000 > MAX_RETRY_AFTER_MS;
}
