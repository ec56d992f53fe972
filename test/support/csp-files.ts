import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TermDuration } from '../../src/core/model/source';
import { type Decimal, dec, decimalFixed } from '../../src/core/money/decimal';
import { addDays, addMonths, parsePlainDate } from '../../src/core/time/plain-date';
import { AZURE_PLAN } from '../../src/sources/partner-center/demo/catalog';
import { csvLine, csvRecord } from '../../src/sources/partner-center/demo/csv-text';
import { cyclesOf, licenseSubtotal, proratedUnitPrice } from '../../src/sources/partner-center/demo/cycles';
import { PRICE_LIST_CSV_COLUMNS } from '../../src/sources/partner-center/demo/price-list-csv';
import { RECON_CSV_COLUMNS } from '../../src/sources/partner-center/demo/recon-csv';
import { usDate } from '../../src/sources/partner-center/files/dates';
import {
  AZURE_PLAN_OFFER,
  BUSINESS_PREMIUM,
  CONTOSO,
  type CustomerSpec,
  guidOf,
  type OfferSpec,
  PARTNER,
} from './csp-specs';

export * from './csp-specs';
export * from './csp-usage-file';

/**
 * Microsoft-format CSP files from compact specs, for CLI scenarios: the NCE billed invoice reconciliation
 * CSV, the Azure plan daily rated usage CSV (csp-usage-file.ts) and the NCE license-based price list CSV.
 * Columns and CSV writing are the demo generator's; what a scenario does not care about gets a realistic
 * default. Dates in specs are YYYY-MM-DD; the files carry Microsoft's US dates.
 */

const TERM_TEXT: Record<TermDuration, string> = {
  P1M: 'One-Month commitment for monthly billing',
  P1Y: 'One-Year commitment for monthly/yearly billing',
  P3Y: 'Three-Year commitment for monthly/triennial billing',
};

export interface ReconLineSpec {
  customer?: CustomerSpec;
  offer?: OfferSpec;
  /** Default: one subscription per customer and offer. */
  subscriptionId?: string;
  /** new, renew, cycleCharge (default), addQuantity, removeQuantity, cancelImmediate, usage (Azure). */
  chargeType?: string;
  /** The cycle's unit price (cost). */
  unitPrice: string;
  /** Positive, as Microsoft writes it. */
  quantity: number;
  /** A reversal: the subtotal is negative. */
  reversal?: boolean;
  /** Inclusive charge period, as Microsoft writes it. */
  chargeStart: string;
  chargeEnd: string;
  /** Default: the charge start (so the charge period is a whole cycle). Anchors the cycles. */
  subscriptionStart?: string;
  /** Inclusive term end; default: the end of the term the charge start falls in. */
  subscriptionEnd?: string;
  /** Default: the unit price prorated from the charge start to its cycle's end (Microsoft's rounding). */
  effectiveUnitPrice?: string;
  /** Default: ROUNDDOWN(effective unit price, 2) x quantity, negated for a reversal. */
  subtotal?: string;
  orderDate?: string;
  currency?: string;
}

function reconRecord(invoiceNumber: string, s: ReconLineSpec): string {
  const c = s.customer ?? CONTOSO;
  const o = s.offer ?? BUSINESS_PREMIUM;
  const start = parsePlainDate(s.chargeStart);
  const anchor = parsePlainDate(s.subscriptionStart ?? s.chargeStart);
  const cycle = [...cyclesOf(anchor, o, start)].at(-1) ?? {
    start,
    end: parsePlainDate(s.chargeEnd),
    termEnd: parsePlainDate(s.chargeEnd),
  };
  const eup = dec(s.effectiveUnitPrice ?? proratedUnitPrice(dec(s.unitPrice), cycle, start));
  const subtotal = dec(s.subtotal ?? licenseSubtotal(eup, s.quantity).times(dec(s.reversal ? -1 : 1)));
  const currency = s.currency ?? 'USD';
  const azure = o.productId === AZURE_PLAN.productId;
  const money = (v: Decimal) => decimalFixed(v, 2);
  return csvRecord(RECON_CSV_COLUMNS, {
    PartnerId: PARTNER.id,
    CustomerId: c.tenantId,
    CustomerName: c.name,
    CustomerDomainName: c.domain,
    CustomerCountry: c.country,
    InvoiceNumber: invoiceNumber,
    MpnId: PARTNER.mpnId,
    ResellerMpnId: '0',
    OrderId: guidOf(`${invoiceNumber}|${s.chargeStart}|${s.chargeType}`).replace(/-/g, '').slice(0, 24),
    OrderDate: `${usDate(parsePlainDate(s.orderDate ?? s.chargeStart))} 12:00:00 AM`,
    ProductId: o.productId,
    SkuId: o.skuId,
    AvailabilityId: 'CFQ7TTC0MM8R',
    SkuName: o.title,
    ProductName: o.title,
    ChargeType: s.chargeType ?? (azure ? 'usage' : 'cycleCharge'),
    UnitPrice: s.unitPrice,
    Quantity: String(s.quantity),
    Subtotal: money(subtotal),
    TaxTotal: '0.00',
    Total: money(subtotal),
    Currency: currency,
    PriceAdjustmentDescription: '[]',
    PublisherName: 'Microsoft Corporation',
    SubscriptionDescription: o.title,
    SubscriptionId:
      s.subscriptionId ?? guidOf(`${c.tenantId}|${o.productId}:${o.skuId}:${o.term}:${o.billingPlan}`),
    ChargeStartDate: usDate(start),
    ChargeEndDate: usDate(parsePlainDate(s.chargeEnd)),
    TermAndBillingCycle: azure ? '' : TERM_TEXT[o.term],
    EffectiveUnitPrice: eup.toFixed(),
    UnitType: azure ? '1 Hour' : 'Licenses',
    BillableQuantity: String(s.quantity),
    BillingFrequency: o.billingPlan === 'Monthly' ? 'Monthly' : o.billingPlan === 'Annual' ? 'Annual' : '',
    PricingCurrency: currency,
    PCToBCExchangeRate: '1',
    PCToBCExchangeRateDate: usDate(parsePlainDate(`${s.chargeStart.slice(0, 8)}01`)),
    SubscriptionStartDate: usDate(anchor),
    SubscriptionEndDate: usDate(parsePlainDate(s.subscriptionEnd ?? cycle.termEnd)),
    ReferenceId: guidOf(`${invoiceNumber}|${s.chargeStart}|${s.chargeType}|${s.quantity}|${s.reversal}`),
  });
}

/** Writes `<invoiceNumber>.csv` (or `fileName`): one NCE billed invoice reconciliation file; its path. */
export function reconFile(
  dir: string,
  invoiceNumber: string,
  lines: ReconLineSpec[],
  fileName?: string,
): string {
  const path = join(dir, fileName ?? `${invoiceNumber}.csv`);
  writeFileSync(
    path,
    [csvLine(RECON_CSV_COLUMNS), ...lines.map((l) => reconRecord(invoiceNumber, l))].join(''),
  );
  return path;
}

/** The Azure plan line of a recon file: a customer's consumption of `month` (YYYY-MM), `subtotal` in all. */
export function azurePlanLine(
  month: string,
  subtotal: string,
  customer: CustomerSpec = CONTOSO,
): ReconLineSpec {
  const first = parsePlainDate(`${month}-01`);
  const last = addDays(addMonths(first, 1), -1);
  return {
    customer,
    offer: AZURE_PLAN_OFFER,
    unitPrice: subtotal,
    quantity: 1,
    subtotal,
    chargeStart: first,
    chargeEnd: last,
  };
}

export interface PriceSpec {
  offer?: OfferSpec;
  /** Partner cost (UnitPrice) and retail (ERP Price) per unit for the plan's billing cycle. */
  cost: string;
  erp: string;
  /** First day of the window; default 2024-01-01. */
  start?: string;
  /** Last day of the window (inclusive, as Microsoft writes it); default open-ended. */
  end?: string;
  market?: string;
  currency?: string;
  changed?: boolean;
}

/** Writes `fileName` (default pricelist.csv): an NCE license-based price list. Returns its path. */
export function priceListFile(dir: string, entries: PriceSpec[], fileName = 'pricelist.csv'): string {
  const stamp = (d: string, time: string) => `${parsePlainDate(d)}T${time}Z`;
  const rows = entries.map((e) => {
    const o = e.offer ?? BUSINESS_PREMIUM;
    return csvRecord(PRICE_LIST_CSV_COLUMNS, {
      ChangeIndicator: e.changed ? 'Changed' : 'Unchanged',
      ProductTitle: o.title,
      ProductId: o.productId,
      SkuId: o.skuId,
      SkuTitle: o.title,
      Publisher: 'Microsoft Corporation',
      SkuDescription: `${o.title} for businesses`,
      UnitOfMeasure: 'Licenses',
      TermDuration: o.term,
      BillingPlan: o.billingPlan,
      Market: e.market ?? 'US',
      Currency: e.currency ?? 'USD',
      UnitPrice: decimalFixed(dec(e.cost), 2),
      EffectiveStartDate: stamp(e.start ?? '2024-01-01', '00:00:00.0000000'),
      EffectiveEndDate: stamp(e.end ?? '9999-12-31', '23:59:59.9999999'),
      Tags: 'License',
      'ERP Price': decimalFixed(dec(e.erp), 2),
      Segment: 'Commercial',
    });
  });
  const path = join(dir, fileName);
  writeFileSync(path, [csvLine(PRICE_LIST_CSV_COLUMNS), ...rows].join(''));
  return path;
}
