import { IntegrationError, type IntegrationErrorKind } from '../core/integration-error';
import type { ErrorMapper, HttpFailure } from './types';

/** The IntegrationError kind of an HTTP status, as most vendors mean it. */
export function kindOfStatus(status: number): IntegrationErrorKind {
  if (status === 401) return 'auth';
  if (status === 403) return 'forbidden';
  if (status === 404 || status === 410) return 'not_found';
  if (status === 409 || status === 412) return 'conflict';
  if (status === 429) return 'rate_limited';
  if (status === 408 || status === 504) return 'timeout';
  if (status >= 500) return 'unavailable';
  if (status >= 400) return 'validation';
  return 'protocol';
}

/** One line naming the request and what happened, e.g. `GET https://x/v1/customers: HTTP 503`. */
export function describeFailure(failure: HttpFailure): string {
  const where = `${failure.method} ${failure.url}`;
  const tries = failure.attempts > 1 ? ` after ${failure.attempts} attempts` : '';
  switch (failure.type) {
    case 'status':
      return `${where}: HTTP ${failure.status}${tries}`;
    case 'timeout':
      return `${where}: timed out${tries}`;
    case 'network':
      return `${where}: ${failure.code ?? 'network error'} (${failure.message})${tries}`;
    case 'protocol':
      return `${where}: ${failure.message}`;
  }
}

/**
 * A mapper for vendors without their own error body: status -> kind, the body excerpt as vendor message. Vendor
 * mappers usually start from this and parse their own error shape.
 */
export function defaultErrorMapper(vendor: string): ErrorMapper {
  return (failure) => {
    const base = { vendor, message: describeFailure(failure) };
    switch (failure.type) {
      case 'status':
        return new IntegrationError({
          ...base,
          kind: kindOfStatus(failure.status),
          status: failure.status,
          ...(failure.retryAfterSeconds !== undefined
            ? { retryAfterSeconds: failure.retryAfterSeconds }
            : {}),
          vendorMessages: failure.bodyText ? [failure.bodyText] : [],
          outcomeUnknown: failure.outcomeUnknown,
        });
      case 'timeout':
        return new IntegrationError({ ...base, kind: 'timeout', outcomeUnknown: failure.outcomeUnknown });
      case 'network':
        return new IntegrationError({ ...base, kind: 'unavailable', outcomeUnknown: failure.outcomeUnknown });
      case 'protocol':
        return new IntegrationError({ ...base, kind: 'protocol', status: failure.status });
    }
  };
}
