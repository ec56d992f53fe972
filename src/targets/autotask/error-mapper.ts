import { IntegrationError } from '../../core/integration-error';
import { describeFailure, type ErrorMapper, type HttpFailure } from '../../http';
import { classifyAutotaskError, vendorMessagesOf } from './quirks-errors';

/**
 * Autotask failure -> IntegrationError. The vendor's messages are kept verbatim in `vendorMessages` and lead
 * the message; connection problems get words a person understands ("The API username or secret is wrong").
 * A write whose outcome is unknown (timeout, lost response, or a 5xx that is not a refusal) says so, so the
 * engine probes before anything is sent again.
 */
export const mapAutotaskFailure: ErrorMapper = (failure) => {
  const where = describeFailure(failure);
  switch (failure.type) {
    case 'status': {
      const messages = vendorMessagesOf(failure.bodyText);
      const c = classifyAutotaskError(failure.status, messages);
      const write = failure.method === 'POST' || failure.method === 'PATCH' || failure.method === 'PUT';
      const lead = c.friendly ?? messages[0];
      return new IntegrationError({
        kind: c.kind,
        vendor: 'autotask',
        status: failure.status,
        message: lead ? `${lead} (${where})` : where,
        vendorMessages: messages,
        ...(failure.retryAfterSeconds !== undefined ? { retryAfterSeconds: failure.retryAfterSeconds } : {}),
        outcomeUnknown: failure.outcomeUnknown || (write && !c.refusedBeforeProcessing && !isRead(failure)),
      });
    }
    case 'timeout':
      return new IntegrationError({
        kind: 'timeout',
        vendor: 'autotask',
        message: where,
        outcomeUnknown: failure.outcomeUnknown,
      });
    case 'network':
      return new IntegrationError({
        kind: 'unavailable',
        vendor: 'autotask',
        message: where,
        outcomeUnknown: failure.outcomeUnknown,
      });
    case 'protocol':
      return new IntegrationError({
        kind: 'protocol',
        vendor: 'autotask',
        status: failure.status,
        message: where,
      });
  }
};

/** Query POSTs (`/query`, `/query/count`, `/query/next`) read; they never change anything. */
export function isRead(failure: Pick<HttpFailure, 'method' | 'url'>): boolean {
  return failure.method === 'GET' || /\/query(\/(count|next))?(\?|$)/i.test(failure.url);
}
