import type { IntegrationErrorKind } from '../../core/integration-error';

/*
 * Autotask's error answers (§3.3, §3.4): business-rule failures are HTTP 500 with `{"errors":[string]}`, wrong
 * verbs 405 with an ASP.NET `{"Message":...}`, unknown routes an IIS HTML page. The status alone says little,
 * so the kind comes from the text. Patterns are kept loose where the notes say the wording "may be wrapped".
 */

/** §1.2: zoneInformation for an unknown or blank user: 500 "Zone information could not be determined". */
export const ZONE_NOT_FOUND = /zone information could not be determined/i;
/** §1.3: a wrong ApiIntegrationCode is 500 "IntegrationCode is invalid." [CLIENT apigrate]. */
export const INTEGRATION_CODE_INVALID = /integration ?code is invalid|invalid (api ?)?integration ?code/i;
/** An unknown UserName: the docs say 401, apigrate saw a 500; this is the emulator's text (UNVERIFIED). */
export const UNKNOWN_USER = /unable to authenticate|user ?name was not found|user not found/i;
/**
 * §3.4, §8.1: thread-limit and hourly-threshold rejections may come as a non-429 with a text of their own
 * ("Thread Threshold Exceeded ... Itgenatr005", "Request threshold exceeded", "API request limit reached ...");
 * the wording varies, so this is loose. A 500 that says nothing is checked against ThresholdInformation.
 */
export const THREAD_OR_THRESHOLD =
  /thread.*(threshold|limit)|itgenatr005|threshold.*(exceeded|reached)|(request|rate|api|usage) limit|too many requests/i;
/** §4.3 / spec §4: duplicate service name, surfaced as SQL Server's "Violation of UNIQUE KEY constraint 'IX_service'". */
export const DUPLICATE_NAME =
  /violation of unique key constraint|cannot insert duplicate key|already exists/i;
/** §4.5 rule 3: two adjustments of one contract service on the same day. */
export const SAME_DAY_ADJUSTMENT = /duplicate data into contract_service_period/i;
/** §4.5 rule 2: "ContractServiceAdjustment effectiveDate must be between the start date and end date ...". */
export const OUTSIDE_CONTRACT_DATES = /effectiveDate must be between the start date and end date/i;
/** §5 rule 8: changes inside an approved-and-posted period. */
export const POSTED_PERIOD = /already approved and posted/i;
/** §3.4: django-autotask maps some 500 bodies about permissions to permission errors. */
export const NO_PERMISSION = /forbidden|permission|not authori[sz]ed|security level/i;
/** A real server fault, not a rule: worth a retry for reads, outcome unknown for writes. */
export const UNEXPECTED = /unexpected error/i;

/** The vendor's own messages from an error body (JSON `errors`, `Message`, an HTML title, or the text). */
export function vendorMessagesOf(bodyText: string): string[] {
  const text = bodyText.trim();
  if (text === '') return [];
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    if (body && typeof body === 'object') {
      const errors = body.errors ?? body.Errors;
      if (Array.isArray(errors)) {
        return errors.map((e) =>
          typeof e === 'string' ? e : String((e as { message?: unknown })?.message ?? JSON.stringify(e)),
        );
      }
      const message = body.Message ?? body.message;
      if (typeof message === 'string') return [message];
      return [];
    }
  } catch {
    // Not JSON: an IIS page or plain text.
  }
  const heading = /<h2>([^<]+)<\/h2>/i.exec(text) ?? /<title>([^<]+)<\/title>/i.exec(text);
  if (heading?.[1]) return [heading[1].trim()];
  return [text.slice(0, 500)];
}

export interface Classified {
  kind: IntegrationErrorKind;
  /** Words for a person when the error is about the connection itself. */
  friendly?: string;
  /** Safe to send again: the request was refused before any processing. */
  refusedBeforeProcessing: boolean;
}

export const FRIENDLY = {
  badCredentials: 'The API username or secret is wrong',
  badIntegrationCode: 'The API integration code is not valid',
  zoneNotFound: 'Zone not found for this username',
} as const;

/** The kind of an Autotask error answer from its status and messages. */
export function classifyAutotaskError(status: number, messages: readonly string[]): Classified {
  const text = messages.join(' | ');
  const is = (re: RegExp) => re.test(text);
  const refused = (kind: IntegrationErrorKind): Classified => ({ kind, refusedBeforeProcessing: true });
  if (status === 401 || (status === 500 && is(UNKNOWN_USER))) {
    return { ...refused('auth'), friendly: FRIENDLY.badCredentials };
  }
  if (is(INTEGRATION_CODE_INVALID)) return { ...refused('auth'), friendly: FRIENDLY.badIntegrationCode };
  if (is(ZONE_NOT_FOUND)) return { ...refused('auth'), friendly: FRIENDLY.zoneNotFound };
  if (status === 429 || is(THREAD_OR_THRESHOLD)) return refused('rate_limited');
  if (status === 503) return refused('unavailable');
  if (status === 403) return refused('forbidden');
  if (status === 404 || status === 410) return refused('not_found');
  if (status === 405) return refused('protocol');
  if (status === 408 || status === 504) return { kind: 'timeout', refusedBeforeProcessing: false };
  if (status === 400 || (status > 400 && status < 500 && status !== 409)) return refused('validation');
  if (is(SAME_DAY_ADJUSTMENT) || is(DUPLICATE_NAME) || status === 409) return refused('conflict');
  if (is(OUTSIDE_CONTRACT_DATES) || is(POSTED_PERIOD)) return refused('validation');
  if (status === 500 && is(NO_PERMISSION)) return refused('forbidden');
  if (status === 500 && messages.length > 0 && !is(UNEXPECTED)) return refused('validation');
  return { kind: 'unavailable', refusedBeforeProcessing: false };
}
