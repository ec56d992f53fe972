import type { ConnectionKind } from '../db/repos/connections';
import { allowLocalPsa, checkVendorUrl, type PolicyVendor } from '../http/url-policy';

/*
 * What a user may enter on a connection, beyond its shape (connections.ts): every URL follows the one URL policy
 * (src/http/url-policy.ts, docs/url-policy.md), and the settings that say where the secrets go, and as whom, are
 * bound to the secrets: changing one needs the secrets entered again, so a stored secret is only ever sent to
 * where and for whom it was entered.
 */

interface UrlSetting {
  vendor: PolicyVendor;
  label: string;
  /** A host name such as `na.myconnectwise.net` (a URL is accepted too): checked as `https://host`. */
  host?: boolean;
}

const URL_SETTINGS: Record<ConnectionKind, Record<string, UrlSetting>> = {
  autotask: { zoneUrl: { vendor: 'autotask', label: 'The zone URL' } },
  connectwise: { site: { vendor: 'connectwise', label: 'The site', host: true } },
  'partner-center': {
    authority: { vendor: 'partner-center', label: 'The authority URL' },
    apiUrl: { vendor: 'partner-center', label: 'The API URL' },
  },
  pax8: {
    apiUrl: { vendor: 'pax8', label: 'The API URL' },
    tokenUrl: { vendor: 'pax8', label: 'The token URL' },
  },
};

/** The settings bound to the secrets, and how the form names them and the secrets. */
const SECRET_BOUND: Record<ConnectionKind, { settings: readonly string[]; names: string; secrets: string }> =
  {
    autotask: {
      settings: ['username', 'zoneUrl'],
      names: 'the API username or the zone URL',
      secrets: 'the secret and the integration code',
    },
    connectwise: {
      settings: ['site', 'companyId', 'publicKey'],
      names: 'the site, the company id or the public key',
      secrets: 'the private key',
    },
    'partner-center': {
      settings: ['tenantId', 'clientId', 'authority', 'apiUrl'],
      names: 'the tenant, the client id, the authority URL or the API URL',
      secrets: 'the client secret',
    },
    pax8: {
      settings: ['clientId', 'apiUrl', 'tokenUrl', 'audience'],
      names: 'the client id, the API URL, the token URL or the audience',
      secrets: 'the client secret',
    },
  };

/**
 * What is wrong with the URL settings of a connection (one sentence each), by the URL policy; none when they are
 * fine. `allowLocal` defaults to `BILLSYNC_ALLOW_LOCAL_PSA=1` in the environment.
 */
export function connectionUrlProblems(
  kind: ConnectionKind,
  settings: Readonly<Record<string, unknown>>,
  allowLocal = allowLocalPsa(),
): string[] {
  const problems: string[] = [];
  for (const [name, rule] of Object.entries(URL_SETTINGS[kind])) {
    const value = settings[name];
    if (value === undefined || value === null || value === '') continue;
    const text = String(value).trim();
    const url = rule.host && !/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? `https://${text}` : text;
    const checked = checkVendorUrl(rule.vendor, url, { allowLocal });
    if (!checked.ok)
      problems.push(`${rule.label} ${JSON.stringify(shorten(text))} is not allowed: ${checked.problem}`);
  }
  return problems;
}

const shorten = (text: string) => (text.length > 120 ? `${text.slice(0, 117)}...` : text);

/**
 * Why a save without secrets is refused when a setting bound to the stored secrets changed; undefined when none
 * did (or nothing is stored yet). Values are compared as stored (after trimming by the schema).
 */
export function rebindProblem(
  kind: ConnectionKind,
  before: Readonly<Record<string, unknown>>,
  after: Readonly<Record<string, unknown>>,
): string | undefined {
  const bound = SECRET_BOUND[kind];
  const same = (name: string) => (before[name] ?? null) === (after[name] ?? null);
  if (bound.settings.every(same)) return undefined;
  return `Changing ${bound.names} needs ${bound.secrets} again: enter them too (stored secrets are only sent where and for whom they were entered)`;
}
