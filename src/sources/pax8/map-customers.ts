import type { SourceCustomer } from '../../core/model/source';
import type { WireCompany } from './wire-types';
import { normalizeGuid, protocol } from './wire-values';

/**
 * The domain of a company's website as the matcher compares it: `https://www.Contoso.com/about` ->
 * `contoso.com`. Pax8 exposes no Microsoft tenant id and no primary domain (pax8-api.md 2.1); the website the
 * partner entered is the only domain it has. Empty when there is none.
 */
export function websiteDomain(website: string | null | undefined): string {
  const raw = (website ?? '').trim().toLowerCase();
  if (raw === '') return '';
  const host = raw
    .replace(/^[a-z][a-z0-9+.-]*:\/\//, '')
    .split(/[/?#]/)[0]!
    .replace(/:\d+$/, '')
    .replace(/^www\d*\./, '');
  return /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(host) ? host : '';
}

/**
 * A Pax8 company as a SourceCustomer. Decision: the customer key (`tenantId`) is the Pax8 company id (lower-case
 * GUID): it is on every invoice item and subscription, while the Microsoft tenant id is not exposed by Pax8's
 * public API. Customers are matched to PSA companies by name and by the website's domain, with the usual
 * suggestions and confirmations. Deleted companies are kept (their history still bills).
 */
export function customerFromWire(c: WireCompany): SourceCustomer {
  const id = normalizeGuid(c.id);
  if (!id) throw protocol(`company ${JSON.stringify(c.id)}: the id is not a GUID`);
  return { tenantId: id, name: (c.name ?? '').trim(), defaultDomain: websiteDomain(c.website) };
}
