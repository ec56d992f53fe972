import type { BillingPlan, PriceListEntry, TermDuration } from '../../core/model/source';
import { type Decimal, Money, ZERO } from '../../core/money';
import type { PlainDate } from '../../core/time';
import { billingPlanOf, commitmentMonthsOf, type OfferProduct, pax8Offer, planMonths, termOf } from './terms';
import type { WirePricing, WireProduct } from './wire-types';
import { normalizeGuid, optionalDecimal, protocol } from './wire-values';

/** A Pax8 product as the mapping needs it. */
export interface CatalogProduct extends OfferProduct {
  name: string;
  vendorName: string;
}

export function productFromWire(p: WireProduct): CatalogProduct {
  const id = normalizeGuid(p.id);
  if (!id) throw protocol(`product ${JSON.stringify(p.id)}: the id is not a GUID`);
  return {
    id,
    sku: (p.sku ?? '').trim(),
    name: (p.name ?? '').trim(),
    vendorName: (p.vendorName ?? '').trim(),
  };
}

/** A pricing row billsync did not turn into a price-list entry, and why. */
export interface SkippedPricing {
  productId: string;
  productName: string;
  billingTerm: string;
  commitment: string;
  reason: string;
}

/** One pricing row, read: its plan, term, and the first tier's rates. */
interface ReadRow {
  row: WirePricing;
  billingPlan: BillingPlan;
  term: TermDuration;
  cost: Decimal;
  retail: Decimal;
  tiers: number;
}

/** Azure plan and other usage containers are billed from the invoice's usage, never from a price list row. */
export function isUsageContainer(
  product: Pick<CatalogProduct, 'name'>,
  rows: readonly WirePricing[],
): boolean {
  const zero = rows.every((r) =>
    (r.rates ?? []).every(
      (x) =>
        (optionalDecimal(x.partnerBuyRate, 'rate') ?? ZERO).eq(0) &&
        (optionalDecimal(x.suggestedRetailPrice, 'rate') ?? ZERO).eq(0),
    ),
  );
  return zero && /\bazure\b/i.test(product.name);
}

/**
 * The multiplier that turns a rate of a row billed per `plan` into the price of one whole plan period.
 * [UNVERIFIED whether Pax8 states an annual-billed row's rate per year or per month.] Detected against the
 * product's monthly-billed row: a rate about as large as the monthly one is a per-month figure (x 12 for annual
 * billing), one about 12 times larger is per year; without a monthly row to compare, it is taken as written (per
 * plan period, as Microsoft's price list states it).
 */
function periodMultiplier(
  rate: Decimal,
  plan: BillingPlan,
  monthly: Decimal | undefined,
  term: TermDuration,
) {
  const months = planMonths(plan, term);
  if (months === 1 || monthly === undefined || monthly.lte(0) || rate.lte(0)) return 1;
  const ratio = Number(rate.div(monthly).toFixed(6));
  const candidates = [1, 12, months].filter((k) => k <= months);
  let best = months;
  for (const k of candidates) if (Math.abs(Math.log(ratio / k)) < Math.abs(Math.log(ratio / best))) best = k;
  return months / best;
}

/**
 * Products and their pricing rows -> price-list entries (cost = partner buy rate, retail = suggested retail price,
 * per unit per billing-plan period), one per product x billing term x commitment. Pax8's price list has no
 * currency (the partner's currency is passed in) and no validity dates: the entries run from `effectiveFrom`,
 * open-ended (the caller stores a later change from the day it was read). Tiered rates: the first tier (lowest
 * start quantity), tagged `tiered`. Rows billsync cannot use are returned in `skipped` with the reason.
 */
export function priceListFromWire(
  product: CatalogProduct,
  rows: readonly WirePricing[],
  options: { currency: string; effectiveFrom: PlainDate },
): { entries: PriceListEntry[]; skipped: SkippedPricing[] } {
  const skipped: SkippedPricing[] = [];
  const entries: PriceListEntry[] = [];
  const skip = (row: WirePricing, reason: string) =>
    skipped.push({
      productId: product.id,
      productName: product.name,
      billingTerm: row.billingTerm ?? '',
      commitment: commitmentText(row),
      reason,
    });
  if (isUsageContainer(product, rows)) {
    for (const row of rows) skip(row, 'a usage product: billed from the invoice usage (Azure plan)');
    return { entries, skipped };
  }
  const read: ReadRow[] = [];
  for (const row of rows) {
    const billingPlan = billingPlanOf(row.billingTerm);
    if (!billingPlan) {
      skip(row, `billing term ${JSON.stringify(row.billingTerm ?? '')} has no billsync billing plan`);
      continue;
    }
    const months = commitmentMonthsOf(
      optionalDecimal(row.commitmentTermInMonths, `product ${product.id} commitmentTermInMonths`),
      commitmentText(row),
    );
    const term = months === undefined ? undefined : termOf(months, billingPlan);
    if (!term) {
      skip(
        row,
        `commitment ${JSON.stringify(commitmentText(row))} has no billsync term (1 month, 1 year, 3 years)`,
      );
      continue;
    }
    const rates = [...(row.rates ?? [])].sort((a, b) =>
      (optionalDecimal(a.startQuantityRange, 'start') ?? ZERO).cmp(
        optionalDecimal(b.startQuantityRange, 'start') ?? ZERO,
      ),
    );
    const first = rates[0];
    if (!first) {
      skip(row, 'no rates');
      continue;
    }
    const cost = optionalDecimal(first.partnerBuyRate, `product ${product.id} partnerBuyRate`);
    const retail = optionalDecimal(first.suggestedRetailPrice, `product ${product.id} suggestedRetailPrice`);
    if (cost === undefined || retail === undefined) {
      skip(row, 'the rate has no partner buy rate or suggested retail price');
      continue;
    }
    read.push({ row, billingPlan, term, cost, retail, tiers: rates.length });
  }
  for (const r of read) {
    const monthly =
      read.find((x) => x.billingPlan === 'Monthly' && x.term === r.term) ??
      read.find((x) => x.billingPlan === 'Monthly');
    const k = periodMultiplier(r.cost, r.billingPlan, monthly?.cost, r.term);
    const offer = pax8Offer(product, { term: r.term, billingPlan: r.billingPlan }, options.currency);
    const flat = /flat/i.test(r.row.rates?.[0]?.chargeType ?? '') || /flat/i.test(r.row.type ?? '');
    const tags = [
      'pax8',
      ...(r.tiers > 1 ? ['tiered'] : []),
      ...(flat ? ['flat'] : []),
      ...(k !== 1 ? [`rate-per-month-x${k}`] : []),
    ];
    entries.push({
      offer,
      productTitle: product.name,
      skuTitle: product.name,
      cost: Money.of(r.cost.times(k), options.currency),
      retail: Money.of(r.retail.times(k), options.currency),
      effective: { start: options.effectiveFrom, end: undefined },
      unitOfMeasure: (r.row.unitOfMeasurement ?? '').trim() || 'Each',
      tags,
    });
  }
  return { entries, skipped };
}

function commitmentText(row: WirePricing): string {
  const c = row.commitmentTerm;
  if (c === null || c === undefined) return '';
  return typeof c === 'string' ? c : (c.term ?? '');
}
