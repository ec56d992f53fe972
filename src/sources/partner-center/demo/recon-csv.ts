import { type Decimal, decimalFixed, decimalText } from '../../../core/money';
import { firstDayOf, type PlainDate } from '../../../core/time';
import { usDate } from '../files/dates';
import { AZURE_PLAN } from './catalog';
import { csvRecord } from './csv-text';
import type { DemoPartner } from './partner';
import type { DemoAzureLine } from './simulate-azure';
import type { DemoLicenseLine } from './simulate-licenses';

/** The 46 columns of the NCE billed invoice reconciliation file, in Microsoft's order (csp-billing.md 2.1). */
export const RECON_CSV_COLUMNS = [
  'PartnerId',
  'CustomerId',
  'CustomerName',
  'CustomerDomainName',
  'CustomerCountry',
  'InvoiceNumber',
  'MpnId',
  'ResellerMpnId',
  'OrderId',
  'OrderDate',
  'ProductId',
  'SkuId',
  'AvailabilityId',
  'SkuName',
  'ProductName',
  'ChargeType',
  'UnitPrice',
  'Quantity',
  'Subtotal',
  'TaxTotal',
  'Total',
  'Currency',
  'PriceAdjustmentDescription',
  'PublisherName',
  'PublisherId',
  'SubscriptionDescription',
  'SubscriptionId',
  'ChargeStartDate',
  'ChargeEndDate',
  'TermAndBillingCycle',
  'EffectiveUnitPrice',
  'UnitType',
  'AlternateId',
  'BillableQuantity',
  'BillingFrequency',
  'PricingCurrency',
  'PCToBCExchangeRate',
  'PCToBCExchangeRateDate',
  'MeterDescription',
  'ReservationOrderId',
  'CreditReasonCode',
  'SubscriptionStartDate',
  'SubscriptionEndDate',
  'ReferenceId',
  'ProductQualifiers',
  'PromotionId',
] as const;

export type ReconCsvColumn = (typeof RECON_CSV_COLUMNS)[number];

const money = (d: Decimal) => decimalFixed(d, 2);
/** The US-English date-time Microsoft's CSV downloads use for OrderDate. */
const usMidnight = (d: PlainDate) => `${usDate(d)} 12:00:00 AM`;

const TERM_TEXT: Record<string, string> = {
  P1M: 'One-Month commitment for monthly billing',
  P1Y: 'One-Year commitment for monthly/yearly billing',
};

function common(
  partner: DemoPartner,
  invoiceId: string,
  customer: DemoLicenseLine['subscription']['customer'],
) {
  return {
    PartnerId: partner.id,
    CustomerId: customer.tenantId,
    CustomerName: customer.name,
    CustomerDomainName: customer.domain,
    CustomerCountry: customer.country,
    InvoiceNumber: invoiceId,
    MpnId: partner.mpnId,
    ResellerMpnId: '0',
    Currency: 'USD',
    PricingCurrency: 'USD',
    PCToBCExchangeRate: '1',
    TaxTotal: '0.00',
  };
}

/** A license line as a recon CSV line. BillingFrequency is blank for annual billing, as Microsoft leaves it. */
export function licenseRecord(partner: DemoPartner, invoiceId: string, l: DemoLicenseLine): string {
  const sub = l.subscription;
  return csvRecord<ReconCsvColumn>(RECON_CSV_COLUMNS, {
    ...common(partner, invoiceId, sub.customer),
    OrderId: `${sub.id.replace(/-/g, '').slice(0, 20)}${l.referenceId.replace(/-/g, '').slice(0, 13)}`,
    OrderDate: usMidnight(l.orderDate),
    ProductId: sub.sku.productId,
    SkuId: sub.sku.skuId,
    AvailabilityId: sub.sku.availabilityId,
    SkuName: sub.sku.title,
    ProductName: sub.sku.title,
    ChargeType: l.chargeType,
    UnitPrice: money(l.unitPrice),
    Quantity: String(l.quantity),
    Subtotal: money(l.subtotal),
    Total: money(l.subtotal),
    PriceAdjustmentDescription: '[]',
    PublisherName: 'Microsoft Corporation',
    SubscriptionDescription: sub.sku.title,
    SubscriptionId: sub.id,
    ChargeStartDate: usDate(l.chargeStart),
    ChargeEndDate: usDate(l.chargeEnd),
    TermAndBillingCycle: TERM_TEXT[sub.plan.term] ?? '',
    EffectiveUnitPrice: money(l.effectiveUnitPrice),
    UnitType: 'Licenses',
    AlternateId: l.referenceId.slice(0, 12),
    BillableQuantity: String(l.quantity),
    BillingFrequency: sub.plan.billingPlan === 'Monthly' ? 'Monthly' : '',
    PCToBCExchangeRateDate: usDate(firstDayOf(l.period)),
    SubscriptionStartDate: usDate(l.cycle.termStart),
    SubscriptionEndDate: usDate(l.cycle.termEnd),
    ReferenceId: l.referenceId,
  });
}

/** An Azure plan line (a meter's month for one customer) as a recon CSV line. */
export function azureRecord(partner: DemoPartner, invoiceId: string, l: DemoAzureLine): string {
  return csvRecord<ReconCsvColumn>(RECON_CSV_COLUMNS, {
    ...common(partner, invoiceId, l.plan.customer),
    OrderId: l.plan.id.replace(/-/g, '').slice(0, 24),
    OrderDate: usMidnight(l.periodStart),
    ProductId: AZURE_PLAN.productId,
    SkuId: AZURE_PLAN.skuId,
    AvailabilityId: AZURE_PLAN.availabilityId,
    SkuName: AZURE_PLAN.title,
    ProductName: AZURE_PLAN.title,
    ChargeType: 'usage',
    UnitPrice: decimalText(l.unitPrice),
    Quantity: '1',
    Subtotal: money(l.subtotal),
    Total: money(l.subtotal),
    PriceAdjustmentDescription: '[]',
    PublisherName: 'Microsoft Corporation',
    SubscriptionDescription: AZURE_PLAN.title,
    SubscriptionId: l.plan.id,
    ChargeStartDate: usDate(l.periodStart),
    ChargeEndDate: usDate(l.periodEnd),
    EffectiveUnitPrice: decimalText(l.unitPrice),
    UnitType: l.meter.unit,
    BillableQuantity: decimalText(l.quantity),
    PCToBCExchangeRateDate: usDate(l.periodStart),
    MeterDescription: `${l.meter.category} - ${l.meter.name}`,
  });
}
