import type { BillingPlan, OfferKey, TermDuration } from '../../core/model/source';
import type { Decimal } from '../../core/money';

/**
 * Pax8 terms -> billsync's term and billing plan (pax8-api.md 2.3, 2.4, 2.7). Pax8 keeps two things apart:
 * `billingTerm` (how often it bills: `Monthly`, `Annual`, `2-Year`, `3-Year`, `One-Time`, `Trial`, `Activation`;
 * on invoice items `term`, spelled `3 Year`, `One-time`, plus `Arrears`, `Rebate`) and the commitment (`1-Year`,
 * `3-Year`, months, or none for month-to-month). billsync's OfferKey has the same two: `term` (commitment) and
 * `billingPlan`.
 */

const squash = (text: string | null | undefined) => (text ?? '').toLowerCase().replace(/[\s_-]/g, '');

/** The billing plan of a Pax8 billing term; undefined for terms billsync cannot represent (2-Year) or unknown. */
export function billingPlanOf(billingTerm: string | null | undefined): BillingPlan | undefined {
  const t = squash(billingTerm);
  if (t === 'monthly' || t === 'month' || t === 'trial' || t === 'arrears') return 'Monthly';
  if (t === 'annual' || t === 'yearly' || t === '1year') return 'Annual';
  if (t === '3year' || t === 'threeyear' || t === 'triennial') return 'Triennial';
  if (t === 'onetime' || t === 'activation') return 'OneTime';
  return undefined;
}

/**
 * Months of a commitment from what Pax8 wrote: a number of months (`commitmentTermInMonths`), or a text such as
 * `1-Year`, `3-Year`, `Monthly`, `12 Months`. null/empty = no commitment (0). Undefined when unreadable.
 */
export function commitmentMonthsOf(
  months: Decimal | undefined,
  term: string | null | undefined,
): number | undefined {
  if (months !== undefined) return Number(months.toFixed(0));
  const t = squash(term);
  if (t === '' || t === 'none' || t === 'monthly' || t === 'month' || t === 'nocommitment') return 0;
  const m = /^(\d+)(year|years|yr|month|months)$/.exec(t);
  if (m) return Number(m[1]) * (m[2]!.startsWith('y') ? 12 : 1);
  if (t === 'annual' || t === 'oneyear') return 12;
  if (t === 'threeyear' || t === 'triennial') return 36;
  return undefined;
}

/**
 * The billsync term of a commitment and plan: no commitment (or one month) is P1M, except an upfront annual or
 * triennial billing without a stated commitment, which commits for the period it pays (legacy annual); 12 months
 * P1Y, 36 months P3Y. Undefined for what billsync has no term for (24 months: `2-Year`).
 */
export function termOf(months: number, plan: BillingPlan): TermDuration | undefined {
  if (months <= 1) return plan === 'Annual' ? 'P1Y' : plan === 'Triennial' ? 'P3Y' : 'P1M';
  if (months === 12) return plan === 'Triennial' ? undefined : 'P1Y';
  if (months === 36) return 'P3Y';
  return undefined;
}

/** Months one billing-plan period covers (the unit of a price-list row's cost and retail). */
export function planMonths(plan: BillingPlan, term: TermDuration): number {
  if (plan === 'Annual') return 12;
  if (plan === 'Triennial') return 36;
  if (plan === 'OneTime') return term === 'P3Y' ? 36 : term === 'P1Y' ? 12 : 1;
  return 1;
}

/** Pax8 offers are sold in no market (the price list has neither market nor currency): one market for all. */
export const PAX8_MARKET = 'ALL';

/** The Pax8 product as an offer needs it: id and SKU (from the catalog). */
export interface OfferProduct {
  id: string;
  sku: string;
}

/**
 * The offer of a Pax8 product under a term and plan. Decision: `productId` is the Pax8 SKU (upper-case, e.g.
 * `MST-OFC-EE3-C100`: short and readable, so PSA product names such as `PC_MST-OFC-EE3-C100:3d0617ac` fit
 * ConnectWise's identifier and vendor SKU limits), `skuId` the first 8 hex digits of the Pax8 product id (two
 * products sharing a SKU text stay apart). Both come from the catalog, never from an invoice item's `sku` text,
 * so price list and invoice lines always agree. Segment Commercial, market `ALL`.
 */
export function pax8Offer(
  product: OfferProduct,
  plan: { term: TermDuration; billingPlan: BillingPlan },
  currency: string,
): OfferKey {
  const sku = product.sku.trim().toUpperCase();
  const id = product.id.trim().toLowerCase();
  return {
    productId: sku === '' ? id : sku,
    skuId: id.replace(/-/g, '').slice(0, 8),
    term: plan.term,
    billingPlan: plan.billingPlan,
    segment: 'Commercial',
    market: PAX8_MARKET,
    currency,
  };
}
