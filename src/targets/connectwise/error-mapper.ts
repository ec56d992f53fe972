import { IntegrationError } from '../../core/integration-error';
import { describeFailure, type ErrorMapper, kindOfStatus } from '../../http';

/**
 * The messages of a ConnectWise error body (§3.6): `{code, message, errors: [{code, message, field}]}`, or the
 * 429 body `{error, message}` (§3.7). Field errors lead (they say what to fix); the top message follows.
 */
export function vendorMessagesOf(bodyText: string): string[] {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return bodyText.trim() ? [bodyText.trim().slice(0, 500)] : [];
  }
  if (!body || typeof body !== 'object') return [];
  const b = body as { code?: unknown; message?: unknown; errors?: unknown };
  const out: string[] = [];
  if (Array.isArray(b.errors)) {
    for (const e of b.errors) {
      const m = e && typeof e === 'object' ? (e as { message?: unknown }).message : undefined;
      if (typeof m === 'string' && m) out.push(m);
    }
  }
  if (typeof b.message === 'string' && b.message && !out.includes(b.message)) out.push(b.message);
  return out;
}

/** Connection problems in words a person understands (spec section 2: bad credentials, missing permission). */
function friendly(status: number, messages: readonly string[]): string | undefined {
  if (status === 401)
    return 'ConnectWise refused the credentials: check the company id, public key and private key';
  if (status === 403) {
    const clientId = messages.some((m) => /clientid/i.test(m));
    return clientId
      ? 'ConnectWise refused the request: the clientId header is missing or not accepted'
      : 'ConnectWise refused the request: the API member lacks a permission (security role)';
  }
  return undefined;
}

/**
 * ConnectWise failure -> IntegrationError. A write that failed with a 5xx other than 503 (or a lost answer) may
 * have landed: `outcomeUnknown`, so the engine probes by marker before sending it again (§3.7: no idempotency
 * keys). 429 and 503 are refusals before processing.
 */
export const mapConnectWiseFailure: ErrorMapper = (failure) => {
  const where = describeFailure(failure);
  switch (failure.type) {
    case 'status': {
      const messages = vendorMessagesOf(failure.bodyText);
      const lead = friendly(failure.status, messages) ?? messages[0];
      const write = failure.method !== 'GET';
      return new IntegrationError({
        kind: kindOfStatus(failure.status),
        vendor: 'connectwise',
        status: failure.status,
        message: lead ? `${lead} (${where})` : where,
        vendorMessages: messages,
        ...(failure.retryAfterSeconds !== undefined ? { retryAfterSeconds: failure.retryAfterSeconds } : {}),
        outcomeUnknown: failure.outcomeUnknown || (write && failure.status >= 500 && failure.status !== 503),
      });
    }
    case 'timeout':
      return new IntegrationError({
        kind: 'timeout',
        vendor: 'connectwise',
        message: where,
        outcomeUnknown: failure.outcomeUnknown,
      });
    case 'network':
      return new IntegrationError({
        kind: 'unavailable',
        vendor: 'connectwise',
        message: where,
        outcomeUnknown: failure.outcomeUnknown,
      });
    case 'protocol':
      return new IntegrationError({
        kind: 'protocol',
        vendor: 'connectwise',
        status: failure.status,
        message: where,
      });
  }
};
