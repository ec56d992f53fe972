const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const TENANT_EXPECTED = 'a tenant id (GUID such as 8b2f0c1e-...), optionally prefixed "org:"';
export const MARKET_EXPECTED = 'a two-letter country code such as US';

/**
 * A customer tenant id as billsync keys it: the GUID without the `org:` prefix the API shows in examples,
 * lower-cased. Undefined when what remains is not a GUID.
 */
export function normalizeTenantId(text: string): string | undefined {
  const t = text.trim().replace(/^org:/i, '').toLowerCase();
  return GUID.test(t) ? t : undefined;
}

/** Partner Center subscription ids are GUIDs: lower-cased so the API and the files agree; other ids kept as written. */
export function normalizeSubscriptionId(text: string): string {
  const t = text.trim();
  return GUID.test(t.toLowerCase()) ? t.toLowerCase() : t;
}
