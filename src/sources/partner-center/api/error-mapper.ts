import { IntegrationError } from '../../../core/integration-error';
import { defaultErrorMapper, describeFailure, type ErrorMapper, kindOfStatus } from '../../../http';

export const VENDOR = 'partner-center';

interface AadError {
  error: string;
  error_description?: string;
  error_codes?: number[];
}

interface PartnerCenterError {
  code: string | number;
  description: string;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `AADSTS7000215: Invalid client secret provided. ... Trace ID: ...` -> the text before the trace details. */
function aadSummary(description: string): string {
  return description.split(/\s+Trace ID:|\r?\n/)[0]!.trim();
}

/**
 * Partner Center failures -> IntegrationError (vendor `partner-center`): token-endpoint (Entra ID) errors are
 * `auth` with the AADSTS text (invalid client, unknown app, wrong tenant, bad scope are all credential/setup
 * problems); API errors keep Partner Center's `code: description` as the vendor message.
 */
export const partnerCenterErrorMapper: ErrorMapper = (failure) => {
  if (failure.type !== 'status') return defaultErrorMapper(VENDOR)(failure);
  const body = parse(failure.bodyText) as Partial<AadError & PartnerCenterError> | undefined;
  const retryAfter =
    failure.retryAfterSeconds !== undefined ? { retryAfterSeconds: failure.retryAfterSeconds } : {};
  if (body && typeof body.error === 'string') {
    const summary = aadSummary(body.error_description ?? body.error);
    return new IntegrationError({
      kind: failure.status >= 500 ? 'unavailable' : failure.status === 429 ? 'rate_limited' : 'auth',
      vendor: VENDOR,
      status: failure.status,
      message: `Partner Center sign-in failed (${body.error}): ${summary}`,
      vendorMessages: [summary],
      ...retryAfter,
    });
  }
  const pc =
    body && typeof body.description === 'string'
      ? `${String(body.code ?? '')}: ${body.description}`
      : undefined;
  return new IntegrationError({
    kind: kindOfStatus(failure.status),
    vendor: VENDOR,
    status: failure.status,
    message: pc ? `${describeFailure(failure)}: ${body!.description}` : describeFailure(failure),
    vendorMessages: pc ? [pc] : failure.bodyText ? [failure.bodyText] : [],
    outcomeUnknown: failure.outcomeUnknown,
    ...retryAfter,
  });
};
