import { IntegrationError } from '../../core/integration-error';
import { defaultErrorMapper, describeFailure, type ErrorMapper, kindOfStatus } from '../../http';
import { VENDOR } from './wire-values';

function parse(text: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

export const CREDENTIALS_HINT =
  'check the client id and secret of the Pax8 API credentials (Pax8 portal: Integrations, API credentials; a Partner Admin creates them) and that they are partner credentials for the audience https://api.pax8.com';

/**
 * Pax8 failures -> IntegrationError (vendor `pax8`). The token endpoint answers OAuth errors
 * (`{"error":"access_denied","error_description":"Unauthorized"}`): `auth`, saying what to check. The API answers
 * `{type, message, instance, status, details[]}` (pax8-api.md 1.6): its message and details become the vendor
 * messages; 401 means the token was refused, 403 that the credentials may not read this.
 */
export function pax8ErrorMapper(options: { tokenUrl: string }): ErrorMapper {
  return (failure) => {
    if (failure.type !== 'status') return defaultErrorMapper(VENDOR)(failure);
    const body = parse(failure.bodyText);
    const retryAfter =
      failure.retryAfterSeconds !== undefined ? { retryAfterSeconds: failure.retryAfterSeconds } : {};
    const tokenCall = failure.url.split('?')[0] === options.tokenUrl;
    const oauth = str(body?.error);
    if (tokenCall || oauth) {
      const said = oauth
        ? `${oauth}${str(body?.error_description) ? `: ${str(body?.error_description)}` : ''}`
        : `HTTP ${failure.status}`;
      const kind = failure.status === 429 ? 'rate_limited' : failure.status >= 500 ? 'unavailable' : 'auth';
      return new IntegrationError({
        kind,
        vendor: VENDOR,
        status: failure.status,
        message:
          kind === 'auth'
            ? `Pax8 refused the sign-in (${said}): ${CREDENTIALS_HINT}`
            : `Pax8 sign-in failed (${said}): ${describeFailure(failure)}`,
        vendorMessages: [said],
        ...retryAfter,
      });
    }
    const message = str(body?.message);
    const details = Array.isArray(body?.details)
      ? (body.details as unknown[])
          .map((d) => str((d as Record<string, unknown>)?.message))
          .filter((d) => d !== undefined)
      : [];
    const kind = kindOfStatus(failure.status);
    const why =
      failure.status === 401
        ? `: Pax8 refused the access token; ${CREDENTIALS_HINT}`
        : failure.status === 403
          ? ': the Pax8 API credentials may not read this (a partner key of a Partner Admin reads everything)'
          : failure.status === 429
            ? ': Pax8 asks to slow down (too many requests)'
            : message
              ? `: ${message}`
              : '';
    return new IntegrationError({
      kind,
      vendor: VENDOR,
      status: failure.status,
      message: `${describeFailure(failure)}${why}`,
      vendorMessages: message ? [message, ...details] : failure.bodyText ? [failure.bodyText] : [],
      outcomeUnknown: failure.outcomeUnknown,
      ...retryAfter,
    });
  };
}
