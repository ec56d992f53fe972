import { IntegrationError } from '../../core/integration-error';
import { checkVendorUrl, type HttpClient, isLoopbackHost } from '../../http';
import { apiRoot } from './quirks';
import { classifyAutotaskError, FRIENDLY, vendorMessagesOf } from './quirks-errors';

/** How long a discovered zone is trusted (go-autotask uses 24 h, §1.2). */
const ZONE_TTL_MS = 24 * 3_600_000;

interface Entry {
  at: number;
  root: Promise<string>;
}

/** Discovered API roots per discovery endpoint and user name (case-insensitive), shared by the process. */
const cache = new Map<string, Entry>();

const keyOf = (discoveryUrl: string, userName: string) =>
  `${apiRoot(discoveryUrl)}|${userName.toLowerCase()}`;

/** Forgets every discovered zone, or one user's (after a 401 the tenant may have moved zone, §1.2). */
export function forgetZone(discoveryUrl?: string, userName?: string): void {
  if (discoveryUrl === undefined || userName === undefined) cache.clear();
  else cache.delete(keyOf(discoveryUrl, userName));
}

/**
 * The API root of the user's zone, from `GET {discovery}/V1.0/zoneInformation?user=` (no credentials, not
 * thread-limited, §1.2). An unknown user is a 500 "Zone information could not be determined", reported as
 * "Zone not found for this username" without retrying.
 */
export function discoverZone(
  http: HttpClient,
  discoveryUrl: string,
  userName: string,
  now: () => number,
): Promise<string> {
  const key = keyOf(discoveryUrl, userName);
  const hit = cache.get(key);
  if (hit && now() - hit.at < ZONE_TTL_MS) return hit.root;
  const root = lookup(http, discoveryUrl, userName);
  cache.set(key, { at: now(), root });
  root.catch(() => {
    if (cache.get(key)?.root === root) cache.delete(key);
  });
  return root;
}

async function lookup(http: HttpClient, discoveryUrl: string, userName: string): Promise<string> {
  const url = `${apiRoot(discoveryUrl)}/zoneInformation`;
  // A 500 is the normal "unknown user" answer: read it here instead of letting the client retry it.
  const res = await http.request({
    method: 'GET',
    url,
    query: { user: userName },
    acceptStatus: (s) => (s >= 200 && s < 300) || s === 500,
  });
  if (res.status === 500) {
    const messages = vendorMessagesOf(res.text);
    const { kind, friendly } = classifyAutotaskError(500, messages);
    const zoneMissing = userName.trim() === '' || friendly === FRIENDLY.zoneNotFound;
    throw new IntegrationError({
      kind: zoneMissing ? 'auth' : kind,
      vendor: 'autotask',
      status: 500,
      message: `${zoneMissing ? FRIENDLY.zoneNotFound : (friendly ?? 'Zone discovery failed')} (GET ${url}: HTTP 500)`,
      vendorMessages: messages,
    });
  }
  const body = res.json<{ url?: unknown }>();
  if (typeof body?.url !== 'string' || body.url === '') {
    throw new IntegrationError({
      kind: 'protocol',
      vendor: 'autotask',
      message: `zoneInformation answered without a url (GET ${url})`,
    });
  }
  return allowedZone(url, body.url);
}

/**
 * The discovered API root, if billsync may send the credentials there (docs/url-policy.md): a zone on Autotask's
 * hosts over https, or on loopback only when discovery itself was asked on loopback (an emulator). Whatever
 * zoneInformation says, a secret never goes anywhere else; the answer is not repeated in the error.
 */
function allowedZone(discoveryUrl: string, zone: string): string {
  let root: string;
  try {
    root = apiRoot(zone);
  } catch {
    root = zone;
  }
  const local = isLoopbackHost(new URL(discoveryUrl).hostname);
  const checked = checkVendorUrl('autotask', root, { allowLocal: local });
  if (checked.ok) return root;
  throw new IntegrationError({
    kind: 'protocol',
    vendor: 'autotask',
    message: `zoneInformation answered with a zone billsync does not send credentials to (${checked.problem}) (GET ${discoveryUrl})`,
  });
}
