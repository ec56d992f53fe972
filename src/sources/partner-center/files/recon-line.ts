import type { BillingPlan, InvoiceLine, TermDuration } from '../../../core/model/source';
import { Money, parseDecimal, ZERO } from '../../../core/money';
import { fromInclusive, type PlainDate } from '../../../core/time';
import { type ColumnSpec, columnLabels, resolveColumns } from './columns';
import {
  MARKET_EXPECTED,
  normalizeSkuId,
  normalizeSubscriptionId,
  normalizeTenantId,
  SKU_EXPECTED,
  TENANT_EXPECTED,
} from './ids';
import { classifyLine } from './line-kind';
import { RowCursor } from './row-cursor';
import {
  billingPlanFromFrequency,
  FREQUENCY_EXPECTED,
  saysOneTime,
  TERM_EXPECTED,
  termFromText,
} from './term';
import { LICENSE_QUANTITY_BOUNDS } from './value-bounds';

/**
 * The columns of the NCE billed invoice reconciliation file ("OneTime" billing line items, csp-billing.md 2.1)
 * that normalization reads. The API's OneTimeInvoiceLineItem uses the same names in camelCase, which the
 * case-insensitive header match accepts as they are (see `reconLineFromRecord`).
 */
export const RECON_COLUMNS = [
  { name: 'CustomerId', required: true },
  { name: 'CustomerName', required: true },
  { name: 'CustomerDomainName', required: false },
  { name: 'CustomerCountry', required: true },
  { name: 'InvoiceNumber', required: true },
  { name: 'MpnId', aliases: ['MPNID'], required: false },
  { name: 'OrderDate', required: false },
  { name: 'ProductId', required: true },
  { name: 'SkuId', required: true },
  { name: 'SkuName', required: false },
  { name: 'ProductName', required: false },
  { name: 'ChargeType', required: true },
  { name: 'UnitPrice', required: true },
  { name: 'Quantity', required: true },
  { name: 'Subtotal', required: true },
  { name: 'Currency', required: true },
  { name: 'SubscriptionId', required: true },
  { name: 'ChargeStartDate', required: true },
  { name: 'ChargeEndDate', required: true },
  { name: 'TermAndBillingCycle', required: true },
  { name: 'EffectiveUnitPrice', required: true },
  { name: 'BillingFrequency', required: true },
  { name: 'PricingCurrency', required: false },
  { name: 'ReservationOrderId', required: false },
  { name: 'SubscriptionStartDate', required: false },
  { name: 'SubscriptionEndDate', required: false },
] as const satisfies readonly ColumnSpec[];

export type ReconColumn = (typeof RECON_COLUMNS)[number]['name'];

/** A cursor over the rows of a recon file with this header (throws when a needed column is missing). */
export function reconCursor(header: readonly string[], file: string): RowCursor<ReconColumn> {
  const index = resolveColumns(header, RECON_COLUMNS, file);
  return new RowCursor(file, index, columnLabels(header, index), header.length);
}

type Plan = { term: TermDuration; billingPlan: BillingPlan };

const saysTrial = (termText: string) => /\btrial\b/i.test(termText);

/** What TermAndBillingCycle and BillingFrequency mean for a row of this kind (csp-billing.md 2.1; term.ts). */
function termAndPlan(c: RowCursor<ReconColumn>, kind: InvoiceLine['kind'], oneTime: boolean): Plan {
  // Azure plan has no commitment; its consumption is billed monthly in arrears.
  if (kind === 'azure_usage') return AZURE_PLAN_TERM;
  const termText = c.text('TermAndBillingCycle');
  const frequency = c.text('BillingFrequency');
  if (kind === 'license') {
    const term = c.memo('term', termText, termFromText) ?? c.fail('TermAndBillingCycle', TERM_EXPECTED);
    const billingPlan =
      c.memo2('plan', frequency, term, planFromFrequency) ?? c.fail('BillingFrequency', FREQUENCY_EXPECTED);
    return planOf(term, billingPlan);
  }
  // one_time and credit rows: a term when the text names one, billed once unless the frequency says otherwise.
  const term = c.memo('term', termText, termFromText) ?? 'P1M';
  const billingPlan = oneTime
    ? 'OneTime'
    : (c.memo2('plan', frequency, term, planFromFrequency) ?? 'OneTime');
  return planOf(term, billingPlan);
}

const PLANS = new Map<string, Plan>();

/** One shared (immutable) object per term and plan, instead of one per row. */
function planOf(term: TermDuration, billingPlan: BillingPlan): Plan {
  const key = `${term} ${billingPlan}`;
  let plan = PLANS.get(key);
  if (plan === undefined) {
    plan = Object.freeze({ term, billingPlan });
    PLANS.set(key, plan);
  }
  return plan;
}

// The derivations below are memoized per text by the cursor; defined once so no closure is allocated per row.
const planFromFrequency = (frequency: string, term: string) =>
  billingPlanFromFrequency(frequency, term as TermDuration);
const upper = (text: string) => text.toUpperCase();
const lower = (text: string) => text.toLowerCase();
const saysOneTimeEither = (termText: string, frequency: string) =>
  saysOneTime(termText) || saysOneTime(frequency);
const marketOf = (country: string) => (/^[A-Za-z]{2}$/.test(country) ? country.toUpperCase() : undefined);
const rangeOf = (start: string, last: string) => fromInclusive(start as PlainDate, last as PlainDate);
/** Magnitude from Quantity (already checked against its bounds), sign from Subtotal. */
const signedQuantity = (quantity: string, sign: string) => {
  const magnitude = parseDecimal(quantity).abs();
  return sign === '-' ? magnitude.neg() : magnitude;
};

const AZURE_PLAN_TERM: Plan = { term: 'P1M', billingPlan: 'Monthly' };
const PRODUCT_EXPECTED = 'a product id such as CFQ7TTC0LCHC';
const CHARGE_TYPE_EXPECTED = 'a charge type such as cycleCharge or addQuantity';
const INVOICE_EXPECTED =
  'an invoice number such as G002297372 (unbilled rows have none and cannot be imported)';

/**
 * Normalizes the current row of a recon cursor (see csp-billing.md 2.1 and docs/vendors/microsoft-csp.md):
 * tenant id without `org:` and lower-cased; ChargeType lower-cased (unknown values kept); the inclusive
 * ChargeEndDate made half-open; quantity signed by Subtotal (Microsoft keeps Quantity positive: a negative
 * Subtotal is a reversal); market = CustomerCountry, segment Commercial, offer currency = PricingCurrency.
 * Values derived from repeated texts (ids, dates, plans) are memoized per file: a 100k-row file has few.
 */
export function reconLineFromRow(c: RowCursor<ReconColumn>, lineNumber: number): InvoiceLine {
  const invoiceId = c.required('InvoiceNumber', INVOICE_EXPECTED);
  const tenantText = c.text('CustomerId');
  const customerTenantId =
    c.memo('tenant', tenantText, normalizeTenantId) ?? c.fail('CustomerId', TENANT_EXPECTED);
  const productText = c.required('ProductId', PRODUCT_EXPECTED);
  const productId = c.memo('upper', productText, upper);
  const chargeText = c.required('ChargeType', CHARGE_TYPE_EXPECTED);
  const chargeType = c.memo('lower', chargeText, lower);
  const termText = c.text('TermAndBillingCycle');
  const frequency = c.text('BillingFrequency');
  const oneTime = c.memo2('oneTime', termText, frequency, saysOneTimeEither);
  const kind = classifyLine({
    productId,
    chargeType,
    oneTimeBilling: oneTime,
    reservation: c.text('ReservationOrderId') !== '',
    trial: c.memo('trial', termText, saysTrial),
  });
  const { term, billingPlan } = termAndPlan(c, kind, oneTime);
  const billingCurrency = c.currency('Currency');
  const pricingCurrency = c.text('PricingCurrency') === '' ? billingCurrency : c.currency('PricingCurrency');
  const countryText = c.text('CustomerCountry');
  const market = c.memo('market', countryText, marketOf) ?? c.fail('CustomerCountry', MARKET_EXPECTED);
  const start = c.date('ChargeStartDate').date;
  const last = c.date('ChargeEndDate').date;
  if (last < start) c.fail('ChargeEndDate', `a date on or after ChargeStartDate (${start})`);
  const subtotal = c.decimal('Subtotal');
  // Checks Quantity; the stored value is its magnitude signed by Subtotal (signedQuantity).
  c.bounded('Quantity', LICENSE_QUANTITY_BOUNDS);
  const negative = subtotal.lt(ZERO);
  const termStart = c.optionalDate('SubscriptionStartDate')?.date;
  const termLast = c.optionalDate('SubscriptionEndDate')?.date;
  if (termStart && termLast && termLast < termStart)
    c.fail('SubscriptionEndDate', `a date on or after SubscriptionStartDate (${termStart})`);
  const subscriptionText = c.required('SubscriptionId', 'the subscription id (GUID)');
  return {
    invoiceId,
    lineNumber,
    customerTenantId,
    customerName: c.required('CustomerName', 'the customer name'),
    customerDomain: c.text('CustomerDomainName'),
    subscriptionId: c.memo('subscription', subscriptionText, normalizeSubscriptionId),
    offer: {
      productId,
      skuId: normalizeSkuId(c.required('SkuId', SKU_EXPECTED)),
      term,
      billingPlan,
      segment: 'Commercial',
      market,
      currency: pricingCurrency,
    },
    productTitle: c.text('ProductName'),
    skuTitle: c.text('SkuName'),
    chargeType,
    kind,
    chargePeriod: c.memo2('range', start, last, rangeOf),
    // Magnitude from Quantity, sign from Subtotal (memoized: the signed value of a text is always the same).
    quantity: c.memo2('signed', c.text('Quantity'), negative ? '-' : '+', signedQuantity),
    unitPrice: Money.of(c.decimal('UnitPrice'), pricingCurrency),
    effectiveUnitPrice: Money.of(c.decimal('EffectiveUnitPrice'), pricingCurrency),
    subtotal: Money.of(subtotal, billingCurrency),
    subscriptionTerm: termStart && termLast ? c.memo2('range', termStart, termLast, rangeOf) : undefined,
    orderDate: c.optionalDate('OrderDate')?.date,
  };
}

/**
 * The same normalization for one record of the Partner Center API (`OneTimeInvoiceLineItem` JSON: camelCase
 * names, numbers as JSON numbers): so the API and the file give identical records. `source` names the record in
 * error messages (e.g. `invoice G000123 line items`).
 */
export function reconLineFromRecord(
  record: Readonly<Record<string, unknown>>,
  lineNumber: number,
  source: string,
): InvoiceLine {
  const header = Object.keys(record);
  const fields = header.map((k) => {
    const v = record[k];
    return v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  });
  return reconLineFromRow(reconCursor(header, source).at(fields, lineNumber), lineNumber);
}
