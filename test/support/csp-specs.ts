import { createHash } from 'node:crypto';
import type { BillingPlan, TermDuration } from '../../src/core/model/source';
import { AZURE_PLAN } from '../../src/sources/partner-center/demo/catalog';

/** The customers, offers and ids the CSP file writers (csp-files.ts, csp-usage-file.ts) default to. */

export interface CustomerSpec {
  tenantId: string;
  name: string;
  domain: string;
  /** Two-letter country: the market of the customer's offers. */
  country: string;
}

export const CONTOSO: CustomerSpec = {
  tenantId: '8b2f0000-0000-4000-8000-000000000001',
  name: 'Contoso Dental',
  domain: 'contosodental.onmicrosoft.com',
  country: 'US',
};

export interface OfferSpec {
  productId: string;
  skuId: string;
  title: string;
  term: TermDuration;
  billingPlan: Exclude<BillingPlan, 'OneTime'>;
}

/** Microsoft 365 Business Premium, month-to-month (recon and price-list offer keys agree). */
export const BUSINESS_PREMIUM: OfferSpec = {
  productId: 'CFQ7TTC0LCHC',
  skuId: '0002',
  title: 'Microsoft 365 Business Premium',
  term: 'P1M',
  billingPlan: 'Monthly',
};

/** The Azure plan (its recon lines carry a month's consumption). */
export const AZURE_PLAN_OFFER: OfferSpec = { ...AZURE_PLAN, term: 'P1M', billingPlan: 'Monthly' };

/** The CSP partner (the MSP) every file names. */
export const PARTNER = {
  id: '3c1a0000-0000-4000-8000-00000000beef',
  name: 'Northwind MSP',
  mpnId: '1234567',
};

/** A deterministic GUID from text: the same customer and offer keep their subscription across months. */
export function guidOf(text: string): string {
  const h = createHash('sha1').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
