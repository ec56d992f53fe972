import { IntegrationError, type IntegrationErrorKind } from '../../core/integration-error';
import { AppError } from '../errors';

/**
 * Partner Center failures in our words, for the card, the job result and the CLI. The other end's text is never
 * repeated (it is shown to every user of the workspace): only the Entra ID error code (AADSTS...) and the HTTP
 * status, which a support engineer can look up.
 */
const AADSTS_WORDS: Record<number, string> = {
  7000215: 'the client secret is wrong (enter the secret’s value, not its id)',
  7000222: 'the client secret has expired: create a new one in the app registration',
  7000218: 'no client secret was sent',
  700016: 'the application (client) id is not known in this tenant',
  90002: 'the tenant was not found: check the tenant id',
  700082: 'the App+User consent has expired (it was not renewed within 90 days)',
  50173: 'the App+User consent was revoked (a password reset, or an administrator revoked the sign-ins)',
  70000: 'Microsoft no longer accepts the stored App+User consent',
  70008: 'the sign-in took too long: the answer expired',
  54005: 'the sign-in answer was used already',
  9002313: 'Microsoft refused the sign-in answer',
  500112: 'the redirect URI does not match the one the sign-in started with',
  50148: 'the sign-in answer does not belong to this sign-in (PKCE check)',
  50011: 'the redirect URI is not registered in the app registration',
  65001: 'the app has no consent for Partner Center yet',
  65004: 'the consent was declined on Microsoft’s page',
  50076: 'the sign-in needs multi-factor authentication',
  70011: 'the app may not ask for the Partner Center permission: check its API permissions',
};

const KIND_WORDS: Record<IntegrationErrorKind, string> = {
  auth: 'Partner Center refused the app’s credentials',
  forbidden: 'Partner Center refused access: the signed-in user needs the Admin agent (or Sales agent) role',
  not_found: 'Partner Center answered "not found": check the API URL',
  conflict: 'Partner Center refused the request',
  validation: 'Partner Center refused the request',
  rate_limited: 'Partner Center is limiting requests right now: it is tried again later',
  unavailable: 'Partner Center could not be reached or is unavailable: it is tried again later',
  timeout: 'Partner Center did not answer in time: it is tried again later',
  protocol: 'The answer was not Partner Center’s API: check the URLs',
};

/** The Entra ID error code of a failure (`AADSTS700082: ...`), when it has one. */
export function aadstsCode(error: IntegrationError): number | undefined {
  for (const text of [...error.vendorMessages, error.message]) {
    const m = /AADSTS(\d{4,9})\b/.exec(text);
    if (m) return Number(m[1]);
  }
  return undefined;
}

function oneLine(text: string): string {
  const clean = text.replace(/\p{Cc}+/gu, ' ').trim();
  return clean.length > 300 ? `${clean.slice(0, 297)}...` : clean;
}

/** An Entra ID error code in words (`Microsoft sign-in failed: ... (AADSTS700082)`). */
export function describeAadsts(code: number): string {
  return `Microsoft sign-in failed: ${AADSTS_WORDS[code] ?? 'Microsoft refused the request'} (AADSTS${code})`;
}

/** A failure talking to Partner Center or Entra ID, in words. */
export function describeFailure(error: unknown): string {
  if (error instanceof AppError) return oneLine(error.message);
  if (!(error instanceof IntegrationError))
    return oneLine(error instanceof Error ? error.message : String(error));
  const code = aadstsCode(error);
  if (code !== undefined) return describeAadsts(code);
  // Our own messages (the URL policy, a network failure, a missing refresh token) carry no vendor text: keep them.
  if (error.vendorMessages.length === 0 && error.kind !== 'auth') return oneLine(error.message);
  const status = error.status !== undefined ? ` (HTTP ${error.status})` : '';
  return `${KIND_WORDS[error.kind]}${status}`;
}

/** A pull's per-part failure (`kind` and message as `pullFromPartnerCenter` lists them) in words. */
export function describePullError(kind: string, message: string): string {
  if (kind === 'protocol' || kind === 'validation' || !Object.hasOwn(KIND_WORDS, kind))
    return oneLine(message);
  return KIND_WORDS[kind as IntegrationErrorKind];
}
