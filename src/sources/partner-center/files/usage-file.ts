import type { AzureUsageLine } from '../../../core/model/source';
import { Money } from '../../../core/money';
import { type ColumnSpec, columnLabels, resolveColumns } from './columns';
import { mapCsvBatches } from './csv-rows';
import { normalizeSubscriptionId, normalizeTenantId, TENANT_EXPECTED } from './ids';
import { RowCursor } from './row-cursor';
import { USAGE_QUANTITY_BOUNDS } from './value-bounds';

/**
 * Columns of the Azure plan daily-rated usage reconciliation CSV (csp-billing.md 2.5) that normalization reads.
 * MeterId/MeterName/MeterCategory are optional because the Graph export's "basic" attribute set leaves them out.
 */
export const USAGE_COLUMNS = [
  { name: 'CustomerId', required: true },
  { name: 'CustomerName', required: true },
  { name: 'CustomerDomainName', required: false },
  { name: 'InvoiceNumber', required: true },
  { name: 'MpnId', aliases: ['MPNID'], required: false },
  { name: 'SubscriptionId', required: true },
  { name: 'EntitlementId', required: true },
  { name: 'UsageDate', required: true },
  { name: 'MeterId', required: false },
  { name: 'MeterName', required: false },
  { name: 'MeterCategory', required: false },
  { name: 'Quantity', required: true },
  { name: 'UnitPrice', required: true },
  { name: 'EffectiveUnitPrice', required: true },
  { name: 'BillingPreTaxTotal', required: true },
  { name: 'BillingCurrency', required: true },
  { name: 'PricingCurrency', required: true },
] as const satisfies readonly ColumnSpec[];

export type UsageColumn = (typeof USAGE_COLUMNS)[number]['name'];

export function usageCursor(header: readonly string[], file: string): RowCursor<UsageColumn> {
  const index = resolveColumns(header, USAGE_COLUMNS, file);
  return new RowCursor(file, index, columnLabels(header, index), header.length);
}

/** Normalizes the current row of a usage cursor. Unit prices are in the pricing currency, the cost in the billing one. */
export function usageLineFromRow(c: RowCursor<UsageColumn>, lineNumber: number): AzureUsageLine {
  const pricing = c.currency('PricingCurrency');
  return {
    invoiceId: c.required(
      'InvoiceNumber',
      'an invoice number such as G002297372 (unbilled usage cannot be imported)',
    ),
    lineNumber,
    customerTenantId: normalizeTenantId(c.text('CustomerId')) ?? c.fail('CustomerId', TENANT_EXPECTED),
    customerName: c.required('CustomerName', 'the customer name'),
    subscriptionId: normalizeSubscriptionId(
      c.required('SubscriptionId', 'the Azure plan subscription id (GUID)'),
    ),
    entitlementId: normalizeSubscriptionId(c.required('EntitlementId', 'the Azure subscription id (GUID)')),
    usageDate: c.date('UsageDate').date,
    meterId: c.text('MeterId').toLowerCase(),
    meterName: c.text('MeterName'),
    meterCategory: c.text('MeterCategory'),
    quantity: c.bounded('Quantity', USAGE_QUANTITY_BOUNDS),
    unitPrice: Money.of(c.decimal('UnitPrice'), pricing),
    effectiveUnitPrice: Money.of(c.decimal('EffectiveUnitPrice'), pricing),
    cost: Money.of(c.decimal('BillingPreTaxTotal'), c.currency('BillingCurrency')),
  };
}

/**
 * The same normalization for one `DailyRatedUsageLineItem` record of the Partner Center API (camelCase names;
 * the columns normalization reads have the same names in JSON), so the API and the file give identical records.
 */
export function usageLineFromRecord(
  record: Readonly<Record<string, unknown>>,
  lineNumber: number,
  source: string,
): AzureUsageLine {
  const header = Object.keys(record);
  const fields = header.map((k) => {
    const v = record[k];
    return v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  });
  return usageLineFromRow(usageCursor(header, source).at(fields, lineNumber), lineNumber);
}

/** One customer as the usage file names it (the usage file has no country). */
export interface UsageCustomer {
  tenantId: string;
  name: string;
  domain: string;
}

/**
 * Streams the normalized rows of an Azure plan daily-rated usage file, an array per chunk of the file. Every
 * row must name the invoice and the billing currency of the first row. `onCustomer` sees each row's customer
 * (with its domain, which the normalized usage line does not carry).
 */
export async function* parseUsageBatches(
  input: AsyncIterable<string | Uint8Array>,
  file: string,
  onCustomer?: (customer: UsageCustomer) => void,
): AsyncGenerator<AzureUsageLine[]> {
  yield* mapCsvBatches(input, file, (header) => {
    const cursor = usageCursor(header, file);
    let lineNumber = 0;
    let invoiceId: string | undefined;
    let currency: string | undefined;
    return (batch, row) => {
      lineNumber += 1;
      const result = usageLineFromRow(cursor.at(batch, row), lineNumber);
      invoiceId ??= result.invoiceId;
      currency ??= result.cost.currency;
      if (result.invoiceId !== invoiceId)
        cursor.fail('InvoiceNumber', `the same invoice number on every row (${invoiceId} on the first row)`);
      if (result.cost.currency !== currency)
        cursor.fail(
          'BillingCurrency',
          `the same billing currency on every row (${currency} on the first row)`,
        );
      onCustomer?.({
        tenantId: result.customerTenantId,
        name: result.customerName,
        domain: cursor.text('CustomerDomainName'),
      });
      return result;
    };
  });
}

/** `parseUsageBatches`, one row at a time. */
export async function* parseUsageFile(
  input: AsyncIterable<string | Uint8Array>,
  file: string,
  onCustomer?: (customer: UsageCustomer) => void,
): AsyncGenerator<AzureUsageLine> {
  for await (const batch of parseUsageBatches(input, file, onCustomer)) yield* batch;
}
