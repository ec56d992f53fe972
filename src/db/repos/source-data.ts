/**
 * Microsoft CSP source data in the database: customers, price list, invoices with lines and Azure usage, import
 * records. The one entry point for part B's `source pull`, the file import and the sync engine; the pieces live
 * in ./source-data/. Every function filters by workspace.
 */
import type { WorkspaceId } from '../../core/ids';
import type { AzureUsageLine, InvoiceHeader, InvoiceLine } from '../../core/model/source';
import type { Queryable } from '../pool';
import { type Rows, storeInvoiceParts } from './source-data/invoice-store';
import { inTransaction } from './source-data/transaction';
import type { InvoiceImportResult } from './source-data/types';

export { CustomerStage } from './source-data/customer-stage';
export { listSourceCustomers, upsertSourceCustomers } from './source-data/customers';
export {
  listSourceImports,
  type NewSourceImport,
  recordSourceImport,
  type SourceImportKind,
  type SourceImportRecord,
} from './source-data/imports';
export {
  type AzureCostTotal,
  getAzureUsageLines,
  getAzureUsageTotals,
  getInvoice,
  getInvoiceLines,
  getInvoiceLinesByCustomer,
  listInvoices,
} from './source-data/invoice-readers';
export {
  type HeaderResolver,
  type InvoiceParts,
  ReissueDropsCustomers,
  type Rows,
  storeInvoiceParts,
} from './source-data/invoice-store';
export { listPriceEntries, storePriceList } from './source-data/price-list';
export {
  addCounts,
  type ImportCounts,
  type InvoiceImportResult,
  type InvoicePartResult,
  type InvoicePartStatus,
  NO_COUNTS,
  type StoredInvoice,
} from './source-data/types';

/**
 * Stores one invoice: its header, its lines and (optionally) its Azure plan daily usage. Idempotent by content:
 * the same lines again -> `unchanged` (nothing written); other lines under the same invoice id -> `replaced`
 * (a corrected re-issue: the old lines are removed). Headers whose dates were only inferred never overwrite dates
 * the source or a user stated (`keptStoredDates`). One transaction (the caller's, when `db` is a client). The
 * sources' APIs (Partner Center, Pax8) give the whole invoice, never a part of it: a re-issue replaces the stored
 * one even where it leaves customers out.
 */
export async function storeInvoice(
  db: Queryable,
  ws: WorkspaceId,
  header: InvoiceHeader,
  lines: Rows<InvoiceLine>,
  usage?: Rows<AzureUsageLine>,
): Promise<InvoiceImportResult> {
  return inTransaction(db, (client) =>
    storeInvoiceParts(client, ws, header.id, usage ? { lines, usage } : { lines }, () => header, {
      replace: true,
    }),
  );
}

/**
 * Stores the Azure plan daily-rated usage of an invoice (the usage file comes separately from the recon file),
 * leaving its lines as they are; creates the header when the invoice is not known yet. Same idempotence rules.
 */
export async function storeAzureUsage(
  db: Queryable,
  ws: WorkspaceId,
  header: InvoiceHeader,
  usage: Rows<AzureUsageLine>,
): Promise<InvoiceImportResult> {
  return inTransaction(db, (client) =>
    storeInvoiceParts(client, ws, header.id, { usage }, () => header, { replace: true }),
  );
}
