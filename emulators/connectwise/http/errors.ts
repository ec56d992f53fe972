import type { FieldError } from '../schema/types';

/**
 * ConnectWise's error shape (§3.6): `{code, message, errors}` where `errors` is an array of
 * `{code, message, resource, field}` or `null` when there are no field errors. 429 bodies differ (§3.7).
 */
export class CwError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(JSON.stringify(body));
  }
}

export function cwError(status: number, code: string, message: string): CwError {
  return new CwError(status, { code, message, errors: null });
}

/** 400 `InvalidObject` "<resource> object is invalid" with the field errors [OBSERVED]. */
export function invalidObject(resource: string, errors: readonly FieldError[]): CwError {
  return new CwError(400, {
    code: 'InvalidObject',
    message: `${resource} object is invalid`,
    errors: errors.map((e) => ({ code: e.code, message: e.message, resource, field: e.field })),
  });
}

/** 404 for a missing record. The body shape is UNVERIFIED (§3.6); the wording is the emulator's. */
export function notFound(what: string, id: number | string): CwError {
  return cwError(404, 'NotFound', `${what} with id ${id} was not found.`);
}

/** 404 for a URL the API does not have (emulator's wording). */
export function noSuchRoute(path: string): CwError {
  return cwError(404, 'NotFound', `The requested resource was not found: ${path}`);
}

/** 405 (§3.1). Wording is the emulator's. */
export function methodNotAllowed(method: string): CwError {
  return cwError(405, 'MethodNotAllowed', `The requested resource does not support http method '${method}'.`);
}

/** 400 for a bad query parameter (paging, fields, orderBy). The `code` of such bodies is UNVERIFIED. */
export function badRequest(message: string): CwError {
  return cwError(400, 'BadRequest', message);
}

/** The server's own text for a malformed `conditions` value [OBSERVED, connectwise-rest README]. */
export const CONDITION_RULES =
  'String values should be enclosed with double or single quotes; DateTime values should be enclosed in square brackets; numbers should consist of only digits, and optionally a decimal point and a negation sign; boolean values should be indicated with the keywords true or false; null values should be indicated by the keyword null.';

/** Texts the notes quote verbatim. */
export const MESSAGES = {
  /** [DOC] */
  sslRequired: 'SSL is required.',
  /** [OBSERVED] for companies. */
  companyIdInUse: 'Company ID already in use.',
  /** §6.17: the expected analogue for catalog items (message UNVERIFIED). */
  productIdInUse: 'Product ID already in use.',
  /** [OBSERVED] ConnectWiseManageAPI issue #53. */
  recurringNeedsCycle: 'recurringBillCycle or recurringOneTimeFlag is required.',
  /** [DOC] sample body (`Please try again in 30 seconds.`). */
  tooManyRequests: (seconds: number) => `Too many requests. Please try again in ${seconds} seconds.`,
} as const;

/** The 429 body, which is not the usual error shape (§3.7). */
export function tooManyRequests(retryAfterSeconds: number): CwError {
  return new CwError(
    429,
    { error: 'ConnectWiseAPI', message: MESSAGES.tooManyRequests(retryAfterSeconds) },
    { 'Retry-After': String(retryAfterSeconds) },
  );
}
