import type { CatalogProduct } from './map-catalog';
import type { WireInvoice, WireInvoiceItem } from './wire-types';

/**
 * Wire payloads for the tests, shaped like pax8-api.md's examples (the draft invoice item: consistent numbers).
 * Amounts are written the way Pax8 would (rounded half-up to cents, or 3 decimals where a test says so).
 */
export const COMPANY = '7e338a9b-1d4c-4e2f-9a11-000000000001';
export const COMPANY_2 = '7e338a9b-1d4c-4e2f-9a11-000000000002';
export const PRODUCT = 'a34eef76-52a1-4b0c-8d2e-000000000010';
export const AZURE_PRODUCT = 'a34eef76-52a1-4b0c-8d2e-000000000099';
export const SUB = 'c5e82a19-6f3b-4c7d-8e90-000000000100';
export const ANNUAL_SUB = 'c5e82a19-6f3b-4c7d-8e90-000000000200';

export const BP: CatalogProduct = {
  id: PRODUCT,
  sku: 'MST-M365-BP',
  name: 'Microsoft 365 Business Premium',
  vendorName: 'Microsoft',
};

export function invoice(id: string, invoiceDate: string, status = 'Unpaid'): WireInvoice {
  return {
    id,
    invoiceDate,
    dueDate: invoiceDate.replace(/-01$/, '-15'),
    status,
    total: 0,
    currencyCode: 'USD',
    partnerName: 'My Partner Name',
  };
}

/** Half-up to cents, as text. */
export function cents(value: number): string {
  return (Math.round(value * 100 + 1e-9) / 100).toFixed(2);
}

export function item(over: Partial<WireInvoiceItem> & Record<string, unknown>): WireInvoiceItem {
  return {
    type: 'subscription',
    companyId: COMPANY,
    companyName: 'Contoso Dental',
    startPeriod: '2026-03-01',
    endPeriod: '2026-03-31',
    quantity: 10,
    unitOfMeasure: 'User',
    term: 'Monthly',
    sku: 'MST-M365-BP',
    description: 'Microsoft 365 Business Premium',
    rateType: 'single',
    chargeType: 'per',
    price: 22,
    subTotal: 220,
    cost: 20,
    costTotal: 200,
    offeredBy: 'Pax8',
    billedByPax8: false,
    total: 220,
    productId: PRODUCT,
    productName: 'Microsoft 365 Business Premium',
    billingFee: 0,
    billingFeeRate: 0,
    amountDue: 220,
    currencyCode: 'USD',
    salesTax: 0,
    subscriptionId: SUB,
    vendorName: 'Microsoft',
    ...over,
  };
}
