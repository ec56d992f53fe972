import { createHash, randomBytes } from 'node:crypto';
import { IntegrationError } from '../../../core/integration-error';
import { createHttpClient, type HttpClient, type HttpClientOptions } from '../../../http';
import { AUDIENCE, type Audience, type PartnerCenterConnection } from './connection';
import { partnerCenterErrorMapper, VENDOR } from './error-mapper';
import { tokenEndpointUrl, tokenRequest } from './token-provider';

/**
 * The App+User consent (the "secure application model", csp-billing.md 1.2): an admin agent of the partner signs
 * in once, interactively (MFA), through the OAuth 2.0 authorization code flow of the Microsoft identity platform
 * v2 (`/{tenant}/oauth2/v2.0/authorize`); billsync redeems the code for a refresh token and keeps it, encrypted.
 * `offline_access` makes Entra ID issue the refresh token, `openid profile` names the user who consented.
 */
export const CONSENT_SCOPE = `${AUDIENCE.partnerCenter}/user_impersonation offline_access openid profile`;

/** Entra ID refresh tokens live 90 days from issue; every redemption answers with a new one (csp-billing.md 1.2). */
export const REFRESH_TOKEN_LIFETIME_DAYS = 90;

type Endpoint = Pick<PartnerCenterConnection, 'authorityUrl' | 'tenantId' | 'tokenEndpoint'>;
type Client = Pick<PartnerCenterConnection, 'clientId' | 'clientSecret'> & Endpoint;

/** A PKCE pair (RFC 7636, S256): the verifier stays with billsync, the challenge goes to the authorize URL. */
export function newPkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(48).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** Where the admin's browser goes to sign in and consent. */
export function authorizeUrl(
  conn: Pick<PartnerCenterConnection, 'authorityUrl' | 'tenantId' | 'clientId'>,
  p: { redirectUri: string; state: string; codeChallenge: string },
): string {
  const query = new URLSearchParams({
    client_id: conn.clientId,
    response_type: 'code',
    redirect_uri: p.redirectUri,
    response_mode: 'query',
    scope: CONSENT_SCOPE,
    state: p.state,
    code_challenge: p.codeChallenge,
    code_challenge_method: 'S256',
  });
  return `${conn.authorityUrl}/${encodeURIComponent(conn.tenantId)}/oauth2/v2.0/authorize?${query}`;
}

export type ConsentHttpOptions = Omit<HttpClientOptions, 'vendor' | 'mapError' | 'baseUrl'>;

function tokenClient(secrets: readonly string[], options: ConsentHttpOptions = {}): HttpClient {
  return createHttpClient({
    ...options,
    vendor: VENDOR,
    mapError: partnerCenterErrorMapper,
    secretParams: ['client_secret', 'refresh_token', 'code', 'code_verifier', 'assertion'],
    secretValues: () => secrets.filter((s) => s !== ''),
  });
}

interface TokenAnswer {
  access_token?: unknown;
  refresh_token?: unknown;
  id_token?: unknown;
}

/** The signed-in user an id_token names (display only: it came straight from the token endpoint over TLS). */
function userOfIdToken(idToken: unknown): string | undefined {
  if (typeof idToken !== 'string') return undefined;
  try {
    const payload = JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      preferred_username?: unknown;
      upn?: unknown;
    };
    const user = payload.preferred_username ?? payload.upn;
    return typeof user === 'string' && user.length <= 320 ? user : undefined;
  } catch {
    return undefined;
  }
}

function protocol(message: string): IntegrationError {
  return new IntegrationError({ kind: 'protocol', vendor: VENDOR, message });
}

/** Redeems the consent's authorization code (with the PKCE verifier): the refresh token and who consented. */
export async function redeemAuthorizationCode(
  conn: Client,
  p: { code: string; redirectUri: string; codeVerifier: string },
  options?: ConsentHttpOptions,
): Promise<{ refreshToken: string; user: string | undefined }> {
  const http = tokenClient([conn.clientSecret, p.code, p.codeVerifier], options);
  const res = await http.request({
    method: 'POST',
    url: tokenEndpointUrl({ ...conn, tokenEndpoint: 'v2' }),
    body: {
      form: {
        grant_type: 'authorization_code',
        client_id: conn.clientId,
        client_secret: conn.clientSecret,
        code: p.code,
        redirect_uri: p.redirectUri,
        code_verifier: p.codeVerifier,
        scope: CONSENT_SCOPE,
      },
    },
    // A code is good once: never send it twice.
    retry: false,
  });
  const json = res.json<TokenAnswer>();
  if (typeof json.refresh_token !== 'string' || json.refresh_token === '')
    throw protocol(
      'Microsoft answered the consent without a refresh token: the app registration must allow offline_access',
    );
  return { refreshToken: json.refresh_token, user: userOfIdToken(json.id_token) };
}

/**
 * Redeems a refresh token for an App+User access token of `audience` (a test, or a renewal before it expires):
 * the new refresh token Entra ID answers with (the old one when it sent none).
 */
export async function redeemRefreshToken(
  conn: Client,
  refreshToken: string,
  audience: Audience = AUDIENCE.partnerCenter,
  options?: ConsentHttpOptions,
): Promise<{ refreshToken: string; user: string | undefined }> {
  const http = tokenClient([conn.clientSecret, refreshToken], options);
  const res = await http.request({
    method: 'POST',
    url: tokenEndpointUrl(conn),
    body: { form: tokenRequest(conn, audience, refreshToken) },
    idempotent: true,
  });
  const json = res.json<TokenAnswer>();
  if (typeof json.access_token !== 'string')
    throw protocol('the token endpoint answered without access_token');
  const next =
    typeof json.refresh_token === 'string' && json.refresh_token ? json.refresh_token : refreshToken;
  return { refreshToken: next, user: userOfIdToken(json.id_token) };
}

/**
 * Entra ID refused the user's grant (`invalid_grant`: the refresh token expired, was revoked by a password reset
 * or an admin, or the consent was withdrawn): only a new consent helps.
 */
export function isGrantRejected(error: unknown): error is IntegrationError {
  return (
    error instanceof IntegrationError &&
    error.vendor === VENDOR &&
    error.kind === 'auth' &&
    /sign-in failed \((invalid_grant|interaction_required)\)/.test(error.message)
  );
}
