import type { FileProblemWire, UploadedFileWire } from '../../services/sources/upload-schemas';
import type { PartnerCenterFileKind } from '../../sources/partner-center/files/detect';
import type { InvoiceFileImportResult, PriceListImportResult } from '../../sources/partner-center/import';
import { formatBytes, type StagedUpload } from './upload-settings';

/** One file's answer: what was stored, or what is wrong and that nothing was stored (same words as the CLI). */

const count = (n: number) => n.toLocaleString('en-US');
const counts = (r: { created: number; updated: number; unchanged: number }) =>
  `${count(r.created)} created, ${count(r.updated)} updated, ${count(r.unchanged)} unchanged`;

/** The dates' reasons, in the words of the page rather than the CLI's flags. */
const inWords = (basis: string) =>
  basis
    .replace('given with --period', 'given with the upload')
    .replace('given with --issued', 'given with the upload');

const DATES_NOT_USED =
  'the billing period and issue date given apply to invoice files only: not used for a price list';

export function priceListStored(
  staged: StagedUpload,
  r: PriceListImportResult,
  dates: { period?: string; issued?: string } = {},
): UploadedFileWire {
  const skipped = r.skipped.length;
  return {
    outcome: 'stored',
    file: staged.fileName,
    bytes: staged.bytes,
    kind: 'price_list',
    rows: r.rows,
    created: r.created,
    updated: r.updated,
    unchanged: r.unchanged,
    invoice: null,
    skippedRows: skipped,
    warnings: dates.period || dates.issued ? [DATES_NOT_USED] : [],
    message:
      `Imported price list ${staged.fileName}: ${count(r.rows)} entries (${counts(r)})` +
      (skipped > 0 ? `; skipped ${count(skipped)} rows (higher quantity bands of tiered offers)` : ''),
  };
}

function invoiceMessage(file: string, r: InvoiceFileImportResult): string {
  const what = r.kind === 'recon' ? 'lines' : 'Azure usage rows';
  const head = `Imported ${file}: ${r.kind === 'recon' ? 'invoice' : 'Azure usage of invoice'} ${r.invoiceId}`;
  const status =
    r.status === 'replaced'
      ? `a corrected re-issue: replaced ${count(r.previousLineCount)} stored ${what}`
      : r.status === 'unchanged'
        ? 'already stored as it is: nothing changed'
        : 'new';
  return `${head} (${status}); ${count(r.rows)} ${what}: ${counts(r)}`;
}

export function invoiceStored(staged: StagedUpload, r: InvoiceFileImportResult): UploadedFileWire {
  return {
    outcome: 'stored',
    file: staged.fileName,
    bytes: staged.bytes,
    kind: r.kind,
    rows: r.rows,
    created: r.created,
    updated: r.updated,
    unchanged: r.unchanged,
    invoice: {
      invoiceId: r.invoiceId,
      status: r.status,
      previousLineCount: r.previousLineCount,
      billingPeriod: r.dates.billingPeriod,
      issueDate: r.dates.issueDate,
      datesFrom: r.dates.datesFrom,
      basis: r.dates.basis.map(inWords),
      customers: r.customers,
    },
    skippedRows: 0,
    warnings: r.warnings,
    message: invoiceMessage(staged.fileName, r),
  };
}

/** A failed file: the problem, and that nothing from it was stored. */
export function failed(
  staged: StagedUpload,
  kind: PartnerCenterFileKind | null,
  problem: FileProblemWire,
): UploadedFileWire {
  return {
    outcome: 'failed',
    file: staged.fileName,
    bytes: staged.bytes,
    kind,
    error: problem,
    message: `${problem.message}. Nothing from ${staged.fileName} was stored.`,
  };
}

export function tooLargeProblem(staged: StagedUpload, maxFileBytes: number): FileProblemWire {
  return {
    code: 'too_large',
    message: `${staged.fileName} is larger than the upload limit of ${formatBytes(maxFileBytes)} (BILLSYNC_UPLOAD_MAX_MB)`,
    row: null,
    column: null,
    value: null,
    expected: `a file of at most ${formatBytes(maxFileBytes)}`,
  };
}

export function importFailedProblem(reason: string): FileProblemWire {
  return { code: 'import_failed', message: reason, row: null, column: null, value: null, expected: null };
}
