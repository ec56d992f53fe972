import { allowLocalPsa, checkVendorUrl, VENDOR_HOSTS } from '../../http';

/** Where and as whom billsync talks to Pax8 (pax8-api.md 1.1, 1.2). */
export interface Pax8Connection {
  /** Partner REST API, default `https://api.pax8.com/v1`. */
  apiUrl: string;
  /** The token endpoint, default `https://api.pax8.com/v1/token` (JSON client-credentials body). */
  tokenUrl: string;
  /** Token audience of the partner endpoints: `https://api.pax8.com` (older credentials: `api://p8p.client`). */
  audience: string;
  clientId: string;
  clientSecret: string;
}

export const PAX8_DEFAULTS = {
  apiUrl: 'https://api.pax8.com/v1',
  tokenUrl: 'https://api.pax8.com/v1/token',
  audience: 'https://api.pax8.com',
} as const;

/** Pax8's own hosts (pax8-api.md 1.2: the token is served by three of them). */
/** Pax8's API and token hosts: the URL policy's (src/http/url-policy.ts). */
export const PAX8_HOSTS = VENDOR_HOSTS.pax8.exact;

export interface Pax8ConnectionSettings {
  apiUrl?: string | undefined;
  tokenUrl?: string | undefined;
  audience?: string | undefined;
  clientId?: string | undefined;
  clientSecret?: string | undefined;
}

/**
 * Whether billsync may send Pax8 credentials to a URL: https on Pax8's hosts (standard port, no user info), or
 * http(s) on a loopback address when local URLs are allowed (the emulator). The problem in words otherwise.
 */
export function checkPax8Url(value: string, allowLocal: boolean): string | undefined {
  const checked = checkVendorUrl('pax8', value, { allowLocal });
  return checked.ok ? undefined : checked.problem;
}

/** A complete connection from settings, or the list of what is missing or wrong. */
export function resolvePax8Connection(
  s: Pax8ConnectionSettings,
  options: { allowLocal?: boolean } = {},
): { ok: true; value: Pax8Connection } | { ok: false; problems: string[] } {
  const allowLocal = options.allowLocal ?? allowLocalPsa();
  const problems: string[] = [];
  const url = (value: string | undefined, fallback: string, name: string) => {
    const v = (value || fallback).trim().replace(/\/+$/, '');
    const problem = checkPax8Url(v, allowLocal);
    if (problem) problems.push(`${name} ${JSON.stringify(v)} is not allowed: ${problem}`);
    return v;
  };
  const apiUrl = url(s.apiUrl, PAX8_DEFAULTS.apiUrl, 'the API URL');
  // An emulator serves the token beside the API: `{apiUrl}/token` unless told otherwise.
  const tokenDefault = s.apiUrl ? `${apiUrl}/token` : PAX8_DEFAULTS.tokenUrl;
  const tokenUrl = url(s.tokenUrl, tokenDefault, 'the token URL');
  const need = (value: string | undefined, name: string) => {
    if (!value?.trim()) problems.push(`${name} is required`);
    return (value ?? '').trim();
  };
  const value: Pax8Connection = {
    apiUrl,
    tokenUrl,
    audience: (s.audience || PAX8_DEFAULTS.audience).trim(),
    clientId: need(s.clientId, 'the client id'),
    clientSecret: need(s.clientSecret, 'the client secret'),
  };
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value };
}
