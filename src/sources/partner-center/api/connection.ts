import { allowLocalPsa, checkVendorUrl } from '../../../http';

/**
 * Where and as whom billsync talks to Partner Center. Defaults are Microsoft's public cloud; the sandbox
 * (`billsync sandbox partner-center`) serves all three roles from one base URL.
 */
export interface PartnerCenterConnection {
  /** Microsoft Entra ID authority (token endpoint host), default `https://login.microsoftonline.com`. */
  authorityUrl: string;
  /** Partner Center REST API (customers, invoices, line items), default `https://api.partnercenter.microsoft.com`. */
  apiUrl: string;
  /** "Partner API" host of the price sheets, default `https://api.partner.microsoft.com`. */
  partnerApiUrl: string;
  /** The partner's own tenant (GUID or verified domain): the `{tenant}` of the token endpoint. */
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /**
   * `v2`: `POST {authority}/{tenant}/oauth2/v2.0/token` with `scope={audience}/.default` (default);
   * `v1`: `POST {authority}/{tenant}/oauth2/token` with `resource={audience}` (csp-billing.md 1.2).
   */
  tokenEndpoint: 'v1' | 'v2';
  /**
   * App+User refresh token (secure application model). Microsoft's price sheet API refuses app-only tokens; with
   * a refresh token the price-sheet token is redeemed with `grant_type=refresh_token` instead.
   */
  refreshToken?: string | undefined;
}

export const PARTNER_CENTER_DEFAULTS = {
  authorityUrl: 'https://login.microsoftonline.com',
  apiUrl: 'https://api.partnercenter.microsoft.com',
  partnerApiUrl: 'https://api.partner.microsoft.com',
  tokenEndpoint: 'v2',
} as const;

/** The audiences (token `resource`) of the two API hosts: fixed by Microsoft, whatever host serves them. */
export const AUDIENCE = {
  partnerCenter: 'https://api.partnercenter.microsoft.com',
  partnerApi: 'https://api.partner.microsoft.com',
} as const;

export type Audience = (typeof AUDIENCE)[keyof typeof AUDIENCE];

/** Settings as they come from flags / environment (strings, possibly missing). */
export interface ConnectionSettings {
  authorityUrl?: string | undefined;
  apiUrl?: string | undefined;
  partnerApiUrl?: string | undefined;
  tenantId?: string | undefined;
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  tokenEndpoint?: string | undefined;
  refreshToken?: string | undefined;
}

/**
 * A complete connection from settings, or the list of what is missing / wrong. `partnerApiUrl` defaults to
 * `apiUrl` when only `apiUrl` is set to something other than Microsoft's host (an emulator serves both). Every URL
 * must pass the URL policy (src/http/url-policy.ts): https on Microsoft's hosts, or loopback when `allowLocal`
 * (default: `BILLSYNC_ALLOW_LOCAL_PSA=1`). The client's HTTP requests are held to the same policy.
 */
export function resolveConnection(
  s: ConnectionSettings,
  options: { allowLocal?: boolean } = {},
): { ok: true; value: PartnerCenterConnection } | { ok: false; problems: string[] } {
  const allowLocal = options.allowLocal ?? allowLocalPsa();
  const problems: string[] = [];
  const need = (value: string | undefined, name: string) => {
    if (!value) problems.push(`${name} is required`);
    return value ?? '';
  };
  const url = (value: string | undefined, fallback: string, name: string) => {
    const v = (value || fallback).trim().replace(/\/+$/, '');
    const checked = checkVendorUrl('partner-center', v, { allowLocal });
    if (!checked.ok) problems.push(`${name} ${JSON.stringify(v)} is not allowed: ${checked.problem}`);
    return v;
  };
  const apiUrl = url(s.apiUrl, PARTNER_CENTER_DEFAULTS.apiUrl, 'the API URL');
  const partnerDefault =
    s.apiUrl && apiUrl !== PARTNER_CENTER_DEFAULTS.apiUrl ? apiUrl : PARTNER_CENTER_DEFAULTS.partnerApiUrl;
  const tokenEndpoint = (s.tokenEndpoint || 'v2').toLowerCase();
  if (tokenEndpoint !== 'v1' && tokenEndpoint !== 'v2')
    problems.push(`the token endpoint must be v1 or v2, not "${s.tokenEndpoint}"`);
  const value: PartnerCenterConnection = {
    authorityUrl: url(s.authorityUrl, PARTNER_CENTER_DEFAULTS.authorityUrl, 'the authority URL'),
    apiUrl,
    partnerApiUrl: url(s.partnerApiUrl, partnerDefault, 'the partner API URL'),
    tenantId: need(s.tenantId, 'the partner tenant id'),
    clientId: need(s.clientId, 'the client (application) id'),
    clientSecret: need(s.clientSecret, 'the client secret'),
    tokenEndpoint: tokenEndpoint === 'v1' ? 'v1' : 'v2',
    refreshToken: s.refreshToken || undefined,
  };
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value };
}
