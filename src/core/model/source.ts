import type { Decimal } from '../money/decimal';
import type { Money } from '../money/money';
import type { BillingPeriod } from '../time/billing-period';
import type { DateRange } from '../time/date-range';
import type { PlainDate } from '../time/plain-date';

/**
 * The normalized Microsoft CSP data every source (Partner Center API, recon/price-list files, later distributors)
 * produces. Vendor column names stop at the source edge; everything downstream speaks this model.
 */

/** Term of a commitment: ISO 8601 duration as Microsoft writes it. */
export type TermDuration = 'P1M' | 'P1Y' | 'P3Y';
/** How often the term is billed. */
export type BillingPlan = 'Monthly' | 'Annual' | 'Triennial' | 'OneTime';
export type Segment = 'Commercial' | 'Education' | 'Charity' | 'Government';

/** A Microsoft tenant of an end customer. `tenantId` is the lower-case GUID without any `org:` prefix. */
export interface SourceCustomer {
  tenantId: string;
  name: string;
  /** e.g. `contoso.onmicrosoft.com`; empty when the source does not say. */
  defaultDomain: string;
}

/**
 * The identity of a sellable offer: one price-list row family. Two lines with equal keys are the same PSA
 * product. `offerKeyText` gives its canonical string form.
 */
export interface OfferKey {
  productId: string;
  skuId: string;
  term: TermDuration;
  billingPlan: BillingPlan;
  segment: Segment;
  market: string;
  currency: string;
}

/** `CFQ7TTC0LCHC|0002|P1M|Monthly|Commercial|US|USD`. */
export function offerKeyText(k: OfferKey): string {
  return [k.productId, k.skuId, k.term, k.billingPlan, k.segment, k.market, k.currency].join('|');
}

/**
 * The SKU code of spec/behaviour.md section 1: `ProductId:SkuId`, prefixed `P1Y:M:` (annual term, monthly
 * billing) or `P1Y:A:` (annual term, annual billing); monthly/monthly has no prefix. Three-year terms follow the
 * same pattern (`P3Y:M:`, `P3Y:A:`, `P3Y:T:` for triennial billing).
 */
export function skuCode(k: Pick<OfferKey, 'productId' | 'skuId' | 'term' | 'billingPlan'>): string {
  const base = `${k.productId}:${k.skuId}`;
  if (k.term === 'P1M') return base;
  const plan =
    k.billingPlan === 'Monthly'
      ? 'M'
      : k.billingPlan === 'Annual'
        ? 'A'
        : k.billingPlan === 'Triennial'
          ? 'T'
          : 'O';
  return `${k.term}:${plan}:${base}`;
}

/** One price-list row: the cost and the retail of an offer over a validity window. */
export interface PriceListEntry {
  offer: OfferKey;
  productTitle: string;
  skuTitle: string;
  /** What the partner pays Microsoft per unit per billing-plan period (price list UnitPrice). */
  cost: Money;
  /** Microsoft's estimated retail (ERP Price) per unit per billing-plan period. */
  retail: Money;
  /** Half-open validity window; `end` undefined = open-ended. */
  effective: { start: PlainDate; end: PlainDate | undefined };
  unitOfMeasure: string;
  tags: readonly string[];
}

export interface InvoiceHeader {
  /** Microsoft invoice number, e.g. `G002297372`. */
  id: string;
  /** The calendar month the invoice's charges belong to. */
  billingPeriod: BillingPeriod;
  issueDate: PlainDate;
  currency: string;
  /** How billingPeriod/issueDate were learned: stated by the source, or inferred by an import (and printed). */
  datesFrom: 'source' | 'inferred' | 'user';
}

/** What kind of charge an invoice line is, for the sync rules of spec section 6. */
export type InvoiceLineKind = 'license' | 'azure_usage' | 'one_time' | 'credit';

/** Microsoft's ChargeType, lower-cased; unknown values are kept as they came. */
export type ChargeType =
  | 'new'
  | 'renew'
  | 'cyclecharge'
  | 'addquantity'
  | 'removequantity'
  | 'cancel'
  | 'cancelimmediate'
  | 'convert'
  | 'customercredit'
  | 'trialconversion'
  | 'usage'
  | (string & {});

/**
 * One normalized invoice line. For license lines Microsoft keeps Quantity positive and puts the sign in the
 * amount: `quantity` here is already **signed** (negative when Subtotal is negative: a reversal).
 */
export interface InvoiceLine {
  invoiceId: string;
  /** Position of the line in its invoice (1-based, the file row order or API order): keeps sorting stable. */
  lineNumber: number;
  customerTenantId: string;
  customerName: string;
  customerDomain: string;
  subscriptionId: string;
  offer: OfferKey;
  productTitle: string;
  skuTitle: string;
  chargeType: ChargeType;
  kind: InvoiceLineKind;
  /** Half-open: Microsoft's inclusive ChargeEndDate + 1 day. */
  chargePeriod: DateRange;
  /** Signed: positive for a charge, negative for a reversal/credit (sign taken from Subtotal). */
  quantity: Decimal;
  /** List price per unit per billing-plan period (UnitPrice). */
  unitPrice: Money;
  /** Price after discounts, prorated for the charge period (EffectiveUnitPrice). */
  effectiveUnitPrice: Money;
  /** Pre-tax amount as Microsoft computed it (signed). */
  subtotal: Money;
  /** Term of the subscription when the source says (SubscriptionStartDate..SubscriptionEndDate, half-open). */
  subscriptionTerm: DateRange | undefined;
  /** The date of the billing event (OrderDate), when known. */
  orderDate: PlainDate | undefined;
}

/**
 * One day of Azure plan usage for one meter (the daily-rated usage file). Summed per customer and month into
 * the Azure line of the invoice sync.
 */
export interface AzureUsageLine {
  invoiceId: string;
  lineNumber: number;
  customerTenantId: string;
  customerName: string;
  /** The Azure plan subscription (Partner Center id). */
  subscriptionId: string;
  /** The Azure subscription the usage belongs to (EntitlementId). */
  entitlementId: string;
  usageDate: PlainDate;
  meterId: string;
  meterName: string;
  meterCategory: string;
  quantity: Decimal;
  unitPrice: Money;
  effectiveUnitPrice: Money;
  /** What the partner pays for this usage (BillingPreTaxTotal), in the billing currency. */
  cost: Money;
}
