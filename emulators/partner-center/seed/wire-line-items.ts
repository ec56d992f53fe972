import { camelName, RawNumber, wireDate, wireDecimal, wireList } from './wire-values';

type Cell = 'string' | 'int' | 'decimal' | 'date' | 'list';

/**
 * Recon CSV column -> API JSON name and type (csp-billing.md 2.1 / 2.5). Columns not listed become their camelCase
 * name as strings. Quirks: `Total` is `totalForCustomer` in JSON; the usage file's `Unit` is `unitOfMeasure`,
 * `Tier2MpnId` is `resellerMpnId` and the credit percentages are `rateOf...`.
 */
const BILLING: Record<string, [string, Cell]> = {
  ResellerMpnId: ['resellerMpnId', 'int'],
  OrderDate: ['orderDate', 'date'],
  UnitPrice: ['unitPrice', 'decimal'],
  Quantity: ['quantity', 'int'],
  Subtotal: ['subtotal', 'decimal'],
  TaxTotal: ['taxTotal', 'decimal'],
  Total: ['totalForCustomer', 'decimal'],
  ChargeStartDate: ['chargeStartDate', 'date'],
  ChargeEndDate: ['chargeEndDate', 'date'],
  EffectiveUnitPrice: ['effectiveUnitPrice', 'decimal'],
  BillableQuantity: ['billableQuantity', 'decimal'],
  PCToBCExchangeRate: ['pcToBCExchangeRate', 'decimal'],
  PCToBCExchangeRateDate: ['pcToBCExchangeRateDate', 'date'],
  SubscriptionStartDate: ['subscriptionStartDate', 'date'],
  SubscriptionEndDate: ['subscriptionEndDate', 'date'],
  ProductQualifiers: ['productQualifiers', 'list'],
};

const USAGE: Record<string, [string, Cell]> = {
  Tier2MpnId: ['resellerMpnId', 'int'],
  ChargeStartDate: ['chargeStartDate', 'date'],
  ChargeEndDate: ['chargeEndDate', 'date'],
  UsageDate: ['usageDate', 'date'],
  Unit: ['unitOfMeasure', 'string'],
  ResourceURI: ['resourceUri', 'string'],
  UnitPrice: ['unitPrice', 'decimal'],
  Quantity: ['quantity', 'decimal'],
  BillingPreTaxTotal: ['billingPreTaxTotal', 'decimal'],
  PricingPreTaxTotal: ['pricingPreTaxTotal', 'decimal'],
  EffectiveUnitPrice: ['effectiveUnitPrice', 'decimal'],
  PCToBCExchangeRate: ['pcToBCExchangeRate', 'decimal'],
  PCToBCExchangeRateDate: ['pcToBCExchangeRateDate', 'date'],
  PartnerEarnedCreditPercentage: ['rateOfPartnerEarnedCredit', 'decimal'],
  CreditPercentage: ['rateOfCredit', 'decimal'],
};

function cell(type: Cell, value: string | undefined, where: string): unknown {
  switch (type) {
    case 'string':
      return value ?? '';
    case 'int':
    case 'decimal':
      return wireDecimal(value, where);
    case 'date':
      return wireDate(value, where);
    case 'list':
      return wireList(value);
  }
}

function convert(
  record: Record<string, string>,
  table: Record<string, [string, Cell]>,
  where: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [header, value] of Object.entries(record)) {
    const key = header.trim();
    if (key === '') continue;
    const known =
      table[key] ?? Object.entries(table).find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1];
    const [name, type] = known ?? [camelName(key), 'string'];
    out[name] = cell(type, value, `${where}, column ${key}`);
  }
  return out;
}

/** One NCE recon CSV row as a `OneTimeInvoiceLineItem` of the v1 API. */
export function billingLineItem(record: Record<string, string>, where: string): Record<string, unknown> {
  return {
    ...convert(record, BILLING, where),
    invoiceLineItemType: 'billing_line_items',
    billingProvider: 'one_time',
    attributes: { objectType: 'OneTimeInvoiceLineItem' },
  };
}

/** One Azure plan daily-rated usage CSV row as a `DailyRatedUsageLineItem` of the v1 API. */
export function usageLineItem(record: Record<string, string>, where: string): Record<string, unknown> {
  const item = convert(record, USAGE, where);
  const pec = item.rateOfPartnerEarnedCredit;
  return {
    ...item,
    hasPartnerEarnedCredit: pec instanceof RawNumber && pec.text !== '0',
    invoiceLineItemType: 'usage_line_items',
    billingProvider: 'marketplace',
    attributes: { objectType: 'DailyRatedUsageLineItem' },
  };
}
