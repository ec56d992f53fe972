import { IntegrationError } from '../../../core/integration-error';
import type { HttpClient } from '../../../http';
import { AUDIENCE, type Audience, type PartnerCenterConnection } from './connection';
import { VENDOR } from './error-mapper';

/** Renew this long before a token's expiry, so a token never runs out during a long paged read. */
const EXPIRY_MARGIN_MS = 5 * 60_000;

export interface TokenProvider {
  /** A bearer token for the audience, from the cache while it is fresh. */
  token(audience: Audience): Promise<string>;
  /** Forgets the audience's token (after a 401: it was revoked or expired early). */
  invalidate(audience: Audience): void;
}

interface Cached {
  token: string;
  renewAtMs: number;
}

/**
 * The form of a token request. Microsoft refuses app-only tokens for the price sheet: with a refresh token
 * (App+User consent) that audience gets a delegated token through `grant_type=refresh_token`, scope
 * `{audience}/.default` (every permission the consent granted; csp-billing.md 1.2 [3P]); everything else is
 * app-only (`client_credentials`), which customers, invoices and line items support.
 */
export function tokenRequest(
  conn: Pick<PartnerCenterConnection, 'clientId' | 'clientSecret' | 'tokenEndpoint'>,
  audience: Audience,
  refreshToken?: string,
): Record<string, string> {
  const base = { client_id: conn.clientId, client_secret: conn.clientSecret };
  const grant = refreshToken
    ? { grant_type: 'refresh_token', refresh_token: refreshToken }
    : { grant_type: 'client_credentials' };
  if (conn.tokenEndpoint === 'v1') return { ...grant, ...base, resource: audience };
  return { ...grant, ...base, scope: `${audience}/.default` };
}

/** The token endpoint of a connection (`v2`: `/oauth2/v2.0/token`, `v1`: `/oauth2/token`). */
export function tokenEndpointUrl(
  conn: Pick<PartnerCenterConnection, 'authorityUrl' | 'tenantId' | 'tokenEndpoint'>,
): string {
  const path = conn.tokenEndpoint === 'v1' ? 'oauth2/token' : 'oauth2/v2.0/token';
  return `${conn.authorityUrl}/${encodeURIComponent(conn.tenantId)}/${path}`;
}

/**
 * OAuth 2.0 tokens from Microsoft Entra ID (csp-billing.md 1.2), cached per audience until 5 minutes before they
 * expire, one request in flight per audience. v1 answers `expires_in` as a string, v2 as a number. Entra ID
 * answers a refresh-token grant with a new refresh token (good for 90 days from then): the provider uses it from
 * then on and hands it to `onRefreshToken`, so the caller can store it (renewal on use).
 */
export function createTokenProvider(
  conn: PartnerCenterConnection,
  http: HttpClient,
  now: () => number,
  onRefreshToken?: (refreshToken: string) => void | Promise<void>,
): TokenProvider {
  const cache = new Map<Audience, Cached>();
  const pending = new Map<Audience, Promise<string>>();
  const url = tokenEndpointUrl(conn);
  let refreshToken = conn.refreshToken;

  async function fetchToken(audience: Audience): Promise<string> {
    const appUser = audience === AUDIENCE.partnerApi && refreshToken !== undefined;
    const res = await http.request({
      method: 'POST',
      url,
      body: { form: tokenRequest(conn, audience, appUser ? refreshToken : undefined) },
      idempotent: true,
    });
    const json = res.json<{ access_token?: unknown; expires_in?: unknown; refresh_token?: unknown }>();
    if (appUser && typeof json.refresh_token === 'string' && json.refresh_token !== refreshToken) {
      refreshToken = json.refresh_token;
      await onRefreshToken?.(json.refresh_token);
    }
    const seconds = Number(json.expires_in);
    if (typeof json.access_token !== 'string' || !Number.isFinite(seconds)) {
      throw new IntegrationError({
        kind: 'protocol',
        vendor: VENDOR,
        message: `token endpoint ${url} answered without access_token/expires_in`,
      });
    }
    cache.set(audience, {
      token: json.access_token,
      renewAtMs: now() + Math.max(0, seconds * 1000 - EXPIRY_MARGIN_MS),
    });
    return json.access_token;
  }

  return {
    async token(audience) {
      const hit = cache.get(audience);
      if (hit && now() < hit.renewAtMs) return hit.token;
      let p = pending.get(audience);
      if (!p) {
        p = fetchToken(audience).finally(() => pending.delete(audience));
        pending.set(audience, p);
      }
      return p;
    },
    invalidate(audience) {
      cache.delete(audience);
    },
  };
}
