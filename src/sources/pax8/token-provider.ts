import type { HttpClient } from '../../http';
import type { Pax8Connection } from './connection';
import { tokenSchema } from './wire-types';
import { protocol } from './wire-values';

/** Renew this long before a token's expiry, so a token never runs out during a long paged read. */
export const EXPIRY_MARGIN_MS = 10 * 60_000;
/** Pax8 tokens live one day (pax8-api.md 1.2: `expires_in` 86400); assumed when the answer omits it. */
export const DEFAULT_LIFETIME_S = 86_400;

export interface Pax8TokenProvider {
  /** A bearer token, from the cache while it is fresh; one request in flight at a time. */
  token(): Promise<string>;
  /** Forgets the token (after a 401: revoked or expired early). */
  invalidate(): void;
  /** Token requests made so far (for logs and tests). */
  readonly requests: number;
}

/**
 * OAuth 2.0 client credentials against Pax8's token endpoint: a JSON body (`client_id`, `client_secret`,
 * `audience`, `grant_type`), not a form. The token is cached until 10 minutes before its 24 h expiry.
 */
export function createPax8TokenProvider(
  conn: Pax8Connection,
  http: HttpClient,
  now: () => number,
): Pax8TokenProvider {
  let cached: { token: string; renewAtMs: number } | undefined;
  let pending: Promise<string> | undefined;
  let requests = 0;

  async function fetchToken(): Promise<string> {
    requests++;
    const res = await http.request({
      method: 'POST',
      url: conn.tokenUrl,
      body: {
        json: {
          client_id: conn.clientId,
          client_secret: conn.clientSecret,
          audience: conn.audience,
          grant_type: 'client_credentials',
        },
      },
      idempotent: true,
    });
    const parsed = tokenSchema.safeParse(res.json());
    if (!parsed.success) throw protocol(`token endpoint ${conn.tokenUrl} answered without an access_token`);
    const seconds = Number(parsed.data.expires_in ?? DEFAULT_LIFETIME_S);
    const lifetime = Number.isFinite(seconds) && seconds > 0 ? seconds : DEFAULT_LIFETIME_S;
    cached = {
      token: parsed.data.access_token,
      renewAtMs: now() + Math.max(0, lifetime * 1000 - EXPIRY_MARGIN_MS),
    };
    return parsed.data.access_token;
  }

  return {
    async token() {
      if (cached && now() < cached.renewAtMs) return cached.token;
      if (!pending) pending = fetchToken().finally(() => (pending = undefined));
      return pending;
    },
    invalidate() {
      cached = undefined;
    },
    get requests() {
      return requests;
    },
  };
}
