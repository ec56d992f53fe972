import type { InvoiceHeader, OfferKey } from '../model/source';
import { type Decimal, ONE, ZERO } from '../money/decimal';
import type { Money } from '../money/money';
import { firstDayOf, nextPeriod } from '../time/billing-period';
import type { PlainDate } from '../time/plain-date';
import { normalizeSegments, type StateSegment } from './line-state';

/** The Azure plan product (Microsoft's `DZH318Z0BPS6`; `:0002` is Azure plan for DevTest). */
export const AZURE_PLAN_PRODUCT_ID = 'DZH318Z0BPS6';

export function isAzureOffer(offer: Pick<OfferKey, 'productId'>): boolean {
  return offer.productId === AZURE_PLAN_PRODUCT_ID;
}

/** Market of the canonical Azure plan offer: Azure plan usage is not sold per market (the usage file has none). */
export const AZURE_PLAN_MARKET = 'ALL';

/**
 * The one Azure plan offer of a customer's usage in a currency (decision: Azure plan has no price-list row and
 * no seats; the usage file names no product, SKU or market): `DZH318Z0BPS6:0001`, P1M monthly, Commercial. A
 * recon line of Azure plan (whatever CustomerCountry says) and a usage file alone give the same key, so the
 * PSA gets one product and each customer one contract line for it.
 */
export function azurePlanOffer(currency: string, skuId = '0001'): OfferKey {
  return {
    productId: AZURE_PLAN_PRODUCT_ID,
    skuId,
    term: 'P1M',
    billingPlan: 'Monthly',
    segment: 'Commercial',
    market: AZURE_PLAN_MARKET,
    currency,
  };
}

/** An offer as the sync knows it: Azure plan offers become the canonical one (see `azurePlanOffer`). */
export function canonicalOffer(offer: OfferKey): OfferKey {
  return isAzureOffer(offer) ? azurePlanOffer(offer.currency, offer.skuId) : offer;
}

/**
 * Azure plan (spec section 6, R-9): the usage of month M (on the invoice for M, issued in M+1) is billed once, in
 * M+1: the line holds 1 unit at M's totals (cost; retail = cost + markup, rounded to the cent half-up) from the
 * first day of M+1, and 0 from the first day of M+2 unless M+1's usage sets a new amount then.
 */
export function azureDesired(
  invoices: readonly { header: Pick<InvoiceHeader, 'billingPeriod'>; azureCost?: Money | undefined }[],
  /** The program's Azure markup, or the retail of a month's cost billed from `day` (price rules, issue 16). */
  pricing: Decimal | ((cost: Decimal, day: PlainDate) => Decimal),
): StateSegment[] {
  const months = invoices
    .filter((i) => i.azureCost !== undefined)
    .map((i) => ({ period: i.header.billingPeriod, cost: i.azureCost!.amount }))
    .sort((a, b) => (a.period < b.period ? -1 : 1));
  const priceOf =
    typeof pricing === 'function'
      ? pricing
      : (cost: Decimal) => cost.times(ONE.plus(pricing.div(100))).round(2, 1);
  // The line's cost is the month's total rounded half-up to the cent, as every price and cost written to a PSA
  // (decision 0006); the retail is computed from the exact total and rounded once, after the markup.
  const line = (cost: Decimal, start: PlainDate) => ({
    units: ONE,
    cost: cost.round(2, 1),
    price: priceOf(cost, start),
  });
  const segments: StateSegment[] = [];
  let exact = ZERO;
  for (const m of months) {
    const start = firstDayOf(nextPeriod(m.period));
    const end = firstDayOf(nextPeriod(nextPeriod(m.period)));
    const last = segments.at(-1);
    if (last && last.start === start) {
      // Two invoices for one month (one per currency is not expected here): add them up.
      exact = exact.plus(m.cost);
      last.state = line(exact, start);
      continue;
    }
    exact = m.cost;
    if (last && last.end! < start)
      segments.push({
        start: last.end!,
        end: start,
        state: { units: ZERO, price: undefined, cost: undefined },
      });
    segments.push({
      start,
      end,
      state: line(m.cost, start),
    });
  }
  const tail = segments.at(-1);
  if (tail)
    segments.push({
      start: tail.end!,
      end: undefined,
      state: { units: ZERO, price: undefined, cost: undefined },
    });
  return normalizeSegments(segments);
}
