import { basename } from 'node:path';
import type { WorkspaceId } from '../../core/ids';
import type { AzureUsageLine, InvoiceLine } from '../../core/model/source';
import type { BillingPeriod, PlainDate } from '../../core/time';
import { type Pool, type PoolClient, withTransaction } from '../../db/pool';
import {
  CustomerStage,
  type ImportCounts,
  type InvoicePartStatus,
  NO_COUNTS,
  ReissueDropsCustomers,
  recordSourceImport,
  storeInvoiceParts,
  storePriceList,
} from '../../db/repos/source-data';
import { FileParseError, FileRefusedError } from './files/file-error';
import { fileKindOf, peek, readWithProgress, wrongKind } from './files/file-input';
import { type InvoiceDates, MonthTally, settleInvoiceDates } from './files/invoice-dates';
import { parsePriceListFile } from './files/price-list-file';
import { parseReconBatches } from './files/recon-file';
import { parseUsageBatches } from './files/usage-file';

/** How far an import has read: bytes of the file, and rows parsed so far. */
export interface ImportProgress {
  bytesRead: number;
  totalBytes: number;
  rows: number;
}

/** Options of every file import. */
export interface ImportOptions {
  onProgress?: (progress: ImportProgress) => void;
}

/** What a price-list import did: entry counts, and the rows it left out on purpose. */
export interface PriceListImportResult extends ImportCounts {
  file: string;
  kind: 'price_list';
  rows: number;
  /** Rows left out on purpose (higher bands of tiered offers), with their line numbers. */
  skipped: { line: number; reason: string }[];
}

/** Options of an invoice import: the dates the user states (see settleInvoiceDates). */
export interface InvoiceImportOptions extends ImportOptions {
  /** The billing period, when the user states it (else inferred, see settleInvoiceDates). */
  period?: BillingPeriod;
  /** The issue date, when the user states it. */
  issued?: PlainDate;
  /**
   * The file is a corrected invoice that replaces the stored one even where it has no line for some of its
   * customers (refused otherwise: such a file is usually one part of a split export, see ReissueDropsCustomers).
   */
  replace?: boolean;
}

/** Line counts at the top level (created / updated = replaced / unchanged), plus what the import decided. */
export interface InvoiceFileImportResult extends ImportCounts {
  file: string;
  kind: 'recon' | 'azure_usage';
  invoiceId: string;
  status: InvoicePartStatus;
  rows: number;
  previousLineCount: number;
  customers: ImportCounts;
  dates: InvoiceDates;
  headerChanged: boolean;
  warnings: string[];
}

/** Imports an NCE license-based price list CSV: one transaction, idempotent by offer key + effective start. */
export async function importPriceListFile(
  pool: Pool,
  ws: WorkspaceId,
  path: string,
  opts: ImportOptions = {},
): Promise<PriceListImportResult> {
  const file = basename(path);
  const kind = await fileKindOf(path, file);
  if (kind !== 'price_list') throw wrongKind(file, kind, 'a price list', 'import invoice');
  const skipped: { line: number; reason: string }[] = [];
  let rows = 0;
  return withTransaction(pool, async (client) => {
    const entries = parsePriceListFile(
      readWithProgress(path, () => rows, opts.onProgress),
      file,
      (s) => skipped.push(s),
    );
    const counted = (async function* () {
      for await (const e of entries) {
        rows += 1;
        yield e;
      }
    })();
    const counts = await storePriceList(client, ws, counted);
    await recordSourceImport(client, ws, {
      fileName: file,
      kind: 'price_list',
      invoiceId: undefined,
      rowCount: rows,
      counts,
      details: { skipped: skipped.length },
    });
    return { file, kind: 'price_list', rows, ...counts, skipped };
  });
}

/**
 * Imports one invoice file: the NCE billed invoice reconciliation CSV or the Azure plan daily-rated usage CSV,
 * told apart by its header. All or nothing (one transaction): a bad row anywhere stores nothing from the file.
 * The invoice id comes from the rows; the billing period and issue date are settled by `settleInvoiceDates`
 * (reported in `dates`). The customers the file names are upserted as source customers.
 */
export async function importInvoiceFile(
  pool: Pool,
  ws: WorkspaceId,
  path: string,
  opts: InvoiceImportOptions = {},
): Promise<InvoiceFileImportResult> {
  const file = basename(path);
  const kind = await fileKindOf(path, file);
  if (kind === 'price_list')
    throw wrongKind(file, kind, 'an invoice reconciliation or Azure usage file', 'import pricelist');
  const counter = { rows: 0 };
  const months = new MonthTally();
  const bytes = readWithProgress(path, () => counter.rows, opts.onProgress);
  const noRows = () =>
    new FileParseError({
      file,
      row: 2,
      column: undefined,
      value: undefined,
      expected: 'at least one data row (the invoice number is read from the rows)',
    });

  // The customers the file names, staged on disk as they are read (their first name and domain).
  const customers = new CustomerStage();
  const remember = (tenantId: string, name: string, domain: string) => customers.add(tenantId, name, domain);

  const result = withTransaction(pool, async (client) => {
    await relaxCommitDurability(client);
    const parsed: AsyncGenerator<(InvoiceLine | AzureUsageLine)[]> =
      kind === 'recon'
        ? parseReconBatches(bytes, file)
        : parseUsageBatches(bytes, file, (c) => remember(c.tenantId, c.name, c.domain));
    const peeked = await peek(parsed);
    const first = peeked?.first[0];
    if (!peeked || !first) throw noRows();
    const invoiceId = first.invoiceId;
    const currency = 'subtotal' in first ? first.subtotal.currency : first.cost.currency;
    let dates: InvoiceDates | undefined;
    async function* tapped<T extends InvoiceLine | AzureUsageLine>(
      batches: AsyncIterable<(InvoiceLine | AzureUsageLine)[]>,
    ): AsyncGenerator<T[]> {
      for await (const batch of batches) {
        for (const item of batch) {
          if ('chargePeriod' in item) {
            months.add(item.chargePeriod.start);
            remember(item.customerTenantId, item.customerName, item.customerDomain);
          } else {
            months.add(item.usageDate);
          }
        }
        counter.rows += batch.length;
        await customers.drained();
        yield batch as T[];
      }
    }
    const parts =
      kind === 'recon'
        ? { lines: tapped<InvoiceLine>(peeked.all) }
        : { usage: tapped<AzureUsageLine>(peeked.all) };
    const stored = await storeInvoiceParts(
      client,
      ws,
      invoiceId,
      parts,
      (header) => {
        dates = settleInvoiceDates({
          tally: months,
          stored: header,
          period: opts.period,
          issued: opts.issued,
        });
        return {
          id: invoiceId,
          billingPeriod: dates.billingPeriod,
          issueDate: dates.issueDate,
          currency,
          datesFrom: dates.datesFrom,
        };
      },
      { replace: opts.replace === true },
    ).catch((error: unknown) => {
      if (error instanceof ReissueDropsCustomers) throw dropsCustomers(file, error);
      throw error;
    });
    const part = (kind === 'recon' ? stored.lines : stored.usage)!;
    const customerCounts = customers.empty ? NO_COUNTS : await customers.merge(client, ws);
    const warnings = dateWarnings(months, stored.header.billingPeriod);
    const rows = counter.rows;
    const settled = dates!;
    await recordSourceImport(client, ws, {
      fileName: file,
      kind,
      invoiceId,
      rowCount: rows,
      counts: part.counts,
      details: { status: part.status, previousLineCount: part.previousLineCount, dates: settled, warnings },
    });
    return {
      file,
      kind,
      invoiceId,
      status: part.status,
      rows,
      ...part.counts,
      previousLineCount: part.previousLineCount,
      customers: customerCounts,
      dates: stored.keptStoredDates
        ? {
            ...settled,
            billingPeriod: stored.header.billingPeriod,
            issueDate: stored.header.issueDate,
            datesFrom: stored.header.datesFrom,
          }
        : settled,
      headerChanged: stored.headerChanged,
      warnings,
    };
  });
  // The temporary file of the customers goes, whatever happened.
  return result.finally(() => customers.dispose());
}

/**
 * The import's commit does not wait for its WAL to reach the disk (`synchronous_commit = off`, this transaction
 * only): a 100k-line invoice writes ~60 MB of WAL and the flush is a large share of the import time. Safe here:
 * a crash right after the commit can only lose the import as a whole (never half of it, the database stays
 * consistent), and importing the file again restores it.
 */
async function relaxCommitDurability(client: PoolClient): Promise<void> {
  await client.query('set local synchronous_commit = off');
}

function dateWarnings(months: MonthTally, period: BillingPeriod): string[] {
  const outside = months.total - months.countIn(period);
  if (outside === 0) return [];
  return [
    `${outside} of ${months.total} rows start outside the billing period ${period} (late corrections, or a wrong --period)`,
  ];
}

/** The refusal of a re-issue that leaves whole customers out, with what to do (spec section 6, corrected invoices). */
function dropsCustomers(file: string, error: ReissueDropsCustomers): FileRefusedError {
  return new FileRefusedError(
    file,
    `${file}: ${error.message}. If the invoice was exported in several files, ` +
      'join them into one file (one header, then the rows of every file) and import that. If this file is a ' +
      'corrected invoice that really leaves these customers out, import it again as a replacement ' +
      '(`billsync import invoice --replace`; in the browser, "Replace the stored invoice")',
    'lines for every customer of the stored invoice, or an import that replaces it',
    'drops_customers',
  );
}
