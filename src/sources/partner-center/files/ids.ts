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

export const SKU_EXPECTED = 'a SKU id such as 0002';

/**
 * A SKU id as Microsoft writes it: four characters (csp-billing.md section 3). A spreadsheet that saved the file
 * again reads "0002" as the number 2 and writes "2": a SKU id of one to three digits gets its leading zeros back,
 * so the offer is the one the price list and the invoices name. Others are kept as written.
 */
export function normalizeSkuId(text: string): string {
  const t = text.trim();
  return /^[0-9]{1,3}$/.test(t) ? t.padStart(4, '0') : t;
}
