import { type OfferKey, type Segment, skuCode } from '../model/source';
import { type Decimal, dec, ONE, ZERO } from '../money/decimal';
import { type PriceSpan, valueOn } from '../planner/pricing';
import { addDays, type PlainDate } from '../time/plain-date';

/**
 * Price rules (issue 16, spec section 9; decision 0013): a rule sets the retail price of an offer for a customer
 * from the price list's cost or its list retail (ERP). Pure: the planner gets the rules with its other inputs.
 */

/** What the rule starts from: the price list's cost (UnitPrice) or its list retail (ERP Price). */
export type RuleBasis = 'cost' | 'retail';

export type RuleMethod =
  /** basis x (1 + percent / 100) */
  | { kind: 'markup'; percent: Decimal }
  /** basis / (1 - percent / 100): the margin is `percent` of the resulting price (percent < 100). */
  | { kind: 'margin'; percent: Decimal }
  /** basis + amount (per unit per billing period; may be negative) */
  | { kind: 'amount'; amount: Decimal }
  /** this price, whatever the basis */
  | { kind: 'fixed'; price: Decimal };

/**
 * Which offers a rule covers, from the most specific: one SKU (`CFQ7TTC0LCHC:0002`, every term and billing plan
 * of it; `P1Y:A:CFQ7TTC0LCHC:0002` only the annual-term, annual-billed one), one product (`CFQ7TTC0LCHC`), a product family (offers whose product title starts with the text, e.g.
 * `Microsoft 365`), a segment (Commercial, Education, Charity, Government), or all offers.
 */
export type RuleOffers =
  | { kind: 'sku'; sku: string }
  | { kind: 'product'; productId: string }
  | { kind: 'family'; title: string }
  | { kind: 'segment'; segment: Segment }
  | { kind: 'all' };

/** How the result is rounded: to the cent (half up), or up to the next price point ending in .x9 or .99. */
export type RuleRounding = 'cent' | 'x9' | '99';

export interface PriceRule {
  id: string;
  /** One customer (tenant id) or every customer (undefined). */
  customerTenantId: string | undefined;
  offers: RuleOffers;
  basis: RuleBasis;
  method: RuleMethod;
  rounding: RuleRounding;
  /** First day the rule may apply (inclusive). */
  validFrom: PlainDate;
  /** Last day it applies (inclusive); undefined = open-ended. */
  validTo: PlainDate | undefined;
  /** The stated order that breaks ties between equally specific rules: lower first. */
  position: number;
}

/** What a rule sees of an offer. */
export interface RuleOffer {
  offer: Pick<OfferKey, 'productId' | 'skuId' | 'segment'> & Partial<Pick<OfferKey, 'term' | 'billingPlan'>>;
  productTitle: string;
}

/** A SKU code with its term prefix (`P1Y:A:CFQ7TTC0LCHC:0002`): it names one term and billing plan only. */
const PREFIXED = /^[A-Z0-9]+:[A-Z]:/i;

const OFFER_RANK: Record<RuleOffers['kind'], number> = { sku: 4, product: 3, family: 2, segment: 1, all: 0 };

/** How narrow a rule's offers are: a prefixed SKU code (one term and plan) above a SKU code (every term). */
function offerRank(r: PriceRule): number {
  return r.offers.kind === 'sku' && PREFIXED.test(r.offers.sku)
    ? OFFER_RANK.sku + 1
    : OFFER_RANK[r.offers.kind];
}

/** Does the rule cover this customer and offer (dates aside)? */
export function ruleCovers(rule: PriceRule, tenantId: string | undefined, o: RuleOffer): boolean {
  if (rule.customerTenantId !== undefined && rule.customerTenantId !== tenantId) return false;
  const s = rule.offers;
  switch (s.kind) {
    case 'sku':
      // `CFQ7TTC0LCHC:0002` covers every term and billing plan of the SKU; the spec's prefixed SKU code
      // (`P1Y:A:CFQ7TTC0LCHC:0002`, section 1) only its own (monthly-term codes have no prefix).
      if (PREFIXED.test(s.sku))
        return (
          o.offer.term !== undefined &&
          o.offer.billingPlan !== undefined &&
          s.sku.toUpperCase() ===
            skuCode({ ...o.offer, term: o.offer.term, billingPlan: o.offer.billingPlan }).toUpperCase()
        );
      return s.sku.toUpperCase() === `${o.offer.productId}:${o.offer.skuId}`.toUpperCase();
    case 'product':
      return s.productId.toUpperCase() === o.offer.productId.toUpperCase();
    case 'family':
      return o.productTitle.toLowerCase().startsWith(s.title.trim().toLowerCase());
    case 'segment':
      return s.segment === o.offer.segment;
    case 'all':
      return true;
  }
}

/** Is the rule in force on `day`? */
export function ruleValidOn(rule: PriceRule, day: PlainDate): boolean {
  return rule.validFrom <= day && (rule.validTo === undefined || day <= rule.validTo);
}

/**
 * Orders rules from the one that wins: a customer's own rule before a rule for every customer; then the narrower
 * offers (prefixed SKU code, SKU, product, family, segment, all); then the stated order (position); then the later start; then id.
 */
export function compareSpecificity(a: PriceRule, b: PriceRule): number {
  const customer = Number(b.customerTenantId !== undefined) - Number(a.customerTenantId !== undefined);
  if (customer !== 0) return customer;
  const offers = offerRank(b) - offerRank(a);
  if (offers !== 0) return offers;
  if (a.position !== b.position) return a.position - b.position;
  if (a.validFrom !== b.validFrom) return a.validFrom > b.validFrom ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The rule that sets the price of the offer for the customer on `day`, or undefined (the list retail stands). */
export function winningRule(
  rules: readonly PriceRule[],
  tenantId: string | undefined,
  o: RuleOffer,
  day: PlainDate,
): PriceRule | undefined {
  let best: PriceRule | undefined;
  for (const r of rules) {
    if (!ruleValidOn(r, day) || !ruleCovers(r, tenantId, o)) continue;
    if (best === undefined || compareSpecificity(r, best) < 0) best = r;
  }
  return best;
}

const CENT = dec('0.01');

/** Rounds a price: to the cent (half up), or up to the smallest price point >= it ending in .x9 / .99. */
export function roundPrice(value: Decimal, rounding: RuleRounding): Decimal {
  const cents = value.round(2, 1);
  if (rounding === 'cent') return cents;
  // Price points are for positive prices; a zero or negative result stays at the cent.
  if (cents.lte(ZERO)) return cents;
  const step = rounding === 'x9' ? dec('0.1') : ONE;
  // The smallest multiple of `step` strictly above `cents`, minus a cent: 23.43 -> 23.49 (x9) / 23.99 (99).
  const above = cents.plus(CENT).div(step).round(0, 3).times(step);
  return above.minus(CENT);
}

/** The price a rule gives from the offer's cost and list retail, rounded. */
export function applyRule(
  rule: Pick<PriceRule, 'basis' | 'method' | 'rounding'>,
  cost: Decimal,
  retail: Decimal,
) {
  const basis = rule.basis === 'cost' ? cost : retail;
  const m = rule.method;
  let value: Decimal;
  switch (m.kind) {
    case 'markup':
      value = basis.times(ONE.plus(m.percent.div(100)));
      break;
    case 'margin':
      value = basis.div(ONE.minus(m.percent.div(100)));
      break;
    case 'amount':
      value = basis.plus(m.amount);
      break;
    case 'fixed':
      value = m.price;
      break;
  }
  return roundPrice(value, rule.rounding);
}

/**
 * The retail spans of one offer for one customer under the rules: the price list's spans cut at every rule's
 * start and end, each piece priced by its winning rule (or the list retail where none applies). `cost` and
 * `retail` are the price list's spans of the offer, oldest first; the result is oldest first and the planner
 * takes each period's price from its first day (rules never prorate: spec section 6 price changes).
 */
export function ruledRetailSpans(
  rules: readonly PriceRule[],
  tenantId: string | undefined,
  o: RuleOffer,
  cost: readonly PriceSpan[],
  retail: readonly PriceSpan[],
): PriceSpan[] {
  const mine = rules.filter((r) => ruleCovers(r, tenantId, o));
  if (mine.length === 0) return [...retail];
  const cuts = new Set<PlainDate>();
  for (const s of [...cost, ...retail]) {
    cuts.add(s.start);
    if (s.end !== undefined) cuts.add(s.end);
  }
  for (const r of mine) {
    cuts.add(r.validFrom);
    if (r.validTo !== undefined) cuts.add(addDays(r.validTo, 1));
  }
  const days = [...cuts].sort();
  const out: PriceSpan[] = [];
  for (const [i, start] of days.entries()) {
    const end = days[i + 1];
    const c = valueOn(cost, start);
    const r = valueOn(retail, start);
    if (c === undefined || r === undefined) continue;
    const rule = winningRule(mine, tenantId, o, start);
    const value = rule ? applyRule(rule, c, r) : r;
    const last = out.at(-1);
    if (last && last.end === start && last.value.eq(value)) last.end = end;
    else out.push({ start, end, value });
  }
  return out;
}
