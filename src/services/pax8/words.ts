import { IntegrationError, type IntegrationErrorKind } from '../../core/integration-error';
import { CREDENTIALS_HINT } from '../../sources/pax8';
import { AppError } from '../errors';

/**
 * Pax8 failures in our words, for the card, the job result and the CLI. As with Partner Center (its words.ts),
 * the other end's text is not repeated (every user of the workspace sees it): the kind of failure, what to check,
 * and the HTTP status a support engineer can look up.
 */
const KIND_WORDS: Record<IntegrationErrorKind, string> = {
  auth: `Pax8 refused the credentials: ${CREDENTIALS_HINT}`,
  forbidden:
    'Pax8 refused access: the API credentials may not read this (check in the Pax8 portal that they are partner credentials with access to companies, subscriptions, products and invoices)',
  not_found: 'Pax8 answered "not found": check the API URL',
  conflict: 'Pax8 refused the request',
  validation: 'Pax8 refused the request',
  rate_limited: 'Pax8 is limiting requests right now: it is tried again later',
  unavailable: 'Pax8 could not be reached or is unavailable: it is tried again later',
  timeout: 'Pax8 did not answer in time: it is tried again later',
  protocol: 'The answer was not Pax8’s API: check the API URL',
};

function oneLine(text: string): string {
  const clean = text.replace(/\p{Cc}+/gu, ' ').trim();
  return clean.length > 300 ? `${clean.slice(0, 297)}...` : clean;
}

/** A failure talking to Pax8, in words. */
export function describePax8Failure(error: unknown): string {
  if (error instanceof AppError) return oneLine(error.message);
  if (!(error instanceof IntegrationError))
    return oneLine(error instanceof Error ? error.message : String(error));
  // Our own messages (the URL policy, a network failure) carry no vendor text: keep them.
  if (error.vendorMessages.length === 0 && error.kind !== 'auth' && error.kind !== 'forbidden')
    return oneLine(error.message);
  const status = error.status !== undefined ? ` (HTTP ${error.status})` : '';
  return `${KIND_WORDS[error.kind]}${status}`;
}

/** A pull's per-part failure (`kind` and message as `pullPax8` lists them) in words. */
export function describePax8PullError(kind: string, message: string): string {
  if (kind === 'protocol' || kind === 'validation' || !Object.hasOwn(KIND_WORDS, kind))
    return oneLine(message);
  return KIND_WORDS[kind as IntegrationErrorKind];
}

/** Whether a failure stops a pull (every further call would fail the same way). */
export function isCredentialFailure(error: unknown): boolean {
  return error instanceof IntegrationError && (error.kind === 'auth' || error.kind === 'forbidden');
}
