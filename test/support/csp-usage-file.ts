import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addDays, addMonths, parsePlainDate } from '../../src/core/time/plain-date';
import { AZURE_PLAN } from '../../src/sources/partner-center/demo/catalog';
import { csvLine, csvRecord } from '../../src/sources/partner-center/demo/csv-text';
import { USAGE_CSV_COLUMNS } from '../../src/sources/partner-center/demo/usage-csv';
import { usDate } from '../../src/sources/partner-center/files/dates';
import { CONTOSO, type CustomerSpec, guidOf, PARTNER } from './csp-specs';

/** The Azure plan daily rated usage CSV from compact specs (re-exported by csp-files.ts). */

export interface UsageRowSpec {
  customer?: CustomerSpec;
  /** The Azure plan subscription; default one per customer. */
  subscriptionId?: string;
  /** The Azure subscription under the plan; default one per customer. */
  entitlementId?: string;
  usageDate: string;
  meterName?: string;
  meterCategory?: string;
  quantity?: string;
  /** Default: the cost (quantity 1). */
  unitPrice?: string;
  /** BillingPreTaxTotal of the row. */
  cost: string;
  currency?: string;
}

function usageRecord(invoiceNumber: string, r: UsageRowSpec): string {
  const c = r.customer ?? CONTOSO;
  const day = parsePlainDate(r.usageDate);
  const first = parsePlainDate(`${r.usageDate.slice(0, 8)}01`);
  const currency = r.currency ?? 'USD';
  const meterName = r.meterName ?? 'D2s v3';
  return csvRecord(USAGE_CSV_COLUMNS, {
    PartnerId: PARTNER.id,
    PartnerName: PARTNER.name,
    CustomerId: c.tenantId,
    CustomerName: c.name,
    CustomerDomainName: c.domain,
    CustomerCountry: c.country,
    MpnId: PARTNER.mpnId,
    InvoiceNumber: invoiceNumber,
    ProductId: AZURE_PLAN.productId,
    SkuId: AZURE_PLAN.skuId,
    SkuName: AZURE_PLAN.title,
    ProductName: AZURE_PLAN.title,
    PublisherName: 'Microsoft',
    SubscriptionId: r.subscriptionId ?? guidOf(`${c.tenantId}|azure-plan`),
    ChargeStartDate: usDate(first),
    ChargeEndDate: usDate(addDays(addMonths(first, 1), -1)),
    UsageDate: usDate(day),
    MeterCategory: r.meterCategory ?? 'Virtual Machines',
    MeterId: guidOf(`meter|${meterName}`),
    MeterName: meterName,
    ChargeType: 'new',
    UnitPrice: r.unitPrice ?? r.cost,
    Quantity: r.quantity ?? '1',
    BillingPreTaxTotal: r.cost,
    BillingCurrency: currency,
    PricingPreTaxTotal: r.cost,
    PricingCurrency: currency,
    EffectiveUnitPrice: r.unitPrice ?? r.cost,
    PCToBCExchangeRate: '1',
    EntitlementId: r.entitlementId ?? guidOf(`${c.tenantId}|azure-entitlement`),
    EntitlementDescription: 'Production',
  });
}

/** Writes `<invoiceNumber>-usage.csv` (or `fileName`): one Azure plan daily rated usage file; its path. */
export function usageFile(
  dir: string,
  invoiceNumber: string,
  rows: UsageRowSpec[],
  fileName?: string,
): string {
  const path = join(dir, fileName ?? `${invoiceNumber}-usage.csv`);
  writeFileSync(
    path,
    [csvLine(USAGE_CSV_COLUMNS), ...rows.map((r) => usageRecord(invoiceNumber, r))].join(''),
  );
  return path;
}

/** One row per day from `first` to `last` (inclusive) costing `costPerDay` each. */
export function dailyUsage(
  first: string,
  last: string,
  costPerDay: string,
  extra: Partial<UsageRowSpec> = {},
): UsageRowSpec[] {
  const rows: UsageRowSpec[] = [];
  for (let d = parsePlainDate(first); d <= last; d = addDays(d, 1))
    rows.push({ ...extra, usageDate: d, cost: costPerDay });
  return rows;
}
