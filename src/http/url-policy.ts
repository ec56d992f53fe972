import { IntegrationError } from '../core/integration-error';

/**
 * Where billsync may send a vendor's credentials: the one URL policy of every PSA and source URL (docs/url-policy.md).
 * A URL must be https on one of the vendor's own hosts, on the standard port, without user info. With
 * `BILLSYNC_ALLOW_LOCAL_PSA=1` (sandboxes, the demo, tests) http and https on loopback addresses are allowed too,
 * for the emulators. The connections service checks every URL a user enters; the HTTP client checks every
 * request of a vendor client, so neither a stored setting nor an answer (a discovered zone, a next-page link) can
 * send a secret elsewhere.
 */

/** The vendors billsync talks to, as the HTTP client names them. */
export type PolicyVendor = 'autotask' | 'partner-center' | 'connectwise' | 'pax8';

interface VendorHosts {
  label: string;
  /** Hosts allowed as they are. */
  exact: readonly string[];
  /** Allowed parent domains: any host ending in `.${suffix}`. */
  suffixes: readonly string[];
  /** The hosts in words, for messages. */
  described: string;
}

export const VENDOR_HOSTS: Record<PolicyVendor, VendorHosts> = {
  autotask: { label: 'Autotask', exact: [], suffixes: ['autotask.net'], described: '*.autotask.net' },
  'partner-center': {
    label: 'Partner Center',
    exact: ['login.microsoftonline.com', 'api.partnercenter.microsoft.com', 'api.partner.microsoft.com'],
    suffixes: [],
    described: 'login.microsoftonline.com, api.partnercenter.microsoft.com or api.partner.microsoft.com',
  },
  connectwise: {
    label: 'ConnectWise',
    exact: [],
    suffixes: ['myconnectwise.net'],
    described: '*.myconnectwise.net',
  },
  // Pax8's partner API and its token hosts (docs/vendors/pax8.md; ../shared/reference/pax8-api.md 1.1-1.2).
  pax8: {
    label: 'Pax8',
    exact: ['api.pax8.com', 'login.pax8.com', 'token-manager.pax8.com'],
    suffixes: [],
    described: 'api.pax8.com, login.pax8.com or token-manager.pax8.com',
  },
};

export const ALLOW_LOCAL_ENV = 'BILLSYNC_ALLOW_LOCAL_PSA';

/** Whether loopback URLs are allowed (`BILLSYNC_ALLOW_LOCAL_PSA=1`): the only place that reads the variable. */
export function allowLocalPsa(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env[ALLOW_LOCAL_ENV]?.trim().toLowerCase();
  return value === '1' || value === 'true';
}

export function isPolicyVendor(vendor: string): vendor is PolicyVendor {
  return Object.hasOwn(VENDOR_HOSTS, vendor);
}

/** localhost, 127.0.0.0/8 and ::1 (the URL parser has already turned `0x7f.1` or `2130706433` into 127.0.0.1). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

function onVendorHost(vendor: PolicyVendor, hostname: string): boolean {
  const host = hostname.toLowerCase();
  const rules = VENDOR_HOSTS[vendor];
  return rules.exact.includes(host) || rules.suffixes.some((s) => host.endsWith(`.${s}`));
}

export type UrlCheck = { ok: true; url: URL } | { ok: false; problem: string };

/**
 * Checks a URL against the vendor's policy. `vendor` undefined (a client of no known vendor) allows no public
 * host at all: only loopback, and only when local URLs are allowed. The problem is in words, without the URL
 * (callers name it, redacted where it may carry a secret): "it is not https: Autotask URLs must be ...".
 */
export function checkVendorUrl(
  vendor: PolicyVendor | undefined,
  value: string,
  options: { allowLocal: boolean },
): UrlCheck {
  const rules = vendor ? VENDOR_HOSTS[vendor] : undefined;
  const local = options.allowLocal ? ' (or http on a loopback address)' : '';
  const wanted = rules
    ? `${rules.label} URLs must be https on ${rules.described}${local}`
    : 'a client of no known vendor may only reach loopback addresses';
  const refuse = (why: string): UrlCheck => ({ ok: false, problem: `${why}: ${wanted}` });
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return refuse('it is not a URL');
  }
  if (url.username !== '' || url.password !== '') return refuse('it carries a user name or password');
  if (options.allowLocal && isLoopbackHost(url.hostname) && /^https?:$/.test(url.protocol))
    return { ok: true, url };
  if (isLoopbackHost(url.hostname) && !options.allowLocal)
    return refuse(
      `it is a loopback address, allowed only with ${ALLOW_LOCAL_ENV}=1 (sandboxes, the demo, tests)`,
    );
  if (!vendor || !onVendorHost(vendor, url.hostname))
    return refuse(`it is not on ${rules ? `${rules.label}'s hosts` : 'a loopback address'}`);
  if (url.protocol !== 'https:') return refuse('it is not https');
  if (url.port !== '') return refuse('it names a port (only the standard https port is allowed)');
  return { ok: true, url };
}

/** True for a URL on the vendor's own hosts by the strict policy (never a loopback emulator). */
export function isVendorHostUrl(vendor: PolicyVendor, value: string): boolean {
  return checkVendorUrl(vendor, value, { allowLocal: false }).ok;
}

/**
 * The HTTP client's guard: a request to a URL outside the policy of the client's vendor throws an
 * IntegrationError (`validation`, never retried) before anything is sent. `shown` redacts the URL for the message.
 */
export function requestUrlGuard(
  vendor: string,
  allowLocal: boolean,
  shown: (url: string) => string,
): (method: string, url: string) => void {
  const policyVendor = isPolicyVendor(vendor) ? vendor : undefined;
  return (method, url) => {
    const checked = checkVendorUrl(policyVendor, url, { allowLocal });
    if (checked.ok) return;
    throw new IntegrationError({
      kind: 'validation',
      vendor,
      message: `billsync refused to send ${method} ${shown(url)}: ${checked.problem}`,
    });
  };
}
