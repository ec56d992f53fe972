import { randomBytes } from 'node:crypto';

/**
 * Seek paging as Partner Center does it: a page carries `continuationToken` and a `links.next` whose request sends
 * it back in the `MS-ContinuationToken` header with `seekOperation=Next`. Tokens are opaque and bound to the
 * collection they came from.
 */
export function createContinuations() {
  const open = new Map<string, { collection: string; offset: number }>();
  return {
    issue(collection: string, offset: number): string {
      const token = randomBytes(18).toString('base64url');
      open.set(token, { collection, offset });
      return token;
    },
    /** The offset a token continues at, or undefined when the token is unknown or from another collection. */
    resolve(token: string, collection: string): number | undefined {
      const entry = open.get(token);
      return entry && entry.collection === collection ? entry.offset : undefined;
    },
  };
}

export type Continuations = ReturnType<typeof createContinuations>;

/** Query parameters by lower-cased name (Partner Center treats query parameter names case-insensitively). */
export function lowerQuery(query: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    if (typeof v === 'string') out[k.toLowerCase()] = v;
  }
  return out;
}

/** A `links` entry as Partner Center writes it. */
export function link(uri: string, headers: { key: string; value: string }[] = []) {
  return { uri, method: 'GET', headers };
}
