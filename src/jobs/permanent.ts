import { IntegrationError } from '../core/integration-error';
import { AppError } from '../services/errors';

/**
 * Failures a retry cannot fix (customer not mapped, sync switched off, program not set up): the job ends as
 * completed with `skipped` and the reason, instead of retrying for hours. Everything else (PSA down, rate
 * limited, database lost, a lock held by a product sync elsewhere) throws, and pg-boss retries with backoff.
 */
const PERMANENT = new Set(['bad_request', 'not_found', 'validation_failed', 'forbidden']);

/**
 * Also a PSA or source answer that says a retry will not help (credentials rejected, permission missing): retrying
 * it for hours only hammers the vendor's login (Autotask may lock the API user).
 */
export function isPermanent(error: unknown): error is AppError | IntegrationError {
  if (error instanceof IntegrationError) return !error.retryable;
  return error instanceof AppError && PERMANENT.has(error.code);
}
