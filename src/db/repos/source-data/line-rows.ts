import type {
  AzureUsageLine,
  BillingPlan,
  InvoiceLine,
  InvoiceLineKind,
  Segment,
  TermDuration,
} from '../../../core/model/source';
import { type Decimal, decimalText, Money, parseDecimal } from '../../../core/money';
import type { PlainDate } from '../../../core/time';
import { copyValue } from './copy-text';

/** Columns of invoice_lines after (workspace_id, invoice_id), in COPY order. */
export const LINE_COLUMNS = [
  'line_number',
  'customer_tenant_id',
  'customer_name',
  'customer_domain',
  'subscription_id',
  'product_id',
  'sku_id',
  'term',
  'billing_plan',
  'segment',
  'market',
  'pricing_currency',
  'product_title',
  'sku_title',
  'charge_type',
  'kind',
  'charge_start',
  'charge_end',
  'quantity',
  'unit_price',
  'effective_unit_price',
  'subtotal',
  'billing_currency',
  'term_start',
  'term_end',
  'order_date',
] as const;

const decimalTexts = new WeakMap<Decimal, string>();

/** Canonical text of a decimal, cached per value object (parsers share one object per distinct text). */
function num(d: Decimal): string {
  let text = decimalTexts.get(d);
  if (text === undefined) {
    text = decimalText(d);
    decimalTexts.set(d, text);
  }
  return text;
}

const NULL = '\\N';
const opt = (v: string | undefined) => (v === undefined ? NULL : v);

/**
 * The stored content of a line in COPY text: also what the invoice's content hash is computed over. Free-text
 * values are escaped; the others (validated GUIDs, enums, dates, numbers) cannot hold a tab or a backslash.
 */
export function encodeLine(l: InvoiceLine): string {
  const o = l.offer;
  return `${l.lineNumber}\t${l.customerTenantId}\t${copyValue(l.customerName)}\t${copyValue(l.customerDomain)}\t${copyValue(l.subscriptionId)}\t${copyValue(o.productId)}\t${copyValue(o.skuId)}\t${o.term}\t${o.billingPlan}\t${o.segment}\t${copyValue(o.market)}\t${o.currency}\t${copyValue(l.productTitle)}\t${copyValue(l.skuTitle)}\t${copyValue(l.chargeType)}\t${l.kind}\t${l.chargePeriod.start}\t${l.chargePeriod.end}\t${num(l.quantity)}\t${num(l.unitPrice.amount)}\t${num(l.effectiveUnitPrice.amount)}\t${num(l.subtotal.amount)}\t${l.subtotal.currency}\t${opt(l.subscriptionTerm?.start)}\t${opt(l.subscriptionTerm?.end)}\t${opt(l.orderDate)}`;
}

/** A row of invoice_lines as node-postgres returns it (numeric and date as strings). */
export type LineRow = { invoice_id: string } & Record<(typeof LINE_COLUMNS)[number], string> & {
    line_number: number;
    term_start: string | null;
    term_end: string | null;
    order_date: string | null;
  };

export function decodeLine(r: LineRow): InvoiceLine {
  return {
    invoiceId: r.invoice_id,
    lineNumber: r.line_number,
    customerTenantId: r.customer_tenant_id,
    customerName: r.customer_name,
    customerDomain: r.customer_domain,
    subscriptionId: r.subscription_id,
    offer: {
      productId: r.product_id,
      skuId: r.sku_id,
      term: r.term as TermDuration,
      billingPlan: r.billing_plan as BillingPlan,
      segment: r.segment as Segment,
      market: r.market,
      currency: r.pricing_currency,
    },
    productTitle: r.product_title,
    skuTitle: r.sku_title,
    chargeType: r.charge_type,
    kind: r.kind as InvoiceLineKind,
    chargePeriod: { start: r.charge_start as PlainDate, end: r.charge_end as PlainDate },
    quantity: parseDecimal(r.quantity),
    unitPrice: Money.of(r.unit_price, r.pricing_currency),
    effectiveUnitPrice: Money.of(r.effective_unit_price, r.pricing_currency),
    subtotal: Money.of(r.subtotal, r.billing_currency),
    subscriptionTerm:
      r.term_start && r.term_end
        ? { start: r.term_start as PlainDate, end: r.term_end as PlainDate }
        : undefined,
    orderDate: (r.order_date ?? undefined) as PlainDate | undefined,
  };
}

/** Columns of azure_usage_lines after (workspace_id, invoice_id), in COPY order. */
export const USAGE_COLUMNS = [
  'line_number',
  'customer_tenant_id',
  'customer_name',
  'subscription_id',
  'entitlement_id',
  'usage_date',
  'meter_id',
  'meter_name',
  'meter_category',
  'quantity',
  'unit_price',
  'effective_unit_price',
  'pricing_currency',
  'cost',
  'billing_currency',
] as const;

export function encodeUsage(u: AzureUsageLine): string {
  return `${u.lineNumber}\t${u.customerTenantId}\t${copyValue(u.customerName)}\t${copyValue(u.subscriptionId)}\t${copyValue(u.entitlementId)}\t${u.usageDate}\t${copyValue(u.meterId)}\t${copyValue(u.meterName)}\t${copyValue(u.meterCategory)}\t${num(u.quantity)}\t${num(u.unitPrice.amount)}\t${num(u.effectiveUnitPrice.amount)}\t${u.unitPrice.currency}\t${num(u.cost.amount)}\t${u.cost.currency}`;
}

export type UsageRow = { invoice_id: string } & Record<(typeof USAGE_COLUMNS)[number], string> & {
    line_number: number;
  };

export function decodeUsage(r: UsageRow): AzureUsageLine {
  return {
    invoiceId: r.invoice_id,
    lineNumber: r.line_number,
    customerTenantId: r.customer_tenant_id,
    customerName: r.customer_name,
    subscriptionId: r.subscription_id,
    entitlementId: r.entitlement_id,
    usageDate: r.usage_date as PlainDate,
    meterId: r.meter_id,
    meterName: r.meter_name,
    meterCategory: r.meter_category,
    quantity: parseDecimal(r.quantity),
    unitPrice: Money.of(r.unit_price, r.pricing_currency),
    effectiveUnitPrice: Money.of(r.effective_unit_price, r.pricing_currency),
    cost: Money.of(r.cost, r.billing_currency),
  };
}
